import { DELTA_MATCH_RANKS_KEPT, DELTA_MATCHES_KEPT, DELTA_MATCHES_MAX_SUPERSEDED, FOLD_MAX_MOVIES } from './limits.js';
import type { LiveSegment } from './live-segments.js';
import type { MovieQuery } from './search-request.js';
import { BASE_ONLY, MASK_SEGMENTS } from './segment-mask.js';

/**
 * What a version's deltas hold of one set of filters (year span, cast, genres, title; no words): for each
 * delta, its live movies passing them, ascending ranks (empty when none does), and the mask of the segments
 * holding one (the base's bit always set, as SegmentMasks'). It depends on neither the cursor, the order, the
 * limit nor the count, so a request with filters seen before reads its deltas' page and total off these
 * ranks, with no mask, probe, plan or check of its own.
 */
export interface DeltaMatches {
  readonly mask: number;
  /** Delta s's matches at s - 1. */
  readonly ranks: readonly Int32Array[];
  /**
   * The base's superseded movies passing the filters, ascending: the only movies its check of superseded movies
   * refuses for them. Mostly none (a few hundred superseded movies among the base's tens of thousands), and then
   * the base answers unchecked, as over no delta; otherwise its count is its unchecked count less these.
   */
  readonly baseSuperseded: Int32Array;
  /**
   * The one delta holding matches, when only one does, with its places among the base's ranks: a year:desc page
   * merges its matches into the base's by integers (base-places.ts). Found with the matches, so that a request reads
   * it with them rather than finding it again (an object and a WeakMap read per request).
   */
  readonly sole: SoleDelta | undefined;
}

/** The one delta of a version holding a filter set's matches: its segment, those matches, and where each falls among the base's ranks. */
export interface SoleDelta {
  readonly segment: LiveSegment;
  readonly matches: Int32Array;
  /** `places[f]`: how many of the base's ranks come before the delta's rank f in catalogue order (BasePlaces' ranks). */
  readonly places: Int32Array;
}

/** The matches of each delta, and the mask they make, with the base's superseded matches and the sole delta holding any. */
export function deltaMatches(ranks: readonly Int32Array[], baseSuperseded: Int32Array, sole?: SoleDelta): DeltaMatches {
  let mask = BASE_ONLY;
  for (let s = 1; s <= ranks.length; s++) if ((ranks[s - 1] as Int32Array).length > 0) mask |= 1 << s;
  return { mask, ranks, baseSuperseded, sole };
}

const NO_RANKS = new Int32Array(0);

/**
 * Whether a version has deltas, each holding at most FOLD_MAX_MOVIES movies (the fold, or one small delta: what a
 * replica serves after small runs), and few enough for SegmentMasks' bits: what a version remembers per request
 * (this file, delta-words.ts) only for such deltas, so that finding what one holds reads at most that many movies.
 */
export function smallDeltas(segments: readonly LiveSegment[]): boolean {
  return segments.length > 1 && segments.length <= MASK_SEGMENTS && segments.every((s, i) => i === 0 || s.index.size <= FOLD_MAX_MOVIES);
}

/**
 * A version's DeltaMatches by filter set, bounded (DELTA_MATCHES_KEPT sets, DELTA_MATCH_RANKS_KEPT ranks
 * over all of them, the base's superseded matches included) and emptied when full, like SegmentMasks'
 * words. Only for a version whose every delta holds at most FOLD_MAX_MOVIES movies (what a replica
 * serves after a few small runs: the fold, or one small delta) and whose base has at most
 * DELTA_MATCHES_MAX_SUPERSEDED superseded movies, so that finding a set's matches reads a delta of at
 * most that many and seeks those few in the base, and a set's ranks are as few; a version with a larger
 * delta keeps planning its deltas per request. Nothing is built when a version loads.
 */
export class DeltaMatchMemo {
  /**
   * Direct-mapped by the filters' hash (its low bits; at least twice as many slots as sets kept), sets of one slot
   * chained, told apart by their hash, then their filters. A `Map` by the hash cost ~40 ns of a ~170 ns read, on every
   * request over small deltas, most of which find the base alone answers.
   */
  private readonly slots: (Kept | undefined)[];
  private readonly slotMask: number;
  private sets = 0;
  private ranks = 0;
  /** Whether the version's deltas are small enough to be remembered (and few enough for SegmentMasks' bits). */
  readonly applies: boolean;
  /**
   * The version's base as if none of its movies were superseded (no check): what answers for filters whose
   * baseSuperseded is empty. An object per version, sharing the base's index.
   */
  readonly uncheckedBase: LiveSegment | undefined;

