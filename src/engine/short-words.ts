import {
  deletionCount,
  forEachNodeTo,
  formsScratch,
  hashedForms,
  membersOf,
  writeDeletions,
  type HashedForms,
} from './deletion-entries.js';
import type { Trie } from './index-data.js';

/**
 * SymSpell over the short words and the short starts of words: each trie node at most `longest`
 * deep (its path: a word, or the start of one) under its path's forms less 0 or 1 letter. A query
 * of 3–4 letters with a typo (a split word's part) matches only paths of 2–5 letters, whole or as
 * a prefix, and a walk of the trie with one typo visits ~1,200 nodes whatever the query's length
 * (the top levels, where one typo keeps every letter open), while the deletion entries
 * (deletion-entries.ts) serve only matches as deep as their nodes. Two strings within one typo share
 * a form less at most one letter each (a swap of `ab` and `ba` deletes `a` from both), so the nodes
 * sharing a form with the query are the only ones to measure, a few dozen, and they are every node
 * the walk would record: its matches, whole or prefix, are nodes within the typo of the whole query.
 *
 * Derived from the trie per version, on its first `q`, as the deletion entries are.
 */
export interface ShortWords extends HashedForms {
  /** The deepest node held. */
  readonly longest: number;
  /** Whether only the nodes ending a word are held: it serves lookups without prefixes alone. */
  readonly wordsOnly: boolean;
  /** The nodes held (members of the forms), in the trie's order: their depths and paths, `longest` code points each. */
  readonly nodes: Int32Array;
  readonly depths: Uint8Array;
  readonly paths: Uint32Array;
}

/** The most typos a short-word lookup serves. */
const SHORT_TYPOS = 1;

/**
 * The trie's nodes at most `longest` deep; with `wordsOnly`, those ending a word: a lookup without prefixes reads no
 * other, and the starts of words make three in four of the nodes, each a candidate read at a random place.
 */
export function shortWords(trie: Trie, longest: number, wordsOnly = false): ShortWords {
  const { terminal } = trie;
  const nodes: number[] = [];
  const depths: number[] = [];
  const points: number[] = [];
  forEachNodeTo(trie, longest, (node, d, path) => {
    if (wordsOnly && terminal[node] !== 1) return;
    nodes.push(node);
    depths.push(d);
    for (let i = 0; i < longest; i++) points.push(i < d ? (path[i] as number) : 0);
  });
  const forms = deletionCount(longest, SHORT_TYPOS);
  const raw = new Uint32Array(nodes.length * forms);
  const paths = Uint32Array.from(points);
  // A shallower node has fewer forms: its slots past them repeat its whole form, which a lookup reads as one.
  for (let w = 0; w < nodes.length; w++) {
    const n = writeDeletions(paths, w * longest, depths[w] as number, 0, SHORT_TYPOS, raw, w * forms);
    raw.fill(raw[w * forms] as number, n, (w + 1) * forms);
  }
  return { longest, wordsOnly, nodes: Int32Array.from(nodes), depths: Uint8Array.from(depths), paths, ...hashedForms(raw, forms) };
}

/** Whether `short` holds every node a walk of a query of `length` code points within `budget` typos records. */
export function canLookUp(short: ShortWords | undefined, length: number, budget: number, prefix: boolean): short is ShortWords {
  return short !== undefined && budget <= SHORT_TYPOS && length + budget <= short.longest && !(prefix && short.wordsOnly);
}

/**
 * What the walk of `query` within `budget` typos records (canLookUp), from the nodes held: each word within the typos
 * whole, and with `prefix` each node within them whose ancestors all have more (the walk's prefix ranges).
 */
export function lookUpShort(
  short: ShortWords,
  trie: Trie,
  query: readonly number[],
  budget: number,
  prefix: boolean,
  whole: [number, number][],
  ranges: { lo: number; hi: number; typos: number; node: number }[],
): void {
  const { terminal, wordLo, wordHi, end } = trie;
  const forms = formsScratch(deletionCount(query.length, budget));
  const found = membersOf(short, short.nodes.length, forms, writeDeletions(query, 0, query.length, 0, budget, forms, 0));
  // The fewest typos recorded above each node found: members are in the trie's order, so an ancestor comes first.
  const open: { end: number; typos: number }[] = [];
  for (let i = 0; i < found.length; i++) {
    const w = found[i] as number;
    const typos = editsUpToOne(query, short.paths, w * short.longest, short.depths[w] as number);
    if (typos > budget) continue;
    const node = short.nodes[w] as number;
    if (terminal[node] === 1) whole.push([wordLo[node] as number, typos]);
    if (!prefix) continue;
    while (open.length > 0 && (open[open.length - 1] as { end: number }).end <= node) open.pop();
    const above = open[open.length - 1]?.typos ?? Infinity;
    if (typos >= above) continue;
    ranges.push({ lo: wordLo[node] as number, hi: wordHi[node] as number, typos, node });
    open.push({ end: end[node] as number, typos });
  }
}

/**
 * The distance (optimal string alignment, as the walk's) of `query` to the path `points[from, from + length)` when it is
 * 0 or 1, else 2: one substitution, insertion, deletion or swap of neighbours at the first place they differ, and the
 * rest equal. A distance table per candidate cost more than the lookup.
 */
export function editsUpToOne(query: readonly number[], points: Uint32Array, from: number, length: number): number {
  const m = query.length;
  if (Math.abs(m - length) > 1) return 2;
  const shorter = Math.min(m, length);
  let i = 0;
  while (i < shorter && query[i] === points[from + i]) i++;
  if (i === m && m === length) return 0;
  // After the first difference at i: the rest equal with one character of each (substitution), of the longer
  // (insertion or deletion) or the next two swapped.
  const restEqual = (q: number, w: number): boolean => {
    if (m - q !== length - w) return false;
    for (; q < m; q++, w++) if (query[q] !== points[from + w]) return false;
    return true;
  };
  if (m === length)
    return restEqual(i + 1, i + 1) ||
      (i + 1 < m && query[i] === points[from + i + 1] && query[i + 1] === points[from + i] && restEqual(i + 2, i + 2))
      ? 1
      : 2;
  return (m > length ? restEqual(i + 1, i) : restEqual(i, i + 1)) ? 1 : 2;
}
