import type { Trie } from './index-data.js';

/** Typos a query word may have: 1–4 characters none, 5–8 one, 9 or more two (characters are code points). */
export function typoBudget(length: number): number {
  return length <= 4 ? 0 : length <= 8 ? 1 : 2;
}

/**
 * The dictionary words one query word matches, and with how many typos. Word ids are positions in
 * the sorted dictionary, so the words under a trie node, all matched by a prefix, are one range.
 */
export interface WordMatches {
  /** Words matched as a whole word, ascending, and their typos. */
  readonly wholeIds: Int32Array;
  readonly wholeTypos: Uint8Array;
  /** Disjoint ranges [lo, hi) of words matched as a prefix (the last query word only), ascending, and their typos. */
  readonly prefixLo: Int32Array;
  readonly prefixHi: Int32Array;
  readonly prefixTypos: Uint8Array;
  /**
   * The outermost trie nodes matched as a prefix: together with the whole matches outside them they
   * name every word matched, for reading postings (nested nodes add no movies).
   */
  readonly prefixNodes: readonly number[];
  /** The fewest typos of any match; Infinity when nothing matches. */
  readonly fewestTypos: number;
  /** The query word's code points, as typed (folded). */
  readonly typed: readonly number[];
}

const NO_MATCH = -1;

/**
 * Every dictionary word within `budget` typos of `query`; with `prefix`, also every word that
 * starts with something within `budget` typos of it (a word's typos are then the fewest over its
 * prefixes). A typo is an insertion, a deletion, a substitution or a swap of adjacent characters
 * (optimal string alignment distance).
 *
 * A depth-first walk of the trie carrying one row of the distance table per depth, pruned where no
 * deeper row can get back within the budget: the smallest cell of a row only grows with depth,
 * except that a swap reaches back two rows.
 */
export function matchWord(trie: Trie, query: readonly number[], budget: number, prefix: boolean): WordMatches {
  const m = query.length;
  const maxDepth = m + budget + 1;
  const rows: Int32Array[] = Array.from({ length: maxDepth + 1 }, () => new Int32Array(m + 1));
  const first = rows[0] as Int32Array;
  for (let j = 0; j <= m; j++) first[j] = j;
  const whole: [number, number][] = [];
  const ranges: { lo: number; hi: number; typos: number; node: number }[] = [];
  const { label, end, wordLo, wordHi, terminal } = trie;

  // A prefix of the query costs nothing at the root: the empty word matches when the query is short enough.
  const visit = (node: number, depth: number, previousLabel: number, bestPrefix: number, previousMin: number): void => {
    const parentRow = rows[depth] as Int32Array;
    const grandRow = depth > 0 ? (rows[depth - 1] as Int32Array) : parentRow;
    for (let child = node + 1; child < (end[node] as number); child = end[child] as number) {
      const c = label[child] as number;
      const row = rows[depth + 1] as Int32Array;
      row[0] = depth + 1;
      let rowMin = row[0];
      for (let j = 1; j <= m; j++) {
        const q = query[j - 1] as number;
        let v = Math.min((parentRow[j] as number) + 1, (row[j - 1] as number) + 1, (parentRow[j - 1] as number) + (q === c ? 0 : 1));
        if (depth > 0 && j > 1 && c === query[j - 2] && previousLabel === q) v = Math.min(v, (grandRow[j - 2] as number) + 1);
        row[j] = v;
        if (v < rowMin) rowMin = v;
      }
      const last = row[m] as number;
      if (terminal[child] === 1 && last <= budget) whole.push([wordLo[child] as number, last]);
      let best = bestPrefix;
      if (prefix && last <= budget && last < bestPrefix) {
        best = last;
        ranges.push({ lo: wordLo[child] as number, hi: wordHi[child] as number, typos: last, node: child });
      }
      // Any deeper cell is at least the smaller of this row's minimum and, through a swap, the parent row's plus one.
      const bound = Math.min(rowMin, previousMin + 1);
      if (bound <= budget && depth + 1 < maxDepth) visit(child, depth + 1, c, best, rowMin);
    }
  };
  visit(0, 0, NO_MATCH, Infinity, 0);

  whole.sort((a, b) => a[0] - b[0]);
  const flat = flatten(ranges);
  let fewest = Infinity;
  for (const [, t] of whole) fewest = Math.min(fewest, t);
  for (const r of flat) fewest = Math.min(fewest, r.typos);
  return {
    wholeIds: Int32Array.from(whole.map(([id]) => id)),
    wholeTypos: Uint8Array.from(whole.map(([, t]) => t)),
    prefixLo: Int32Array.from(flat.map((r) => r.lo)),
    prefixHi: Int32Array.from(flat.map((r) => r.hi)),
    prefixTypos: Uint8Array.from(flat.map((r) => r.typos)),
    prefixNodes: outermost(ranges),
    fewestTypos: fewest,
    typed: query,
  };
}