  constructor(
    segments: readonly LiveSegment[],
    private readonly maxSets = DELTA_MATCHES_KEPT,
    private readonly maxRanks = DELTA_MATCH_RANKS_KEPT,
  ) {
    const slots = 2 ** Math.ceil(Math.log2(Math.max(2, 2 * maxSets)));
    this.slots = new Array<Kept | undefined>(slots).fill(undefined);
    this.slotMask = slots - 1;
    const base = segments[0];
    this.applies = base !== undefined && base.dead.length <= DELTA_MATCHES_MAX_SUPERSEDED && smallDeltas(segments);
    // Built as live-segments.ts builds a segment, property by property: one shape for the engine's code to meet.
    this.uncheckedBase = base && { index: base.index, deletes: base.deletes, docBase: base.docBase, dead: NO_RANKS, deadBits: undefined };
  }

  /** The matches of `query`'s filters, found by `find` the first time (and again once the memo was emptied). */
  of(query: MovieQuery, find: () => DeltaMatches): DeltaMatches {
    const hash = filtersHash(query);
    const slot = hash & this.slotMask;
    for (let at = this.slots[slot]; at !== undefined; at = at.next) if (at.hash === hash && sameFilters(at.query, query)) return at.matches;
    const matches = find();
    const ranks = matches.ranks.reduce((n, m) => n + m.length, matches.baseSuperseded.length);
    if (this.sets >= this.maxSets || this.ranks + ranks > this.maxRanks) {
      this.slots.fill(undefined);
      this.sets = 0;
      this.ranks = 0;
    }
    if (ranks <= this.maxRanks) {
      this.slots[slot] = { hash, query, matches, next: this.slots[slot] };
      this.sets++;
      this.ranks += ranks;
    }
    return matches;
  }

  /** Filter sets remembered now: for tests of the bound. */
  get size(): number {
    return this.sets;
  }
}

interface Kept {
  readonly hash: number;
  readonly query: MovieQuery;
  readonly matches: DeltaMatches;
  readonly next: Kept | undefined;
}

/**
 * A hash of the query's filters, from their numbers and each string's length and first, middle and last
 * characters: sameFilters tells apart sets that share a hash. A key string built per request (its parts
 * joined, then hashed by the Map) cost ~1 µs in the request path, and hashing every character still
 * showed in the profile; this reads a few numbers.
 */
export function filtersHash(query: MovieQuery): number {
  let h = 0x811c9dc5;
  h = mixNumber(h, query.year);
  h = mixNumber(h, query.yearFrom);
  h = mixNumber(h, query.yearTo);
  h = query.title === undefined ? mixNumber(h, undefined) : mixString(h, query.title);
  h = mixNumber(h, query.cast.length);
  for (const name of query.cast) h = mixString(h, name);
  h = mixNumber(h, query.genres.length);
  for (const genre of query.genres) h = mixString(h, genre);
  return h;
}

const mixNumber = (h: number, n: number | undefined): number =>
  n === undefined ? Math.imul(h ^ 0x5bd1e995, 0x01000193) : Math.imul(h ^ (n | 0), 0x01000193);

function mixString(h: number, s: string): number {
  const n = s.length;
  h = Math.imul(h ^ n, 0x01000193);
  if (n === 0) return h;
  h = Math.imul(h ^ s.charCodeAt(0), 0x01000193);
  h = Math.imul(h ^ s.charCodeAt(n >> 1), 0x01000193);
  return Math.imul(h ^ s.charCodeAt(n - 1), 0x01000193);
}

/** Whether two queries have the same filters (year span, title, cast, genres): queries are canonical, so equal filters are equal values. */
export function sameFilters(a: MovieQuery, b: MovieQuery): boolean {
  return (
    a.year === b.year &&
    a.yearFrom === b.yearFrom &&
    a.yearTo === b.yearTo &&
    a.title === b.title &&
    sameList(a.cast, b.cast) &&
    sameList(a.genres, b.genres)
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
