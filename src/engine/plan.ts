import type { CatalogueIndex } from './catalogue-index.js';
import { MAX_GRAM } from './catalogue-index.js';
import type { PostingList } from './postings.js';
import type { MovieQuery, Position } from './movie-query.js';

/**
 * How a query is answered: a rank range (from the year and the cursor), posting lists to intersect,
 * smallest first, and an optional title substring to verify on each candidate.
 */
export interface Plan {
  readonly lo: number;
  readonly hi: number;
  readonly lists: readonly PostingList[];
  /** Set when the n-gram lists only narrow the candidates (titles longer than MAX_GRAM). */
  readonly verifyTitle?: string;
}

/** Trigram lists beyond the rarest few cost more to intersect than verifying the survivors does. */
const MAX_GRAM_LISTS = 3;

const EMPTY_PLAN: Plan = { lo: 0, hi: 0, lists: [] };

export function planQuery(index: CatalogueIndex, query: MovieQuery, after?: Position): Plan {
  let lo = after ? index.rankAfter(after) : 0;
  let hi = index.size;
  if (query.year !== undefined) {
    const [start, end] = index.yearRange(query.year);
    lo = Math.max(lo, start);
    hi = Math.min(hi, end);
  }
  if (lo >= hi) return EMPTY_PLAN;

  const lists: PostingList[] = [];
  for (const name of query.cast) {
    const list = index.cast(name);
    if (!list) return EMPTY_PLAN;
    lists.push(list);
  }
  for (const name of query.genres) {
    const list = index.genre(name);
    if (!list) return EMPTY_PLAN;
    lists.push(list);
  }
  let verifyTitle: string | undefined;
  if (query.title !== undefined) {
    const title = query.title;
    const gramLists: PostingList[] = [];
    const grams = new Set<string>();
    if (title.length <= MAX_GRAM) grams.add(title);
    else for (let i = 0; i + MAX_GRAM <= title.length; i++) grams.add(title.slice(i, i + MAX_GRAM));
    for (const gram of grams) {
      const list = index.gram(gram);
      if (!list) return EMPTY_PLAN;
      gramLists.push(list);
    }
    gramLists.sort((a, b) => a.length - b.length);
    lists.push(...gramLists.slice(0, MAX_GRAM_LISTS));
    if (title.length > MAX_GRAM) verifyTitle = title;
  }
  lists.sort((a, b) => a.length - b.length);
  return verifyTitle === undefined ? { lo, hi, lists } : { lo, hi, lists, verifyTitle };
}
