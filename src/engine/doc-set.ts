/**
 * Sets of movies (ranks), and cursors over them in rank order, which is catalogue order. A query is
 * a set built from these pieces (year ranges, posting lists, unions of a word's spellings, their
 * intersection) and read through a cursor that skips ahead (`seek`) instead of visiting every rank.
 */
import { bitmap, bitmapMembers, countBits, hasBit, setBit } from './bits.js';
import { BITMAP_FROM_ONE_IN, LAZY_UNION_MAX_LISTS } from './limits.js';
import { gallop, uniqueSorted } from './sorted.js';

/** Past the last rank: what `seek` answers when no member is left. */
export const END = 0x7fffffff;

export type DocSet =
  | { readonly kind: 'range'; readonly lo: number; readonly hi: number }
  | { readonly kind: 'list'; readonly ranks: Int32Array }
  | { readonly kind: 'bitmap'; readonly bits: Uint32Array; readonly count: number }
  | { readonly kind: 'union'; readonly sets: readonly DocSet[] }
  | { readonly kind: 'and'; readonly sets: readonly DocSet[] };

/** A forward-only reader of a set: `seek(t)` is the first member ≥ t; t never decreases between calls. */
export interface Cursor {
  seek(target: number): number;
}

export const EMPTY: DocSet = { kind: 'list', ranks: new Int32Array(0) };

export function range(lo: number, hi: number): DocSet {
  return { kind: 'range', lo, hi: Math.max(lo, hi) };
}

export function list(ranks: Int32Array): DocSet {
  return { kind: 'list', ranks };
}

/** The union of sets. */
export function union(sets: readonly DocSet[]): DocSet {
  const parts = sets.filter((s) => estimate(s) > 0);
  if (parts.length === 0) return EMPTY;
  return parts.length === 1 ? (parts[0] as DocSet) : { kind: 'union', sets: parts };
}

/** The intersection of sets; ranges fold into one. */
export function and(sets: readonly DocSet[]): DocSet {
  let lo = 0;
  let hi = END;
  const rest: DocSet[] = [];
  for (const set of sets) {
    if (set.kind === 'range') {
      lo = Math.max(lo, set.lo);
      hi = Math.min(hi, set.hi);
    } else rest.push(set);
  }
  if (lo >= hi) return EMPTY;
  if (hi !== END || lo !== 0) rest.push(range(lo, hi));
  if (rest.length === 0) return range(0, END);
  return rest.length === 1 ? (rest[0] as DocSet) : { kind: 'and', sets: rest };
}

/** An upper bound on the set's size: intersections read their smallest part first. */
export function estimate(set: DocSet): number {
  switch (set.kind) {
    case 'range':
      return set.hi - set.lo;
    case 'list':
      return set.ranks.length;
    case 'bitmap':
      return set.count;
    // Loops, not reduce or a spread of map: intersections sort their parts by this, calling it many times a query,
    // and each array those made was garbage (about a sixth of what a plot query allocated).
    case 'union': {
      let n = 0;
      for (const part of set.sets) n += estimate(part);
      return n;
    }
    case 'and': {
      let least = Infinity;
      for (const part of set.sets) least = Math.min(least, estimate(part));
      return least;
    }
  }
}

export function cursor(set: DocSet): Cursor {
  switch (set.kind) {
    case 'range':
      return new RangeCursor(set.lo, set.hi);
    case 'list':
      return new ListCursor(set.ranks);
    case 'bitmap':
      return new BitmapCursor(set.bits);
    case 'union':
      return new UnionCursor(set.sets.map(cursor));
    case 'and':
      return new AndCursor([...set.sets].sort((a, b) => estimate(a) - estimate(b)).map(cursor));
  }
}

/** Every member, ascending, as a list (counting and small collections). */
export function members(set: DocSet, lo = 0, hi = END): Int32Array {
  if (set.kind === 'list' && lo === 0 && hi === END) return set.ranks;
  if (set.kind === 'bitmap' && lo === 0 && hi === END) return bitmapMembers(set.bits, set.count);
  if (set.kind === 'and' && lo === 0 && hi === END) return andMembers(set.sets);
  const lists = lo === 0 && hi === END ? unionLists(set) : undefined;
  if (lists !== undefined) return mergedLists(lists);
  const out: number[] = [];
  const c = cursor(set);
  for (let r = c.seek(lo); r < hi; r = c.seek(r + 1)) out.push(r);
  return Int32Array.from(out);
}

