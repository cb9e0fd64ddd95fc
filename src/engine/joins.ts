import { adjacentPairs, type AdjacentWords, type Neighbours } from './adjacent-words.js';
import { bitmap, clearBit, fillBits, hasBit, setBit } from './bits.js';
import { list, type DocSet } from './doc-set.js';
import { postingsOf, type IndexData, type Postings, type Ragged, type Trie } from './index-data.js';
import { tableSize } from './string-table.js';
import { EQUIVALENT_TYPOS, MIN_SPLIT_LENGTH, SPLIT_PART_TYPO_FROM } from './limits.js';
import { gallop, indexOfSorted } from './sorted.js';
import { followersOf, matchAmong } from './split-followers.js';
import { matchExact } from './trie-walk.js';
import { matchFromEntries } from './word-lookup.js';
import type { TypoLookups } from './typo-lookups.js';
import { typoBudget, typosOf, type WordMatches } from './word-match.js';

/**
 * Words written together or apart. A query word may stand for two adjacent words of a title or of
 * one cast name written together (`ironman`: Iron Man, `xmen`: X-Men), and two adjacent query words
 * for one word (`bat man`: Batman, joined in word-plan.ts). Hyphens and apostrophes split words
 * (catalogue/words.ts), so `spider-man`, `spiderman` and `spider man` all meet Spider-Man.
 *
 * Typos apply to the joined form by its length: the two parts together may have the typos of the
 * word they make, but a part of 1–2 characters must match exactly and one of 3–8 has at most one
 * (`ironmen` finds Iron Man; `xmen` X-Men, exactly). Reading a word as two counts EQUIVALENT_TYPOS more in rule 1; so does each of two
 * words read as one, which may have the typos of the joined form but fewer than the shorter word
 * has characters: a join never drops a whole word.
 */

/** One way to cut a query word in two: what the part before the cut and the part after match. */
export interface Cut {
  readonly left: WordMatches;
  readonly right: WordMatches;
}

/** A query word read as two adjacent words. */
export interface SplitMatch {
  readonly cuts: readonly Cut[];
  /** Typos both parts may have together: the whole word's budget. */
  readonly budget: number;
  /** The fewest typos of any movie's split match, EQUIVALENT_TYPOS included. */
  readonly fewestTypos: number;
  /** Movies where the parts are adjacent words of one cast name, ascending, and the typos of the best such match. */
  readonly castRanks: Int32Array;
  readonly castTypos: Uint8Array;
  /** The same for adjacent title words: the ranking reads a movie's best split here, not pair by pair. */
  readonly titleRanks: Int32Array;
  readonly titleTypos: Uint8Array;
}

/** Typos a part of `length` characters may have when the whole word may have `budget`. */
function partBudget(length: number, budget: number): number {
  return length < SPLIT_PART_TYPO_FROM ? 0 : Math.min(budget, Math.max(1, typoBudget(length)));
}

/**
 * The cuts of a word whose right part may have fewer typos than its left (a short right part), looked
 * up before the word's walk, and what that walk collects for planSplit (matchWordAndStarts): the typos
 * each start of the word may have as a left part, by its length k, or -1 for a start not collected.
 * A left part's typos and its right part's together stay within the word's budget, so a start after
 * a right part with typos is collected with the budget that leaves, and one after a right part that
 * matches nothing not at all: the starts with the most typos (9 letters and more, two) make the walk
 * visit the most nodes, and their right parts, of 1–8 letters, most often leave them one typo or none.
 */
export interface SplitStarts {
  /** By k: the typos the walk collects the start with, or -1. */
  readonly budgets: readonly number[];
  /** By k: the right part's matches, for a cut whose right part is looked up first. */
  readonly rights: readonly (WordMatches | undefined)[];
}

export function splitStarts(
  data: IndexData,
  points: readonly number[],
  last: boolean,
  reach: Int32Array,
  lookups: TypoLookups,
): SplitStarts {
  if (points.length < MIN_SPLIT_LENGTH) return { budgets: [], rights: [] };
  const budget = typoBudget(points.length);
  const budgets: number[] = [-1];
  const rights: (WordMatches | undefined)[] = [undefined];
  for (let k = 1; k < points.length; k++) {
    const aBudget = partBudget(k, budget);
    const bBudget = partBudget(points.length - k, budget);
    const right = bBudget < aBudget ? matchPart(data.words.trie, points.slice(k), bBudget, last, reach, lookups) : undefined;
    rights.push(right);
    const left = right === undefined ? aBudget : Math.min(aBudget, budget - right.fewestTypos);
    budgets.push(left > 0 ? left : -1);
  }
  return { budgets, rights };
}

/**
 * A part of a split word within `budget` typos: a lookup without typos (most parts), else a walk from
 * the deletion entries when the part is long enough for them, or a lookup among the short words when it
 * is short enough (matchFromEntries): from the root, a part with a typo is a walk of thousands of nodes.
 */
