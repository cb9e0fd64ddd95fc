import type { IndexData, StringTable, TermTable } from './index-data.js';
import type { LiveSegment } from './live-segments.js';
import { MAX_GRAM } from './limits.js';
import type { TermIds, TitleTerms } from './plan.js';
import type { MovieQuery } from './search-request.js';
import { lookup, stringAt } from './string-table.js';

/**
 * Whether any movie a version's filter memo (delta-matches.ts) looks at may pass a request's filters: each delta's
 * movies and the base's superseded ones ("watched", numbered by year), and for each cast name, genre and title n-gram
 * they hold, keyed by its id in the base's dictionary, the watched movies holding it. A request whose terms share no
 * watched movie in its year span is answered by the base alone, unchecked, exactly what the memo would say, without
 * the memo's read (the filters' hash, a cold slot, their comparison) or a string set's: the request's terms are the
 * base's ids, looked up once for the base's plan too (`baseTermIds`), and what is read here is a few typed arrays.
 * A term the base lacks cannot be told by id: such a request goes to the memo. "May" because n-grams narrow a title
 * without deciding it: a movie holding every gram need not hold the substring, which costs that request a memo read.
 */
export class DeltaSieve {
  /** Each term's range of `members`, per request, and its cursor in `common`: the request path allocates nothing. */
  private at = new Int32Array(8);
  private end = new Int32Array(8);

  private constructor(
    /** The watched movies' years, ascending: movie w has years[w]. */
    private readonly years: Int32Array,
    private readonly terms: TermRows,
  ) {}

  static of(segments: readonly LiveSegment[]): DeltaSieve {
    const [base, ...deltas] = segments;
    if (base === undefined) throw new RangeError('a version has a base');
    const { data } = base.index;
    // Every delta movie (superseded ones too: more movies only send more requests to the memo), the base's superseded ones.
    const watched: { segment: LiveSegment; rank: number; year: number }[] = [];
    for (const rank of base.dead) watched.push({ segment: base, rank, year: data.years[rank] as number });
    for (const delta of deltas) {
      const { years } = delta.index.data;
      for (let rank = 0; rank < delta.index.size; rank++) watched.push({ segment: delta, rank, year: years[rank] as number });
    }
    watched.sort((a, b) => a.year - b.year);
    const numbers = new Map<LiveSegment, Int32Array>(deltas.map((s) => [s, new Int32Array(s.index.size)]));
    const lists = new TermLists();
    const baseGram = new Map<string, number>();
    watched.forEach(({ segment, rank }, w) => {
      const own = numbers.get(segment);
      if (own !== undefined) {
        own[rank] = w;
        return;
      }
      // The base's own movies hold base ids already, their grams excepted: the base's index keeps no grams per movie.
      for (const id of termIds(data.movieCast, rank)) lists.add(CAST, id, w);
      for (const id of termIds(data.movieGenres, rank)) lists.add(GENRE, id, w);
      const title = stringAt(data.normalisedTitles, rank);
      for (let n = 1; n <= MAX_GRAM; n++) {
        for (let at = 0; at + n <= title.length; at++) {
          const gram = title.slice(at, at + n);
          let id = baseGram.get(gram);
          if (id === undefined) baseGram.set(gram, (id = lookup(data.grams.terms, gram)));
          if (id >= 0) lists.add(GRAM, id, w);
        }
      }
    });
    for (const delta of deltas) {
      const own = delta.index.data;
      const w = numbers.get(delta) as Int32Array;
      addDelta(lists, CAST, own.cast, data.cast.terms, w);
      addDelta(lists, GENRE, own.genres, data.genres.terms, w);
      addDelta(lists, GRAM, own.grams, data.grams.terms, w);
    }
    return new DeltaSieve(
      Int32Array.from(watched, (m) => m.year),
      lists.rows(),
    );
  }

  /** Whether a watched movie may pass the query's filters; false only when none does. `ids`: the query's terms as the base's ids. */
  mayMatch(query: MovieQuery, ids: TermIds): boolean {
    const { years } = this;
    let lo = 0;
    let hi = years.length;
    if (query.year !== undefined || query.yearFrom !== undefined || query.yearTo !== undefined) {
      lo = firstYear(years, Math.max(query.year ?? -Infinity, query.yearFrom ?? -Infinity), false);
      hi = firstYear(years, Math.min(query.year ?? Infinity, query.yearTo ?? Infinity), true);
    }
    if (lo >= hi) return false;
    const count = ids.cast.length + ids.genres.length + ids.grams.length;
    if (this.at.length < count) {
      this.at = new Int32Array(count);
      this.end = new Int32Array(count);
    }
    // A term held by no watched movie settles it; one the base lacks leaves it open. One loop over the three kinds:
    // a loop per kind compiled to three copies of the table's probe.
    let k = 0;
    let open = false;
    for (let kind = CAST; kind <= GRAM; kind++) {
      const list = kind === CAST ? ids.cast : kind === GENRE ? ids.genres : ids.grams;
      for (let i = 0; i < list.length; i++) {
        const id = list[i] as number;
        if (id < 0) open = true;
        else if (!this.range(kind, id, k++)) return false;
      }
    }
    if (open) return true;
    // The shortest range leads the walk: the candidate then jumps by its members, the fewest.
    const { at, end } = this;
    let shortest = 0;
    for (let t = 1; t < k; t++)
      if ((end[t] as number) - (at[t] as number) < (end[shortest] as number) - (at[shortest] as number)) shortest = t;
    const from = at[shortest] as number;
    const to = end[shortest] as number;
    at[shortest] = at[0] as number;
    end[shortest] = end[0] as number;
    at[0] = from;
    end[0] = to;
    return this.common(k, lo, hi);
  }

