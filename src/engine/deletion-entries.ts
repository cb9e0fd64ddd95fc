import type { Trie } from './index-data.js';
import { ENTRY_DEPTH } from './limits.js';

/**
 * SymSpell's deletion lists, over the trie's nodes at one depth rather than over whole words: where a
 * walk with typos may start instead of the root (typo-lookups.ts keeps one set for two typos at
 * ENTRY_DEPTH and one for a single typo at ONE_TYPO_ENTRY_DEPTH). Two typos keep the trie's top levels open
 * whatever the query says (any two letters are two substitutions away), so a walk from the root
 * visits thousands of nodes to find, most often, nothing: a join such as `theadventaures` matches no
 * word in 49 walks of 50. Every match of at least `depth` letters passes through a node at `depth`
 * whose path is within the two typos of some start of the query, and two strings within two typos
 * (insertions, deletions, substitutions, swaps) are one string once at most two letters are deleted
 * from each (a swap of `ab` and `ba` deletes `a` from both). So the nodes whose path, less up to two
 * letters, is the query's start less up to two are the only places such a walk need start from; with
 * one typo, the same with one letter, and the top levels one typo keeps open are fewer but still most
 * of a walk of 5–8 letters (~1,200 nodes from the root, ~100 from the entries).
 *
 * Keys are 32-bit hashes of the deleted forms: a collision only adds a node to walk from, never
 * drops one, and the walk from a node decides exactly. Derived from the trie per version, on its
 * first `q` (WordPlanner), not stored in the segment: tens of milliseconds on the seed, ~3.5 MB held.
 */
export interface DeletionEntries extends HashedForms {
  /** The depth of the entry nodes. */
  readonly depth: number;
  /** The most letters a node's deleted form drops: the most typos a walk from these entries may have. */
  readonly typos: number;
  /** The nodes at `depth`, in the trie's order, and their paths, `depth` code points each. */
  readonly nodes: Int32Array;
  readonly paths: Uint32Array;
}

/** Deleted forms' hashes, ascending, each with a member (a position in the owner's list) it stands for. */
export interface HashedForms {
  readonly hashes: Uint32Array;
  readonly members: Int32Array;
  /** By a hash's top bits (2^bits + 1 entries): where its pairs start, so a lookup reads a handful of pairs. */
  readonly directory: Int32Array;
}

/** The most typos entries serve: a deleted form drops at most this many letters (BIT_PARALLEL_MAX_TYPOS of the walk). */
export const ENTRY_TYPOS = 2;

/** The deletion lists of the trie's nodes at `depth`, forms dropping up to `typos` letters (none when no word is that long). */
export function deletionEntries(trie: Trie, depth = ENTRY_DEPTH, typos = ENTRY_TYPOS): DeletionEntries {
  const nodeList: number[] = [];
  const pathList: number[] = [];
  forEachNodeTo(trie, depth, (node, d, path) => {
    if (d < depth) return;
    nodeList.push(node);
    for (const c of path) pathList.push(c);
  });
  const paths = Uint32Array.from(pathList);
  const forms = deletionCount(depth, typos);
  const raw = new Uint32Array(nodeList.length * forms);
  for (let at = 0; at < nodeList.length; at++) writeDeletions(paths, at * depth, depth, 0, typos, raw, at * forms);
  return { depth, typos, nodes: Int32Array.from(nodeList), paths, ...hashedForms(raw, forms) };
}

/** Visits the trie's nodes at most `depth` deep in its depth-first order, each with its depth d and path (`path[0, d)`, reused). */
export function forEachNodeTo(trie: Trie, depth: number, visit: (node: number, d: number, path: Uint32Array) => void): void {
  const { label, end } = trie;
  const path = new Uint32Array(depth);
  // Depths counted again rather than read from trie.depth (bytes); the subtrees below `depth` are skipped.
  const depthOf = new Int32Array(end.length);
  for (let c = 1; c < (end[0] as number); c = end[c] as number) depthOf[c] = 1;
  for (let v = 1; v < end.length;) {
    const d = depthOf[v] as number;
    path[d - 1] = label[v] as number;
    visit(v, d, path);
    if (d === depth) {
      v = end[v] as number;
      continue;
    }
    for (let c = v + 1; c < (end[v] as number); c = end[c] as number) depthOf[c] = d + 1;
    v++;
  }
}

/** The forms' hashes `raw` (`forms` consecutive ones per member) as a table: sorted, with a directory by their top bits. */
export function hashedForms(raw: Uint32Array, forms: number): HashedForms {
  // A counting sort by the top bits, which is the directory, then each bucket (a handful of pairs) sorted in place.
  const bits = Math.max(8, Math.min(22, Math.ceil(Math.log2(Math.max(1, raw.length / 4)))));
  const shift = 32 - bits;
  const directory = new Int32Array((1 << bits) + 1);
  for (const hash of raw) directory[(hash >>> shift) + 1] = (directory[(hash >>> shift) + 1] as number) + 1;
  for (let top = 0; top < 1 << bits; top++) directory[top + 1] = (directory[top + 1] as number) + (directory[top] as number);
  const next = directory.slice(0, 1 << bits);
  const hashes = new Uint32Array(raw.length);
  const members = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const hash = raw[i] as number;
    const to = next[hash >>> shift] as number;
    next[hash >>> shift] = to + 1;
    hashes[to] = hash;
    members[to] = Math.floor(i / forms);
  }
  for (let top = 0; top < 1 << bits; top++) sortPairs(hashes, members, directory[top] as number, directory[top + 1] as number);
  return { hashes, members, directory };
}

