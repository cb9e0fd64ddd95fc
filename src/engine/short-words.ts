import { deletionCount, formsScratch, hashedForms, membersOf, writeDeletions, type HashedForms } from './deletion-entries.js';
import type { Trie } from './index-data.js';
import { wordMatches, type WordMatches } from './word-match.js';

/**
 * SymSpell over whole words, for the short ones: each dictionary word of at most `longest` code
 * points under its forms less 0 or 1 letter. A query of 3–4 letters with a typo (a split word's
 * left part, or a right part that is not the last word's) matches only words of 2–5 letters, and a
 * walk of the trie with one typo visits ~1,200 nodes whatever the query's length (the top levels,
 * where one typo keeps every letter open); the deletion entries (deletion-entries.ts) serve only
 * matches as deep as their nodes. Two words within one typo share a form less at most one letter
 * each (a swap of `ab` and `ba` deletes `a` from both), so the words sharing a form with the query
 * are the only ones to measure: a few dozen distance tables of 3–5 letters.
 *
 * Derived from the trie per version, on its first `q`, as the deletion entries are.
 */
export interface ShortWords extends HashedForms {
  /** The most code points a word held has. */
  readonly longest: number;
  /** The words held (members of the forms): ids, lengths and code points, `longest` per word. */
  readonly ids: Int32Array;
  readonly lengths: Uint8Array;
  readonly points: Uint32Array;
}

/** The most typos a short-word lookup serves. */
const SHORT_TYPOS = 1;

/** The dictionary's words of at most `longest` code points, from the trie's terminal nodes that deep. */
export function shortWords(trie: Trie, longest: number): ShortWords {
  const { label, end, terminal, wordLo } = trie;
  const ids: number[] = [];
  const lengths: number[] = [];
  const points: number[] = [];
  const path = new Uint32Array(longest);
  // Depths counted again rather than read from trie.depth (bytes); below `longest` nothing is held, so those subtrees are skipped.
  const depthOf = new Int32Array(end.length);
  for (let c = 1; c < (end[0] as number); c = end[c] as number) depthOf[c] = 1;
  for (let v = 1; v < end.length;) {
    const d = depthOf[v] as number;
    path[d - 1] = label[v] as number;
    if (terminal[v] === 1) {
      ids.push(wordLo[v] as number);
      lengths.push(d);
      for (let i = 0; i < longest; i++) points.push(i < d ? (path[i] as number) : 0);
    }
    if (d === longest) {
      v = end[v] as number;
      continue;
    }
    for (let c = v + 1; c < (end[v] as number); c = end[c] as number) depthOf[c] = d + 1;
    v++;
  }
  const forms = deletionCount(longest, SHORT_TYPOS);
  const raw = new Uint32Array(ids.length * forms);
  const held = Uint32Array.from(points);
  // A shorter word has fewer forms: its slots past them repeat its whole form, which a lookup reads as one.
  for (let w = 0; w < ids.length; w++) {
    const n = writeDeletions(held, w * longest, lengths[w] as number, 0, SHORT_TYPOS, raw, w * forms);
    raw.fill(raw[w * forms] as number, n, (w + 1) * forms);
  }
  return { longest, ids: Int32Array.from(ids), lengths: Uint8Array.from(lengths), points: held, ...hashedForms(raw, forms) };
}

/** Whether `short` holds every whole match of a query of `length` code points within `budget` typos. */
export function canLookUp(short: ShortWords | undefined, length: number, budget: number, prefix: boolean): short is ShortWords {
  return short !== undefined && !prefix && budget <= SHORT_TYPOS && length + budget <= short.longest;
}

/** What matchWord says of `query` as a whole word (no prefix) within `budget` typos, from the short words (canLookUp). */
export function lookUpShort(short: ShortWords, query: readonly number[], budget: number): WordMatches {
  const forms = formsScratch(deletionCount(query.length, budget));
  const n = writeDeletions(query, 0, query.length, 0, budget, forms, 0);
  const found = membersOf(short, short.ids.length, forms, n);
  const whole: [number, number][] = [];
  for (let i = 0; i < found.length; i++) {
    const w = found[i] as number;
    const typos = editsUpToOne(query, short.points, w * short.longest, short.lengths[w] as number);
    if (typos <= budget) whole.push([short.ids[w] as number, typos]);
  }
  // Members are in the trie's order, which is the words' ids' order.
  return wordMatches(whole, [], [], query);
}

/**
 * The distance (optimal string alignment, as the walk's) of `query` to the word `points[from, from + length)` when it is
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
