import type { DeletionEntries } from './deletion-entries.js';
import type { Trie } from './index-data.js';
import { wordMatches, type WordMatches } from './word-match.js';

/** A word matched whole: its id and typos. */
export type WholeMatch = [id: number, typos: number];
/** The words under a trie node matched as a prefix. */
export interface PrefixRange {
  lo: number;
  hi: number;
  typos: number;
  node: number;
}

/**
 * One walk of the trie for one query word: adds to `whole` and `ranges` every match within `budget`
 * typos, never entering a subtree whose deepest node (`reach`) is shallower than `shortest` (starts collected bound it on their own).
 */
type Walk = (
  trie: Trie,
  query: readonly number[],
  budget: number,
  prefix: boolean,
  reach: Int32Array,
  shortest: number,
  whole: WholeMatch[],
  ranges: PrefixRange[],
  starts?: StartMatches,
) => void;

/**
 * The words the query's first k code points match whole, collected for each k with a budget of its
 * own (at most BIT_PARALLEL_MAX_TYPOS, the query's or more): bit k of the walk's sets says so, so one walk serves them all.
 */
export interface StartMatches {
  /** The lengths k collected, and each one's budget (by k). */
  readonly lengths: readonly number[];
  readonly budgets: readonly number[];
  /** By k: the whole matches found. */
  readonly whole: WholeMatch[][];
}

/** Where a walk starts instead of the root: entry nodes (positions in `entries.nodes`), ascending. */
interface WalkFrom {
  readonly entries: DeletionEntries;
  readonly at: Int32Array;
}

/** Query words up to this many code points are walked with one bit per character of a 32-bit integer. */
export const BIT_PARALLEL_MAX = 30;
/** The most typos the bit-parallel walk handles: it keeps one bit set per level, R_0 to R_2. The row walk handles any. */
export const BIT_PARALLEL_MAX_TYPOS = 2;

/**
 * Every dictionary word within `budget` typos of `query`; with `prefix`, also every word that
 * starts with something within `budget` typos of it (a word's typos are then the fewest over its
 * prefixes). A typo is an insertion, a deletion, a substitution or a swap of adjacent characters
 * (optimal string alignment distance).
 *
 * A walk of the trie in its depth-first order that skips every subtree no word of which can get
 * back within the budget. The lookup of `q` is most of a typo query's time, so the usual walk (one
 * row of the distance table per node, O(length) per node) is replaced for ordinary words by its
 * bit-parallel form: O(budget) integer operations per node.
 */
export function matchWord(
  trie: Trie,
  query: readonly number[],
  budget: number,
  prefix: boolean,
  reach: Int32Array = trieReach(trie),
): WordMatches {
  const whole: WholeMatch[] = [];
  const ranges: PrefixRange[] = [];
  // No match, whole or prefix, is shorter than the query less its typos: subtrees that never get that deep are skipped.
  const shortest = query.length - budget;
  if (query.length <= BIT_PARALLEL_MAX && budget <= BIT_PARALLEL_MAX_TYPOS)
    walkByBits(trie, query, budget, prefix, reach, shortest, whole, ranges);
  else walkByRows(trie, query, budget, prefix, reach, shortest, whole, ranges);

  whole.sort((a, b) => a[0] - b[0]);
  return wordMatches(whole, flatten(ranges), outermost(ranges), query);
}

/**
 * The distance table as bit sets (Wu and Manber's automaton with Hyyrö's swap term): bit i of R_d
 * says the node's path is within d typos of the query's first i characters. Reading a character c
 * advances the sets with shifts and the mask of c's positions in the query; X_d remembers, one
 * character ahead, where a swap could land. Exact, not an approximation: the sets are the table's
 * cells that are at most d. The budget is at most BIT_PARALLEL_MAX_TYPOS, so the three levels are
 * always computed and the budget only picks the level that decides whether a subtree is worth walking.
 */
