import type { CatalogueIndex } from './catalogue-index.js';
import { planQuery } from './plan.js';
import { intersect } from './postings.js';
import type { MovieQuery, Page, PageRequest } from './movie-query.js';

/** Answers one page of a query: plan, then intersect in catalogue order, stopping at limit + 1. */
export function searchMovies(index: CatalogueIndex, query: MovieQuery, page: PageRequest): Page {
  const plan = planQuery(index, query, page.after);
  if (plan.lo >= plan.hi) return { ranks: [], hasMore: false };
  const needle = plan.verifyTitle;
  const titles = index.titles;
  const accept = needle === undefined ? undefined : (rank: number) => (titles[rank] as string).includes(needle);
  const ranks = intersect(plan.lists, plan.lo, plan.hi, page.limit + 1, accept);
  const hasMore = ranks.length > page.limit;
  if (hasMore) ranks.length = page.limit;
  return { ranks, hasMore };
}