/**
 * Nested prefix ranges (a node's, then its descendants' with fewer typos) as disjoint ranges, each
 * word taking the typos of the innermost range that holds it: along one path typos only decrease.
 */
function flatten(ranges: readonly { lo: number; hi: number; typos: number }[]): { lo: number; hi: number; typos: number }[] {
  const sorted = [...ranges].sort((a, b) => a.lo - b.lo || b.hi - a.hi);
  const out: { lo: number; hi: number; typos: number }[] = [];
  const emit = (lo: number, hi: number, typos: number): void => {
    if (lo >= hi) return;
    const last = out[out.length - 1];
    if (last !== undefined && last.hi === lo && last.typos === typos) last.hi = hi;
    else out.push({ lo, hi, typos });
  };
  const open: { hi: number; typos: number }[] = [];
  let at = -Infinity;
  for (const r of sorted) {
    while (open.length > 0 && (open[open.length - 1] as { hi: number }).hi <= r.lo) {
      const top = open.pop() as { hi: number; typos: number };
      emit(at, top.hi, top.typos);
      at = top.hi;
    }
    const enclosing = open[open.length - 1];
    if (enclosing !== undefined) emit(at, r.lo, enclosing.typos);
    at = r.lo;
    open.push({ hi: r.hi, typos: r.typos });
  }
  while (open.length > 0) {
    const top = open.pop() as { hi: number; typos: number };
    emit(at, top.hi, top.typos);
    at = top.hi;
  }
  return out;
}

function outermost(ranges: readonly { lo: number; hi: number; node: number }[]): number[] {
  const sorted = [...ranges].sort((a, b) => a.lo - b.lo || b.hi - a.hi);
  const out: number[] = [];
  let reach = -1;
  for (const r of sorted) {
    if (r.lo >= reach) {
      out.push(r.node);
      reach = r.hi;
    }
  }
  return out;
}

/** The typos with which word `id` matches, or -1; `whole` tells whether it matched as a whole word. */
export function typosOf(m: WordMatches, id: number): number {
  const w = findIndex(m.wholeIds, id);
  const whole = w >= 0 ? (m.wholeTypos[w] as number) : Infinity;
  const p = findRange(m, id);
  const byPrefix = p >= 0 ? (m.prefixTypos[p] as number) : Infinity;
  const best = Math.min(whole, byPrefix);
  return best === Infinity ? -1 : best;
}

export function matchesWhole(m: WordMatches, id: number): boolean {
  return findIndex(m.wholeIds, id) >= 0;
}

function findIndex(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid] as number;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

/** The prefix range holding `id`, or -1. */
function findRange(m: WordMatches, id: number): number {
  const { prefixLo, prefixHi } = m;
  let lo = 0;
  let hi = prefixLo.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((prefixLo[mid] as number) <= id) lo = mid + 1;
    else hi = mid;
  }
  const at = lo - 1;
  return at >= 0 && id < (prefixHi[at] as number) ? at : -1;
}

/**
 * How many characters of `word` a prefix match covers: the prefix length with the fewest typos
 * against `query`, the one closest to the query's own length among equals (what a person typed).
 */
export function matchedPrefixLength(query: readonly number[], word: readonly number[]): number {
  const m = query.length;
  // Columns: prefixes of the word; rows: the query. Only the last row is needed, with two rows back for swaps.
  let before = Array.from({ length: word.length + 1 }, (_, j) => j);
  let previous = before;
  for (let i = 1; i <= m; i++) {
    const row = [i];
    for (let j = 1; j <= word.length; j++) {
      let v = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + (query[i - 1] === word[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && query[i - 1] === word[j - 2] && query[i - 2] === word[j - 1]) v = Math.min(v, (before[j - 2] as number) + 1);
      row.push(v);
    }
    before = previous;
    previous = row;
  }
  let best = 0;
  for (let j = 1; j <= word.length; j++) {
    const d = previous[j] as number;
    const b = previous[best] as number;
    if (d < b || (d === b && Math.abs(j - m) < Math.abs(best - m))) best = j;
  }
  return best;
}