  /** The watched movies holding a term, as [at[k], end[k]) of the members; false when none does. */
  private range(kind: number, id: number, k: number): boolean {
    const { table, mask, shift, offsets } = this.terms;
    const key = id * KINDS + kind;
    for (let slot = Math.imul(key, 0x9e3779b1) >>> shift; ; slot = (slot + 1) & mask) {
      const held = table[2 * slot] as number;
      if (held === -1) return false;
      if (held === key) {
        const row = table[2 * slot + 1] as number;
        this.at[k] = offsets[row] as number;
        this.end[k] = offsets[row + 1] as number;
        return true;
      }
    }
  }

  /** Whether one watched movie in [lo, hi) is in all k ranges. */
  private common(k: number, lo: number, hi: number): boolean {
    const { at, end } = this;
    const { members } = this.terms;
    // Each range's cursor moves forward to the candidate, the candidate to the furthest of them, until all agree.
    let candidate = lo;
    for (;;) {
      let agreed = true;
      for (let t = 0; t < k; t++) {
        const i = lowerBound(members, at[t] as number, end[t] as number, candidate);
        if (i === end[t]) return false;
        at[t] = i;
        const m = members[i] as number;
        if (m !== candidate) {
          candidate = m;
          agreed = false;
        }
      }
      if (candidate >= hi) return false;
      if (agreed) return true;
    }
  }
}

/** Term kinds, the low bits of a term's key: ids stay below 2^29. */
const CAST = 0;
const GENRE = 1;
const GRAM = 2;
const KINDS = 4;

/** The query's cast names, genres and title n-grams as the base's term ids (-1 where it lacks one), as planQuery looks them up. */
export function baseTermIds(data: IndexData, query: MovieQuery, title: TitleTerms | undefined): TermIds {
  return {
    cast: idsIn(data.cast.terms, query.cast),
    genres: idsIn(data.genres.terms, query.genres),
    grams: idsIn(data.grams.terms, title?.grams),
  };
}

function idsIn(table: StringTable, keys: readonly string[] | undefined): readonly number[] {
  if (keys === undefined || keys.length === 0) return NO_IDS;
  const ids: number[] = [];
  for (let i = 0; i < keys.length; i++) ids.push(lookup(table, keys[i] as string));
  return ids;
}

const NO_IDS: readonly number[] = [];

/**
 * The terms' watched movies: an open-addressed table of (key, row) pairs, a key being a base id and its kind, the
 * rows' members ascending at [offsets[row], offsets[row + 1]).
 */
interface TermRows {
  readonly table: Int32Array;
  readonly mask: number;
  readonly shift: number;
  readonly offsets: Int32Array;
  readonly members: Int32Array;
}

class TermLists {
  private readonly lists = new Map<number, number[]>();

  /** Movie w holds a term; a movie's terms are added together, so a repeat is its list's last member. */
  add(kind: number, id: number, w: number): void {
    const key = id * KINDS + kind;
    const list = this.lists.get(key);
    if (list === undefined) this.lists.set(key, [w]);
    else if (list[list.length - 1] !== w) list.push(w);
  }

  rows(): TermRows {
    const bits = Math.max(1, Math.ceil(Math.log2(2 * Math.max(1, this.lists.size))));
    const mask = 2 ** bits - 1;
    const table = new Int32Array(2 * (mask + 1)).fill(-1);
    const offsets = new Int32Array(this.lists.size + 1);
    const members = new Int32Array([...this.lists.values()].reduce((n, list) => n + list.length, 0));
    let row = 0;
    for (const [key, list] of this.lists) {
      let slot = Math.imul(key, 0x9e3779b1) >>> (32 - bits);
      while (table[2 * slot] !== -1) slot = (slot + 1) & mask;
      table[2 * slot] = key;
      table[2 * slot + 1] = row;
      const from = offsets[row] as number;
      members.set(list, from);
      members.subarray(from, from + list.length).sort();
      offsets[++row] = from + list.length;
    }
    return { table, mask, shift: 32 - bits, offsets, members };
  }
}

/** A delta's terms of one kind, each found by its string in the base's dictionary, its movies numbered as watched. */
function addDelta(lists: TermLists, kind: number, own: TermTable, baseTerms: StringTable, watched: Int32Array): void {
  const { offsets, values } = own.postings;
  for (let t = 0; t + 1 < offsets.length; t++) {
    const id = lookup(baseTerms, stringAt(own.terms, t));
    if (id < 0) continue;
    for (let p = offsets[t] as number; p < (offsets[t + 1] as number); p++) lists.add(kind, id, watched[values[p] as number] as number);
  }
}

function termIds(ragged: IndexData['movieCast'], rank: number): Uint32Array {
  return ragged.values.subarray(ragged.offsets[rank], ragged.offsets[rank + 1]);
}

/** The first position whose year is at least `year`, or (`after`) above it; years ascend. */
function firstYear(years: Int32Array, year: number, after: boolean): number {
  let lo = 0;
  let hi = years.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const y = years[mid] as number;
    if (y < year || (after && y === year)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first position in [lo, hi) whose member is at least `target`, or hi. */
function lowerBound(list: Int32Array, lo: number, hi: number, target: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
