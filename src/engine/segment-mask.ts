import { popcount } from './bits.js';
import { candidateSet, planQuery, titleTerms, type FilterTerms, type TermIds, type TitleTerms } from './plan.js';
import { estimate } from './doc-set.js';
import type { LiveSegment } from './live-segments.js';
import type { StringTable } from './index-data.js';
import { WORD_MASKS_KEPT } from './limits.js';
import type { FacetName, MovieQuery } from './search-request.js';
import { encodeUtf8, stringAt, tableSize } from './string-table.js';
import { Synonyms } from './synonyms.js';

/** Every segment may match: a version of more segments than a mask has bits, or a query without filters. */
export const ALL_SEGMENTS = -1;

/** Only the base: no delta can match. */
export const BASE_ONLY = 1;

/** The most segments a mask tells apart: a bit each in a 32-bit integer, its sign bit left out. */
export const MASK_SEGMENTS = 31;

/** A request's filters over a version (SegmentMasks.match). */
export interface FilterMatch {
  /** The segments they can match. */
  readonly mask: number;
  /** How segment `s` plans them. */
  terms(s: number): FilterTerms;
}

/**
 * A term of the deltas' dictionaries: which deltas hold it and its id in each. Kept small, since a
 * version's maps hold every delta term: a term of one delta as one integer (`id * 32 + delta`, no
 * object), a term of several as one array of exactly its size, the mask (a bit each) and then its
 * ids, lowest bit first.
 */
type TermSlot = number | readonly number[];

function slotMask(slot: TermSlot | undefined): number {
  if (slot === undefined) return 0;
  return typeof slot === 'number' ? 1 << (slot & 31) : (slot[0] as number);
}

/** A term's id in delta `s`, or -1. */
function idIn(slot: TermSlot | undefined, s: number): number {
  if (slot === undefined) return -1;
  if (typeof slot === 'number') return (slot & 31) === s ? slot >>> 5 : -1;
  const mask = slot[0] as number;
  return inMask(mask, s) ? (slot[1 + popcount(mask & ((1 << s) - 1))] as number) : -1;
}

/** The slot with delta `s` (above every delta it has) added. */
function withDelta(slot: TermSlot | undefined, id: number, s: number): TermSlot {
  if (slot === undefined) return id * 32 + s;
  const before = typeof slot === 'number' ? [1 << (slot & 31), slot >>> 5] : slot;
  // Sized once, not grown by push: a grown array keeps room for more.
  const next = new Array<number>(before.length + 1);
  for (let i = 0; i < before.length; i++) next[i] = before[i] as number;
  next[0] = (next[0] as number) | (1 << s);
  next[before.length] = id;
  return next;
}

/** The slots of a request's cast names, genres and title n-grams, in the query's order, as SegmentMasks.match looked them up. */
interface FoundSlots {
  readonly cast: (TermSlot | undefined)[];
  readonly genres: (TermSlot | undefined)[];
  readonly grams: (TermSlot | undefined)[];
}

/** Which segments the words of `q` can match (SegmentMasks.words): the base's bit always set. */
export interface WordMasks {
  /** Segments where some movie matches every word (in its title or cast, or through its extract): only these hold full matches. */
  readonly every: number;
  /** Segments where some movie matches at least one word: only these hold partial matches (match-strategy.ts). */
  readonly some: number;
}

/**
 * Which deltas of a version a query's filters can match, for every delta at once: a bit per
 * segment (bit s for segment s), worked out from a few map lookups per request instead of planning
 * every delta. A delta holds tens to thousands of movies, so its dictionaries miss most of a
 * query's cast names, genres, years or title n-grams, and planQuery would answer "nothing" for it
 * (plan.ts): a cleared bit says exactly that, and a set bit only that the delta must be planned.
 * The base (bit 0) is always planned. Maps are built on first use per kind, from the deltas'
 * dictionaries alone, so their cost follows the deltas' size, never the base's.
 */
export class SegmentMasks {
  private castMemo: Map<string, TermSlot> | undefined;
  private genreMemo: Map<string, TermSlot> | undefined;
  private gramMemo: Map<string, TermSlot> | undefined;
  private yearMemo: Map<number, number> | undefined;
  private readonly wordsMemo = new Map<string, WordMasks>();
  /** Every delta's bit, and the base's. */
  private readonly every: number;

