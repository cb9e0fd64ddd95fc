import { codePoints } from '../catalogue/words.js';
import { postingsOf, type CatalogueIndex } from './catalogue-index.js';
import { and, EMPTY, indexOfSorted, list, range, union, unionOfLists, type DocSet } from './doc-set.js';
import { MAX_GRAM, type Postings } from './index-data.js';
import type { FacetName, MovieQuery } from './movie-query.js';
import { encodeUtf8, lookup } from './string-table.js';
import { matchWord, typoBudget, type WordMatches } from './typo.js';

/** One word of `q`: what it matches in the dictionary, and the movies that have such a word. */
export interface WordPlan {
  readonly matches: WordMatches;
  /** Movies with a matching word in the title. */
  readonly title: DocSet;
  /** Movies with a matching word in the title or a cast name. */
  readonly any: DocSet;
}

/** How a query is answered: sets to intersect, a title to verify, and the words of `q`. */
export interface Plan {
  /** Year span, cast, genre and title n-gram sets; a movie must be in all of them. */
  readonly filters: readonly DocSet[];
  /** Set when n-grams only narrow the title candidates (substrings longer than MAX_GRAM): the UTF-8 bytes to look for. */
  readonly verifyTitle?: Uint8Array;
  /** The words of `q`, in the order typed; empty without `q`. */
  readonly words: readonly WordPlan[];
}

/** Trigram lists beyond the rarest few cost more to intersect than verifying the survivors does. */
const MAX_GRAM_LISTS = 3;

/**
 * Plans a query. `without` leaves one facet's own filters out (a genre facet ignores `genre`, and so
 * on), so the facet shows the other choices, as faceted interfaces expect; `planned` are the query's
 * words as already planned for it.
 */
export function planQuery(index: CatalogueIndex, query: MovieQuery, without?: FacetName, planned?: readonly WordPlan[]): Plan {
  const { data } = index;
  const filters: DocSet[] = [];
  // A facet's plan differs from the query's only in its filters: its words are the query's, planned
  // once. Planned first, so that a plan that matches nothing still carries them for its facets.
  const words = planned ?? (query.q ?? []).map((word, i, all) => planWord(index, word, i === all.length - 1));
  const none: Plan = { filters: [EMPTY], words };

  const ignoresYears = without === 'year' || without === 'decade';
  if (!ignoresYears && (query.year !== undefined || query.yearFrom !== undefined || query.yearTo !== undefined)) {
    const from = Math.max(query.year ?? -Infinity, query.yearFrom ?? -Infinity);
    const to = Math.min(query.year ?? Infinity, query.yearTo ?? Infinity);
    const [lo, hi] = index.yearSpan(from, to);
    if (lo >= hi) return none;
    filters.push(range(lo, hi));
  }
  if (without !== 'cast') {
    for (const name of query.cast) {
      const id = lookup(data.cast.terms, name);
      if (id < 0) return none;
      filters.push(list(postingsOf(data.cast.postings, id)));
    }
  }
  if (without !== 'genre') {
    for (const name of query.genres) {
      const id = lookup(data.genres.terms, name);
      if (id < 0) return none;
      filters.push(list(postingsOf(data.genres.postings, id)));
    }
  }
  let verifyTitle: Uint8Array | undefined;
  if (query.title !== undefined) {
    const title = query.title;
    const grams = new Set<string>();
    if (title.length <= MAX_GRAM) grams.add(title);
    else for (let i = 0; i + MAX_GRAM <= title.length; i++) grams.add(title.slice(i, i + MAX_GRAM));
    const lists: Int32Array[] = [];
    for (const gram of grams) {
      const id = lookup(data.grams.terms, gram);
      if (id < 0) return none;
      lists.push(postingsOf(data.grams.postings, id));
    }
    lists.sort((a, b) => a.length - b.length);
    for (const l of lists.slice(0, MAX_GRAM_LISTS)) filters.push(list(l));
    if (title.length > MAX_GRAM) verifyTitle = encodeUtf8(title);
  }
  return verifyTitle === undefined ? { filters, words } : { filters, verifyTitle, words };
}