function matchPart(
  trie: Trie,
  part: readonly number[],
  budget: number,
  prefix: boolean,
  reach: Int32Array,
  lookups: TypoLookups,
): WordMatches {
  return budget === 0 ? matchExact(trie, part, prefix) : matchFromEntries(trie, part, budget, prefix, reach, lookups);
}

/** Typos of the split at adjacent words (a, b), EQUIVALENT_TYPOS included; -1 when it does not match there. */
export function splitTypos(split: SplitMatch, a: number, b: number): number {
  let best = -1;
  for (const { left, right } of split.cuts) {
    const l = typosOf(left, a);
    if (l < 0) continue;
    const r = typosOf(right, b);
    if (r < 0 || l + r > split.budget) continue;
    const t = l + r + EQUIVALENT_TYPOS;
    if (best < 0 || t < best) best = t;
  }
  return best;
}

/** Typos of the split's best match in one of the movie's cast names, or -1. */
export function castSplitTypos(split: SplitMatch, rank: number): number {
  const at = indexOfSorted(split.castRanks, rank);
  return at < 0 ? -1 : (split.castTypos[at] as number);
}

/** Typos of the split's best match at adjacent words of the movie's title (the least splitTypos over them), or -1. */
export function titleSplitTypos(split: SplitMatch, rank: number): number {
  const at = indexOfSorted(split.titleRanks, rank);
  return at < 0 ? -1 : (split.titleTypos[at] as number);
}

/**
 * A query word read as two adjacent words: every cut whose parts match some words, and the movies
 * where they sit side by side; undefined when no movie has them so.
 */
export function planSplit(
  data: IndexData,
  points: readonly number[],
  last: boolean,
  reach: Int32Array,
  lookups: TypoLookups,
  starts: readonly (WordMatches | undefined)[],
  { budgets, rights }: SplitStarts,
  adjacency: AdjacentWords,
): { split: SplitMatch; title: DocSet; cast: DocSet } | undefined {
  if (points.length < MIN_SPLIT_LENGTH) return undefined;
  const budget = typoBudget(points.length);
  const trie = data.words.trie;
  const cuts: Cut[] = [];
  for (let k = 1; k < points.length; k++) {
    const a = points.slice(0, k);
    const b = points.slice(k);
    const bBudget = partBudget(b.length, budget);
    // The part with fewer typos first (splitStarts looked it up): a lookup, and most cuts end there.
    const right = rights[k];
    const bFirst = right !== undefined;
    const match = (part: readonly number[], partBudget: number, prefix: boolean) =>
      matchPart(trie, part, partBudget, prefix, reach, lookups);
    // A start the walk did not collect is short and exact (looked up), or was left no typos by its right part.
    const left = () => starts[k] ?? match(a, Math.max(0, budgets[k] ?? 0), false);
    const first = right ?? left();
    if (first.fewestTypos === Infinity) continue;
    // Both parts' typos together are within the budget, so a right part after a left one with typos needs fewer
    // (often none: a lookup where a walk was): its matches beyond them would never sit next to a left part's.
    const rightBudget = Math.min(bBudget, budget - first.fewestTypos);
    const followers = bFirst || rightBudget === 0 ? undefined : followersOf(adjacency, first);
    const second = bFirst
      ? left()
      : followers === undefined
        ? match(b, rightBudget, last)
        : matchAmong(data, followers, b, rightBudget, last);
    if (first.fewestTypos + second.fewestTypos > budget) continue;
    cuts.push(bFirst ? { left: second, right: first } : { left: first, right: second });
  }
  if (cuts.length === 0) return undefined;

  // Both parts in a movie's title or cast says little: they must be adjacent, in that order.
  const { words, titleWords } = data;
  const { nameWords } = words;
  const inTitle = new Map<number, number>();
  const byName = new Map<number, number>();
  // Each cut's words as bits over the dictionary, cleared after it: most pairs of a title or name are
  // ruled out by a bit each, where typosOf searches the match lists. Two bitmaps serve every cut.
  const bits = partBits(tableSize(words.words));
  for (const cut of cuts) {
    markWords(bits.left, cut.left, true);
    markWords(bits.right, cut.right, true);
    // Only the titles and names where a word of each part sit side by side are read: the neighbour lists give those
    // pairs (none for most cuts), and the titles (names) holding both words of a pair are the ones to read.
    const leftIds = idRanges(cut.left);
    const rightIds = idRanges(cut.right);
    const sides = { leftIds, rightIds, bits };
    cutPlaces(cut, sides, budget, adjacency.title, words.title, titleWords, inTitle);
    cutPlaces(cut, sides, budget, adjacency.name, words.castNames, nameWords, byName);
    markWords(bits.left, cut.left, false);
    markWords(bits.right, cut.right, false);
  }
  const inCast = new Map<number, number>();
  for (const [name, typos] of byName) for (const rank of postingsOf(data.cast.postings, name)) lowest(inCast, rank, typos);
  let fewest = Infinity;
  for (const t of inTitle.values()) fewest = Math.min(fewest, t);
  for (const t of inCast.values()) fewest = Math.min(fewest, t);
  if (fewest === Infinity) return undefined;
  const castRanks = Int32Array.from(inCast.keys()).sort();
  const titleRanks = Int32Array.from(inTitle.keys()).sort();
  const split: SplitMatch = {
    cuts,
    budget,
    fewestTypos: fewest,
    castRanks,
    castTypos: Uint8Array.from(castRanks, (rank) => inCast.get(rank) as number),
    titleRanks,
    titleTypos: Uint8Array.from(titleRanks, (rank) => inTitle.get(rank) as number),
  };
  return { split, title: list(titleRanks), cast: list(castRanks) };
}