export const walkByBits = (
  ...[trie, query, budget, prefix, reach, shortest, whole, ranges, starts, from]: [...Parameters<Walk>, from?: WalkFrom]
): void => {
  const m = query.length;
  const mask = (1 << (m + 1)) - 1;
  const full = 1 << m;
  // Scratch shared by every walk (one at a time: a walk calls nothing that walks): a typed array allocated per walk
  // cost more than a short walk. The masks are cleared first; the state's levels are each written before they are read.
  const ascii = ASCII_MASKS.fill(0);
  const otherChars: number[] = [];
  const otherMasks: number[] = [];
  for (let i = 1; i <= m; i++) {
    const ch = query[i - 1] as number;
    if (ch < 128) ascii[ch] = (ascii[ch] as number) | (1 << i);
    else {
      const at = otherChars.indexOf(ch);
      if (at >= 0) otherMasks[at] = (otherMasks[at] as number) | (1 << i);
      else {
        otherChars.push(ch);
        otherMasks.push(1 << i);
      }
    }
  }
  // Per depth of the current path: R_0, R_1, R_2, X_1, X_2, the node, the fewest typos of a prefix above,
  // and whether a start may still lie below.
  const W = 8;
  // A path longer than the query plus the budget (a start's, at most BIT_PARALLEL_MAX_TYPOS) is beyond it, so depth stays below that + 2.
  const state = WALK_STATE;
  // The starts collected keep a subtree worth walking on their own terms: some start k still within its
  // budget b of the path (a bit j <= k of R_b), and a word deep enough below (k - b). Their level and
  // depth are lower than the word's, so the word's own bounds (R_budget, `shortest`) are kept for the word alone.
  // By budget b of the starts: the bits of R_b that can still lead to one of them, and the shortest such start less b.
  const startMasks = [0, 0, 0];
  const startsShortest = [Infinity, Infinity, Infinity];
  for (const k of starts?.lengths ?? []) {
    const b = starts?.budgets[k] as number;
    startMasks[b] = (startMasks[b] as number) | ((2 << k) - 1);
    startsShortest[b] = Math.min(startsShortest[b] as number, k - b);
  }
  const [s0, s1, s2] = startMasks as [number, number, number];
  const [h0, h1, h2] = startsShortest as [number, number, number];
  const shallowest = Math.min(shortest, h0, h1, h2);
  const { label, end, wordLo, wordHi, terminal } = trie;
  const roots = from === undefined ? 1 : from.at.length;
  for (let root = 0; root < roots; root++) {
    // The root's sets: the empty path is within d typos of the query's first d characters.
    let at = 0;
    state[0] = 1 & mask;
    state[1] = 3 & mask;
    state[2] = 7 & mask;
    state[3] = 0;
    state[4] = 0;
    state[5] = 0;
    state[6] = budget + 1;
    state[7] = starts !== undefined && starts.lengths.length > 0 ? 1 : 0;
    let node = 1;
    let stop = end[0] as number;
    if (from !== undefined) {
      // From an entry node: its parent's sets, read along its path. No node above it is deep enough to match (canEnter),
      // so no prefix above has typos to beat, and the sets stand in for the root's at the bottom of the stack.
      const { entries } = from;
      const e = from.at[root] as number;
      node = entries.nodes[e] as number;
      stop = end[node] as number;
      for (let d = 0; d + 1 < entries.depth; d++) {
        const c: number = entries.paths[e * entries.depth + d] as number;
        const b: number = c < 128 ? (ascii[c] as number) : (otherMasks[otherChars.indexOf(c)] ?? 0);
        const r0: number = state[0] as number;
        const r1: number = state[1] as number;
        const n0: number = (r0 << 1) & b & mask;
        const n1: number = (((r1 << 1) & b) | (r0 << 1) | r0 | (n0 << 1) | ((state[3] as number) & (b << 1))) & mask;
        const n2: number = ((((state[2] as number) << 1) & b) | (r1 << 1) | r1 | (n1 << 1) | ((state[4] as number) & (b << 1))) & mask;
        state[0] = n0;
        state[1] = n1;
        state[2] = n2;
        state[3] = (r0 << 2) & b;
        state[4] = (r1 << 2) & b;
      }
    }
    while (node < stop) {
      while ((end[state[at + 5] as number] as number) <= node) at -= W;
      const deepest = reach[node] as number;
      // Below a node no start is within reach of, only the word's own bounds keep a subtree: most of a joined form's nodes.
      if (deepest < (state[at + 7] === 1 ? shallowest : shortest)) {
        node = end[node] as number;
        continue;
      }
      const c = label[node] as number;
      const b = c < 128 ? (ascii[c] as number) : (otherMasks[otherChars.indexOf(c)] ?? 0);
      const r0 = state[at] as number;
      const r1 = state[at + 1] as number;
      const n0 = (r0 << 1) & b & mask;
      const n1 = (((r1 << 1) & b) | (r0 << 1) | r0 | (n0 << 1) | ((state[at + 3] as number) & (b << 1))) & mask;
      const n2 = ((((state[at + 2] as number) << 1) & b) | (r1 << 1) | r1 | (n1 << 1) | ((state[at + 4] as number) & (b << 1))) & mask;
      const forWord = deepest >= shortest && (budget === 2 ? n2 : budget === 1 ? n1 : n0) !== 0;
      const forStarts = ((deepest >= h0 ? n0 & s0 : 0) | (deepest >= h1 ? n1 & s1 : 0) | (deepest >= h2 ? n2 & s2 : 0)) !== 0;
      if (!forWord && !forStarts) {
        node = end[node] as number;
        continue;
      }
      const typos = (n0 & full) !== 0 ? 0 : (n1 & full) !== 0 ? 1 : (n2 & full) !== 0 ? 2 : 3;
      if (terminal[node] === 1) {
        if (typos <= budget) whole.push([wordLo[node] as number, typos]);
        if (forStarts && starts !== undefined) collectStarts(starts, wordLo[node] as number, n0, n1, n2);
      }
      let best = state[at + 6] as number;
      if (prefix && typos < best) {
        best = typos;
        ranges.push({ lo: wordLo[node] as number, hi: wordHi[node] as number, typos, node });
      }
      at += W;
      state[at] = n0;
      state[at + 1] = n1;
      state[at + 2] = n2;
      state[at + 3] = (r0 << 2) & b;
      state[at + 4] = (r1 << 2) & b;
      state[at + 5] = node;
      state[at + 6] = best;
      state[at + 7] = forStarts ? 1 : 0;
      node++;
    }
  }
};