  constructor(
    private readonly segments: readonly LiveSegment[],
    private readonly synonyms = Synonyms.NONE,
  ) {
    this.every = segments.length > MASK_SEGMENTS ? ALL_SEGMENTS : 2 ** segments.length - 1;
  }

  /**
   * The segments the query's filters (less the one `without` leaves out, as planQuery) can match;
   * `title` is the query's title as the request found it once for every segment (titleTerms), when it did.
   */
  of(query: MovieQuery, without?: FacetName, title?: TitleTerms): number {
    return this.filterMask(query, without, title, undefined);
  }

  /**
   * The segments the query's filters can match (`of`), and the query's filters as each plans them
   * (planQuery): the title's n-grams and bytes found once for every segment, and for a delta its term
   * ids, read off the slots the mask was worked out from, so that no delta's dictionary is searched
   * and no term is looked up twice. The base looks its own up: its dictionaries are not in the maps.
   */
  match(query: MovieQuery, title: TitleTerms | undefined): FilterMatch {
    const found: FoundSlots = { cast: [], genres: [], grams: [] };
    const mask = this.filterMask(query, undefined, title, found);
    const base: FilterTerms = title === undefined ? {} : { title };
    if (this.every === ALL_SEGMENTS || mask === BASE_ONLY) return { mask, terms: () => base };
    return {
      mask,
      terms: (s) => {
        if (s === 0) return base;
        const ids: TermIds = { cast: idsIn(found.cast, s), genres: idsIn(found.genres, s), grams: idsIn(found.grams, s) };
        return title === undefined ? { ids } : { title, ids };
      },
    };
  }

  /**
   * The mask of `of`; with `found`, each term's slot is kept there as it is looked up. Once no delta
   * is left (the mask at the base's bit or none) the rest is not looked up: the base plans alone.
   */
  private filterMask(
    query: MovieQuery,
    without: FacetName | undefined,
    title: TitleTerms | undefined,
    found: FoundSlots | undefined,
  ): number {
    let mask = this.every;
    if (mask === ALL_SEGMENTS || mask === BASE_ONLY) return mask;
    if (
      without !== 'year' &&
      without !== 'decade' &&
      (query.year !== undefined || query.yearFrom !== undefined || query.yearTo !== undefined)
    ) {
      const from = Math.max(query.year ?? -Infinity, query.yearFrom ?? -Infinity);
      const to = Math.min(query.year ?? Infinity, query.yearTo ?? Infinity);
      mask &= this.years(from, to);
    }
    if (without !== 'cast' && query.cast.length > 0) mask = this.termsMask(mask, this.castTerms(), query.cast, found?.cast);
    if (without !== 'genre' && query.genres.length > 0) mask = this.termsMask(mask, this.genreTerms(), query.genres, found?.genres);
    if (query.title !== undefined && mask > 1)
      mask = this.termsMask(mask, this.gramTerms(), (title ?? titleTerms(query.title)).grams, found?.grams);
    if (query.q !== undefined && query.q.length > 0 && mask > 1) {
      const words = this.words(query.q);
      // Partial matches (two words or more, match=most) may come from a segment matching a single word.
      mask &= query.match !== 'all' && query.q.length > 1 ? words.some : words.every;
    }
    // The base is always planned: a query's words are planned there even when nothing matches.
    return mask | BASE_ONLY;
  }

  /** `mask` less the deltas lacking one of `keys`, their slots kept in `found`; no lookup once no delta is left. */
  private termsMask(
    mask: number,
    terms: Map<string, TermSlot>,
    keys: readonly string[],
    found: (TermSlot | undefined)[] | undefined,
  ): number {
    for (let i = 0; i < keys.length && mask > 1; i++) {
      const slot = this.slot(terms, keys[i] as string);
      found?.push(slot);
      mask &= slotMask(slot);
    }
    return mask;
  }