/**
 * An intersection's members: the smallest part's, kept where every other part has them. Testing a
 * bit or a range costs less than a leapfrog seek, and a broad `q` (`the s`) intersects big sets.
 */
function andMembers(sets: readonly DocSet[]): Int32Array {
  const sorted = [...sets].sort((a, b) => estimate(a) - estimate(b));
  let ranks = members(sorted[0] as DocSet);
  for (let p = 1; p < sorted.length && ranks.length > 0; p++) {
    const part = sorted[p] as DocSet;
    const kept = new Int32Array(ranks.length);
    let n = 0;
    if (part.kind === 'bitmap') {
      const bits = part.bits;
      for (let i = 0; i < ranks.length; i++) {
        const r = ranks[i] as number;
        if (hasBit(bits, r)) kept[n++] = r;
      }
    } else if (part.kind === 'range') {
      for (let i = 0; i < ranks.length; i++) {
        const r = ranks[i] as number;
        if (r >= part.lo && r < part.hi) kept[n++] = r;
      }
    } else {
      const lists = unionLists(part);
      if (lists !== undefined) n = keepListed(ranks, lists, kept);
      else {
        const c = cursor(part);
        for (let i = 0; i < ranks.length; i++) {
          const r = ranks[i] as number;
          if (c.seek(r) === r) kept[n++] = r;
        }
      }
    }
    ranks = kept.subarray(0, n);
  }
  return ranks;
}

/**
 * The sorted lists a set is the union of, when it is one of lists alone (a word's spellings, lazy unions nested),
 * else undefined. Read list by list, such a union costs a gallop per member; through its cursor, every part's
 * seek per member (a broad `q` such as `the s` intersects two of thousands of members each).
 */
function unionLists(set: DocSet): Int32Array[] | undefined {
  if (set.kind === 'list') return [set.ranks];
  if (set.kind !== 'union') return undefined;
  const lists: Int32Array[] = [];
  for (const part of set.sets) {
    const inner = unionLists(part);
    if (inner === undefined) return undefined;
    for (const l of inner) lists.push(l);
  }
  return lists;
}

/**
 * The members of sorted lists, each once, ascending: merged two at a time from the shortest, so that the longest (a
 * union is most often one long list and a few short ones) is copied once.
 */
function mergedLists(lists: readonly Int32Array[]): Int32Array {
  const byLength = [...lists].sort((a, b) => a.length - b.length);
  let merged = byLength[0] ?? new Int32Array(0);
  for (let k = 1; k < byLength.length; k++) merged = mergedPair(merged, byLength[k] as Int32Array);
  return merged;
}

function mergedPair(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x <= y) i++;
    if (y <= x) j++;
    out[n++] = x < y ? x : y;
  }
  while (i < a.length) out[n++] = a[i++] as number;
  while (j < b.length) out[n++] = b[j++] as number;
  return out.subarray(0, n);
}

/** Copies to `kept` the ascending `ranks` some list has, each list read forward by gallops; their number. */
function keepListed(ranks: Int32Array, lists: readonly Int32Array[], kept: Int32Array): number {
  const at = new Int32Array(lists.length);
  let n = 0;
  for (let i = 0; i < ranks.length; i++) {
    const r = ranks[i] as number;
    for (let k = 0; k < lists.length; k++) {
      const l = lists[k] as Int32Array;
      const j = gallop(l, at[k] as number, r);
      at[k] = j;
      if (j < l.length && l[j] === r) {
        kept[n++] = r;
        break;
      }
    }
  }
  return n;
}