/** The last word of `q` also matches as a prefix: search as you type. */
function planWord(index: CatalogueIndex, word: string, last: boolean): WordPlan {
  const key = last ? `p${word}` : `w${word}`;
  const cached = index.wordPlans.get(key);
  if (cached !== undefined) return cached;
  const plan = planWordAfresh(index, word, last);
  index.wordPlans.set(key, plan, wordPlanBytes(plan));
  return plan;
}

function planWordAfresh(index: CatalogueIndex, word: string, last: boolean): WordPlan {
  const { words: w, size } = index.data;
  const points = codePoints(word);
  const matches = matchWord(w.trie, points, typoBudget(points.length), last, index.wordReach);
  const titleLists: Int32Array[] = [];
  const castLists: Int32Array[] = [];
  const covered: [number, number][] = [];
  for (const node of matches.prefixNodes) {
    const lo = w.trie.wordLo[node] as number;
    const hi = w.trie.wordHi[node] as number;
    covered.push([lo, hi]);
    const precomputed = indexOfSorted(w.prefixes.nodes, node);
    if (precomputed >= 0) {
      titleLists.push(postingsOf(w.prefixes.title, precomputed));
      castLists.push(postingsOf(w.prefixes.cast, precomputed));
    } else {
      addRange(titleLists, w.title, lo, hi);
      addRange(castLists, w.cast, lo, hi);
    }
  }
  for (const id of matches.wholeIds) {
    if (covered.some(([lo, hi]) => id >= lo && id < hi)) continue;
    titleLists.push(postingsOf(w.title, id));
    castLists.push(postingsOf(w.cast, id));
  }
  const title = unionOfLists(titleLists, size);
  return { matches, title, any: union([title, unionOfLists(castLists, size)]) };
}

/**
 * What a cached plan holds on to: the arrays it owns. Postings read straight from the index are
 * views of the index's own buffer and cost nothing more; unions it built own their buffer.
 */
function wordPlanBytes(plan: WordPlan): number {
  const m = plan.matches;
  let bytes = 256 + m.wholeIds.byteLength * 2 + m.prefixLo.byteLength * 3 + m.prefixNodes.length * 8 + m.typed.length * 8;
  const owned = (array: Int32Array | Uint32Array) =>
    array.byteOffset === 0 && array.buffer.byteLength === array.byteLength ? array.byteLength : 0;
  const pending: DocSet[] = [plan.title, plan.any];
  for (let set = pending.pop(); set !== undefined; set = pending.pop()) {
    bytes += 32;
    if (set.kind === 'list') bytes += owned(set.ranks);
    else if (set.kind === 'bitmap') bytes += owned(set.bits);
    else if (set.kind === 'union' || set.kind === 'and') pending.push(...set.sets);
  }
  return bytes;
}

function addRange(lists: Int32Array[], postings: Postings, lo: number, hi: number): void {
  for (let id = lo; id < hi; id++) lists.push(postingsOf(postings, id));
}

/** Does the normalised title of `rank` contain `needle` (UTF-8)? A byte search: UTF-8 keeps substring matches of code points. */
export function titleContains(
  titles: { readonly bytes: Uint8Array; readonly offsets: Uint32Array },
  rank: number,
  needle: Uint8Array,
): boolean {
  const { bytes } = titles;
  const start = titles.offsets[rank] as number;
  const last = (titles.offsets[rank + 1] as number) - needle.length;
  const first = needle[0] as number;
  for (let at = start; at <= last; at++) {
    if (bytes[at] !== first) continue;
    let k = 1;
    while (k < needle.length && bytes[at + k] === needle[k]) k++;
    if (k === needle.length) return true;
  }
  return false;
}

/** The movies matching every filter and every word of `q` (the title substring is verified separately, see verifier). */
export function candidateSet(plan: Plan): DocSet {
  return and([...plan.filters, ...plan.words.map((w) => w.any)]);
}

/** A check a movie must also pass, or undefined when the sets say it all. */
export type Accept = ((rank: number) => boolean) | undefined;

/** The check n-grams cannot make: the title really contains the substring. */
export function verifier(index: CatalogueIndex, plan: Plan): Accept {
  const needle = plan.verifyTitle;
  if (needle === undefined) return undefined;
  const titles = index.data.normalisedTitles;
  return (rank) => titleContains(titles, rank, needle);
}