/**
 * The typos of one cut at each place (title, or cast name) where a pair of its parts' words sits side by side, kept
 * in `best` when fewer than it holds: the pairs from the neighbour lists, the places holding both words of a pair
 * from their postings (word to places), each place read word by word (`lists`: its words in order).
 */
function cutPlaces(
  cut: Cut,
  { leftIds, rightIds, bits }: { leftIds: [number, number][]; rightIds: [number, number][]; bits: PartBits },
  budget: number,
  field: Neighbours,
  postings: Postings,
  lists: Ragged<Int32Array> | Ragged<Uint32Array>,
  best: Map<number, number>,
): void {
  adjacentPairs(field, bits.left, leftIds, bits.right, rightIds, (a, b) => {
    forBoth(postingsOf(postings, a), postingsOf(postings, b), (place) =>
      lowest(
        best,
        place,
        adjacentTypos(cut, bits, budget, lists.values, lists.offsets[place] as number, lists.offsets[place + 1] as number),
      ),
    );
    return false;
  });
}

/** Every value of two ascending lists that both hold: the shorter read, the longer galloped through. */
function forBoth(a: Int32Array, b: Int32Array, visit: (value: number) => void): void {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  let at = 0;
  for (let i = 0; i < short.length && at < long.length; i++) {
    const value = short[i] as number;
    at = gallop(long, at, value);
    if (long[at] === value) visit(value);
  }
}

/** Keeps the fewer typos of a key; -1 (no match) is not kept. */
function lowest(best: Map<number, number>, key: number, typos: number): void {
  if (typos < 0) return;
  const known = best.get(key);
  if (known === undefined || typos < known) best.set(key, typos);
}

/** The words one cut's parts match, one bit each (markWords). */
interface PartBits {
  readonly left: Uint32Array;
  readonly right: Uint32Array;
}

/**
 * Two bitmaps with room for a dictionary of `size` words, all clear: shared by every split (one at a time), each cut
 * clearing the bits it set. Two allocated and zeroed per split word cost more than the bits its cuts set.
 */
function partBits(size: number): PartBits {
  // bitmap(size)'s length: a larger pair serves a smaller dictionary, its bits past it never set.
  if (scratchBits.left.length < (size >>> 5) + 1) scratchBits = { left: bitmap(size), right: bitmap(size) };
  return scratchBits;
}
let scratchBits: PartBits = { left: bitmap(0), right: bitmap(0) };

/** Sets (or clears) the bit of every word `m` matches. */
function markWords(bits: Uint32Array, m: WordMatches, on: boolean): void {
  for (let i = 0; i < m.wholeIds.length; i++) (on ? setBit : clearBit)(bits, m.wholeIds[i] as number);
  for (let i = 0; i < m.prefixLo.length; i++) fillBits(bits, m.prefixLo[i] as number, m.prefixHi[i] as number, on);
}

/** Typos of one cut at its best over adjacent words [start, end) of `ids` (a title, a name), EQUIVALENT_TYPOS included; -1: none. */
function adjacentTypos(cut: Cut, bits: PartBits, budget: number, ids: Int32Array | Uint32Array, start: number, end: number): number {
  let best = -1;
  for (let p = start; p + 1 < end; p++) {
    if (!hasBit(bits.left, ids[p] as number) || !hasBit(bits.right, ids[p + 1] as number)) continue;
    const l = typosOf(cut.left, ids[p] as number);
    if (l < 0) continue;
    const r = typosOf(cut.right, ids[p + 1] as number);
    if (r < 0 || l + r > budget) continue;
    const t = l + r + EQUIVALENT_TYPOS;
    if (best < 0 || t < best) best = t;
  }
  return best;
}

/** The words a part matches as ranges [lo, hi) of ids, a whole match as its own; a word may be in two. */
function idRanges(m: WordMatches): [number, number][] {
  const ranges: [number, number][] = [];
  for (let i = 0; i < m.prefixLo.length; i++) ranges.push([m.prefixLo[i] as number, m.prefixHi[i] as number]);
  for (let i = 0; i < m.wholeIds.length; i++) ranges.push([m.wholeIds[i] as number, (m.wholeIds[i] as number) + 1]);
  return ranges;
}