/** The number of members in [lo, hi). */
export function count(set: DocSet, lo = 0, hi = END): number {
  if (set.kind === 'range') return Math.max(0, Math.min(hi, set.hi) - Math.max(lo, set.lo));
  if (set.kind === 'list' && lo === 0 && hi === END) return set.ranks.length;
  if (set.kind === 'bitmap' && lo === 0 && hi === END) return set.count;
  let n = 0;
  const c = cursor(set);
  for (let r = c.seek(lo); r < hi; r = c.seek(r + 1)) n++;
  return n;
}

/**
 * The union of many sorted lists as one set. Few lists stay a lazy union (a page may need only a
 * few members); many are merged, into a sorted list when small and a bitmap over `size` ranks when
 * large, so that reading the set costs one pass whatever the number of lists.
 */
export function unionOfLists(lists: readonly Int32Array[], size: number): DocSet {
  const parts = lists.filter((l) => l.length > 0);
  if (parts.length === 0) return EMPTY;
  if (parts.length === 1) return list(parts[0] as Int32Array);
  if (parts.length <= LAZY_UNION_MAX_LISTS) return { kind: 'union', sets: parts.map(list) };
  let total = 0;
  for (const part of parts) total += part.length;
  if (total * BITMAP_FROM_ONE_IN < size) {
    const all = new Int32Array(total);
    let at = 0;
    for (const part of parts) {
      all.set(part, at);
      at += part.length;
    }
    return list(uniqueSorted(all.sort()));
  }
  const bits = bitmap(size);
  for (const part of parts) for (let i = 0; i < part.length; i++) setBit(bits, part[i] as number);
  return { kind: 'bitmap', bits, count: countBits(bits) };
}

class RangeCursor implements Cursor {
  constructor(
    private readonly lo: number,
    private readonly hi: number,
  ) {}

  seek(target: number): number {
    const t = target < this.lo ? this.lo : target;
    return t < this.hi ? t : END;
  }
}

class ListCursor implements Cursor {
  private at = 0;

  constructor(private readonly ranks: Int32Array) {}

  seek(target: number): number {
    this.at = gallop(this.ranks, this.at, target);
    return this.at < this.ranks.length ? (this.ranks[this.at] as number) : END;
  }
}

class BitmapCursor implements Cursor {
  constructor(private readonly bits: Uint32Array) {}

  seek(target: number): number {
    const { bits } = this;
    let w = target >>> 5;
    if (w >= bits.length) return END;
    // Bits below the target in its word are not members to return.
    let word = (bits[w] as number) & (~0 << (target & 31));
    while (word === 0) {
      if (++w >= bits.length) return END;
      word = bits[w] as number;
    }
    return (w << 5) + (31 - Math.clz32(word & -word));
  }
}

class UnionCursor implements Cursor {
  private readonly heads: number[];

  constructor(private readonly parts: readonly Cursor[]) {
    this.heads = parts.map(() => -1);
  }

  seek(target: number): number {
    let best = END;
    for (let i = 0; i < this.parts.length; i++) {
      let head = this.heads[i] as number;
      if (head < target) {
        head = (this.parts[i] as Cursor).seek(target);
        this.heads[i] = head;
      }
      if (head < best) best = head;
    }
    return best;
  }
}

/** Leapfrog join: each part in turn skips to the candidate, until all agree. */
class AndCursor implements Cursor {
  constructor(private readonly parts: readonly Cursor[]) {}

  seek(target: number): number {
    const parts = this.parts;
    const k = parts.length;
    let candidate = target;
    let agreed = 0;
    let i = 0;
    while (agreed < k) {
      const value = (parts[i] as Cursor).seek(candidate);
      if (value === END) return END;
      if (value === candidate) agreed++;
      else {
        candidate = value;
        agreed = 1;
      }
      i = i + 1 === k ? 0 : i + 1;
    }
    return candidate;
  }
}

/** Up to `want` members of `set` in [lo, hi) that pass `check`, in rank order, appended to `out`. */
export function collect(
  set: DocSet,
  lo: number,
  hi: number,
  want: number,
  check: ((rank: number) => boolean) | undefined,
  out: number[],
): void {
  const c = cursor(set);
  for (let r = c.seek(lo); r < hi && out.length < want; r = c.seek(r + 1)) if (!check || check(r)) out.push(r);
}