/** The bit-parallel walk's scratch: the mask of each ASCII character's positions in the query, and per depth its sets. */
const ASCII_MASKS = new Int32Array(128);
const WALK_STATE = new Int32Array((BIT_PARALLEL_MAX + BIT_PARALLEL_MAX_TYPOS + 2) * 8);

/** A word's typos against each start of the query collected, from the node's sets: bit k of R_d says within d of the first k. */
function collectStarts(starts: StartMatches, id: number, n0: number, n1: number, n2: number): void {
  for (const k of starts.lengths) {
    const bit = 1 << k;
    const typos = (n0 & bit) !== 0 ? 0 : (n1 & bit) !== 0 ? 1 : (n2 & bit) !== 0 ? 2 : 3;
    if (typos <= (starts.budgets[k] as number)) (starts.whole[k] as WholeMatch[]).push([id, typos]);
  }
}

/** The same walk with whole rows of the distance table, for query words too long for 32 bits. */
const walkByRows: Walk = (trie, query, budget, prefix, reach, shortest, whole, ranges) => {
  const m = query.length;
  const maxDepth = m + budget + 1;
  const rows: Int32Array[] = Array.from({ length: maxDepth + 1 }, () => new Int32Array(m + 1));
  const first = rows[0] as Int32Array;
  for (let j = 0; j <= m; j++) first[j] = j;
  const { label, end, wordLo, wordHi, terminal } = trie;

  const visit = (node: number, depth: number, previousLabel: number, bestPrefix: number, previousMin: number): void => {
    const parentRow = rows[depth] as Int32Array;
    const grandRow = depth > 0 ? (rows[depth - 1] as Int32Array) : parentRow;
    for (let child = node + 1; child < (end[node] as number); child = end[child] as number) {
      if ((reach[child] as number) < shortest) continue;
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
  visit(0, 0, -1, Infinity, 0);
};

/**
 * The depth of the deepest node below each trie node (itself included): the length of the longest
 * word, or word start, that a walk can reach through it. Derived from the trie in two passes over
 * its arrays, once per segment (its WordPlanner keeps it).
 */
export function trieReach(trie: Trie): Int32Array {
  // Depths counted again rather than read from trie.depth: those are bytes, and a title word can be longer than 255.
  const { end } = trie;
  const n = end.length;
  const depth = new Int32Array(n);
  const reach = new Int32Array(n);
  for (let v = 0; v < n; v++) for (let c = v + 1; c < (end[v] as number); c = end[c] as number) depth[c] = (depth[v] as number) + 1;
  for (let v = n - 1; v >= 0; v--) {
    let deepest = depth[v] as number;
    for (let c = v + 1; c < (end[v] as number); c = end[c] as number) deepest = Math.max(deepest, reach[c] as number);
    reach[v] = deepest;
  }
  return reach;
}

/**
 * Nested prefix ranges (a node's, then its descendants' with fewer typos) as disjoint ranges, each
 * word taking the typos of the innermost range that holds it: along one path typos only decrease.
 */
export function flatten(ranges: readonly { lo: number; hi: number; typos: number }[]): { lo: number; hi: number; typos: number }[] {
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

export function outermost(ranges: readonly { lo: number; hi: number; node: number }[]): number[] {
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

/**
 * matchWord with no typos: one descent of the trie rather than a walk (the parts of a split word,
 * joins.ts, are mostly short and exact). The word itself if it is one, and with `prefix` every word it starts.
 */
export function matchExact(trie: Trie, query: readonly number[], prefix: boolean): WordMatches {
  const { label, end, wordLo, wordHi, terminal } = trie;
  let node = 0;
  for (const c of query) {
    let child = node + 1;
    while (child < (end[node] as number) && label[child] !== c) child = end[child] as number;
    if (child >= (end[node] as number)) return wordMatches([], [], [], query);
    node = child;
  }
  const whole: [number, number][] = terminal[node] === 1 ? [[wordLo[node] as number, 0]] : [];
  if (!prefix || node === 0) return wordMatches(whole, [], [], query);
  return wordMatches(whole, [{ lo: wordLo[node] as number, hi: wordHi[node] as number, typos: 0 }], [node], query);
}