  /**
   * Which deltas the words of `q` can match, whatever the filters: worked out by planning the words
   * in every delta once per version and words (a delta's word plans are cached with it, so this
   * costs a few cache reads), then remembered, so that the next query with these words plans only
   * the deltas that have them. Most deltas lack most words: `q` without a filter would otherwise
   * plan and page every delta. A cleared bit is exact (the delta's word sets are empty); a set bit
   * only says the delta must be planned.
   */
  words(q: readonly string[]): WordMasks {
    if (this.every === ALL_SEGMENTS || q.length === 0) return { every: this.every, some: this.every };
    const key = q.join('\u0000');
    let masks = this.wordsMemo.get(key);
    if (masks === undefined) {
      let every = BASE_ONLY;
      let some = BASE_ONLY;
      const query: MovieQuery = { cast: [], genres: [], q };
      for (let s = 1; s < this.segments.length; s++) {
        const plan = planQuery((this.segments[s] as LiveSegment).index, query, { synonyms: this.synonyms });
        if (estimate(candidateSet(plan)) > 0) every |= 1 << s;
        if (plan.extract !== undefined || plan.words.some((word) => estimate(word.any) > 0)) some |= 1 << s;
      }
      // Bounded like the string tables' key cache: emptied when full, the words asked for again come back.
      if (this.wordsMemo.size >= WORD_MASKS_KEPT) this.wordsMemo.clear();
      masks = { every, some };
      this.wordsMemo.set(key, masks);
    }
    return masks;
  }

  private slot(terms: Map<string, TermSlot>, key: string): TermSlot | undefined {
    return terms.get(wellFormed(key));
  }

  private castTerms(): Map<string, TermSlot> {
    return (this.castMemo ??= this.terms((s) => s.index.data.cast.terms));
  }

  private genreTerms(): Map<string, TermSlot> {
    return (this.genreMemo ??= this.terms((s) => s.index.data.genres.terms));
  }

  private gramTerms(): Map<string, TermSlot> {
    return (this.gramMemo ??= this.terms((s) => s.index.data.grams.terms));
  }

  private years(from: number, to: number): number {
    if (this.yearMemo === undefined) {
      this.yearMemo = new Map();
      for (let s = 1; s < this.segments.length; s++) {
        for (const year of (this.segments[s] as LiveSegment).index.data.yearValues) add(this.yearMemo, year, s);
      }
    }
    if (from === to) return (this.yearMemo.get(from) ?? 0) | 1;
    let mask = 1;
    for (const [year, bits] of this.yearMemo) if (year >= from && year <= to) mask |= bits;
    return mask;
  }

  private terms(table: (segment: LiveSegment) => StringTable): Map<string, TermSlot> {
    const out = new Map<string, TermSlot>();
    for (let s = 1; s < this.segments.length; s++) {
      const terms = table(this.segments[s] as LiveSegment);
      for (let id = 0; id < tableSize(terms); id++) {
        const key = stringAt(terms, id);
        out.set(key, withDelta(out.get(key), id, s));
      }
    }
    return out;
  }
}

/** Whether bit `s` of a mask is set. */
export function inMask(mask: number, s: number): boolean {
  return ((mask >>> s) & 1) === 1;
}

/** The terms' ids in delta `s`, -1 where it lacks one. */
function idsIn(slots: readonly (TermSlot | undefined)[], s: number): readonly number[] {
  // Most requests filter by one kind of term or none: the others share one empty list, not a new one per delta.
  return slots.length === 0 ? NO_IDS : slots.map((slot) => idIn(slot, s));
}

const NO_IDS: readonly number[] = [];

function add(map: Map<number, number>, key: number, s: number): void {
  map.set(key, (map.get(key) ?? 0) | (1 << s));
}

/**
 * The key as a table holds it: lookup (string-table.ts) compares UTF-8 bytes, which turn a lone
 * surrogate into U+FFFD, and the tables' entries are decoded from such bytes. Tested by a loop,
 * not a regular expression: every filter term of every request passes here.
 */
function wellFormed(key: string): string {
  for (let i = 0; i < key.length; i++) {
    const unit = key.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdfff) return new TextDecoder().decode(encodeUtf8(key));
  }
  return key;
}