/** Sorts the pairs [lo, hi) by hash then node: buckets hold a handful, so an insertion sort. Repeats stay (a lookup dedupes). */
function sortPairs(hashes: Uint32Array, members: Int32Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const h = hashes[i] as number;
    const m = members[i] as number;
    let j = i - 1;
    while (j >= lo && ((hashes[j] as number) > h || ((hashes[j] as number) === h && (members[j] as number) > m))) {
      hashes[j + 1] = hashes[j] as number;
      members[j + 1] = members[j] as number;
      j--;
    }
    hashes[j + 1] = h;
    members[j + 1] = m;
  }
}

/** Whether a walk of `length` code points within `budget` typos can start from the entries: its matches are `depth` deep or more. */
export function canEnter(entries: DeletionEntries | undefined, length: number, budget: number): entries is DeletionEntries {
  return entries !== undefined && entries.nodes.length > 0 && budget <= entries.typos && length - budget >= entries.depth;
}

/**
 * The entry nodes (positions in `entries.nodes`, ascending) a walk of `query` within `budget` typos
 * starts from: those sharing a deleted form with a start of the query `depth` ± `budget` long. A view
 * of scratch (membersOf): the walk reads it before any other lookup.
 */
export function entryCandidates(entries: DeletionEntries, query: readonly number[], budget: number): Int32Array {
  const { depth } = entries;
  const shortest = depth - budget;
  // Scratch shared by every lookup: one allocated per lookup cost more than it.
  const forms = formsScratch(deletionCount(depth + budget, budget) * (2 * budget + 1));
  let n = 0;
  for (let j = Math.max(1, shortest); j <= Math.min(query.length, depth + budget); j++)
    // Forms of the query's first j code points as long as a node's path less 0 to `budget` letters.
    n = writeDeletions(query, 0, j, Math.max(0, j - depth), Math.min(budget, j - shortest), forms, n);
  return membersOf(entries, entries.nodes.length, forms, n);
}

/**
 * The members (ascending, each once) of the first `n` hashes of `forms`, of a table of `count` members: a view of
 * scratch, read before the next lookup. Repeats are dropped as they are found (a member's several forms often share
 * the query's), so only the distinct ones are sorted: sorting every repeat was most of a lookup's time.
 */
export function membersOf({ hashes, members, directory }: HashedForms, count: number, forms: Uint32Array, n: number): Int32Array {
  const shift = 32 - Math.log2(directory.length - 1);
  if (seenScratch.length < count) seenScratch = new Int32Array(count);
  if (stamp === 0x7fffffff) {
    seenScratch.fill(0);
    stamp = 0;
  }
  stamp++;
  const seen = seenScratch;
  let found = foundScratch;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const hash = forms[i] as number;
    const top = hash >>> shift;
    for (let p = directory[top] as number; p < (directory[top + 1] as number); p++) {
      const member = members[p] as number;
      if (hashes[p] !== hash || seen[member] === stamp) continue;
      seen[member] = stamp;
      if (k === found.length) found = foundScratch = growInt32(found);
      found[k++] = member;
    }
  }
  return found.subarray(0, k).sort();
}

/** A lookup's scratch: by member, the stamp of the last lookup that found it; the members found. */
let seenScratch = new Int32Array(0);
let stamp = 0;
let foundScratch = new Int32Array(64);

function growInt32(array: Int32Array): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}

/** Scratch for the forms of one lookup, at least `size` long: shared by every lookup (each writes the forms it then reads). */
export function formsScratch(size: number): Uint32Array {
  if (formScratch.length < size) formScratch = new Uint32Array(size);
  return formScratch;
}

let formScratch = new Uint32Array(0);

/** How many forms a string of `length` has less 0 to `most` letters (at most 2), counting repeats. */
export function deletionCount(length: number, most: number): number {
  return 1 + (most >= 1 ? length : 0) + (most >= 2 ? (length * (length - 1)) / 2 : 0);
}

/**
 * Writes to `out` from `n` the hashes of `points[from, from + length)` less every set of `fewest` to
 * `most` (at most 2) of its code points; returns where it stopped. FNV-1a,
 * whose state after the code points before a deleted one is shared by every form that deletes it.
 */
export function writeDeletions(
  points: ArrayLike<number>,
  from: number,
  length: number,
  fewest: number,
  most: number,
  out: Uint32Array,
  n: number,
): number {
  let before = OFFSET_BASIS;
  for (let i = 0; i <= length; i++) {
    // `before`: the hash of the code points before i. Deleting i (and perhaps a later k) continues from it.
    if (i === length) {
      if (fewest === 0) out[n++] = before >>> 0;
      break;
    }
    if (fewest <= 1 && most >= 1) out[n++] = continueHash(points, from, i + 1, length, before) >>> 0;
    if (most >= 2) {
      let skipOne = before;
      for (let k = i + 1; k < length; k++) {
        out[n++] = continueHash(points, from, k + 1, length, skipOne) >>> 0;
        skipOne = Math.imul(skipOne ^ (points[from + k] as number), FNV_PRIME);
      }
    }
    before = Math.imul(before ^ (points[from + i] as number), FNV_PRIME);
  }
  return n;
}

/** FNV-1a from state `h` over `points[from + start, from + length)`. */
function continueHash(points: ArrayLike<number>, from: number, start: number, length: number, h: number): number {
  for (let i = start; i < length; i++) h = Math.imul(h ^ (points[from + i] as number), FNV_PRIME);
  return h;
}

const OFFSET_BASIS = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
