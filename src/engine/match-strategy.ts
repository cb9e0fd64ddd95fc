import { and, cursor, END, estimate, list, members, union, type Cursor, type DocSet } from './doc-set.js';
import type { Plan, RankCheck } from './plan.js';

/**
 * Partial matches instead of an empty page. With `match=most` (the default), when no movie passes
 * the filters and matches every word of `q`, the answer is the movies that match the most words any
 * of them matches: one wrong or extra word (`jurassic park dinosaur`) no longer empties the page.
 * They rank by the words they miss (rule 0, relevance.ts), then by the usual rules; `total` and the
 * facets count them, and the page says it is partial. With `match=all`, every word must match,
 * as before. Whenever some movie matches every word, both strategies answer the same.
 *
 * The level (how many words may be missing) is a property of the whole catalogue under the filters:
 * an index over several segments must take the fewest missing over all of them and plan each
 * segment at that level (`atLevel`), or a segment with only partial matches would mix its movies
 * into another's full ones.
 */
export const MATCH_STRATEGIES = ['most', 'all'] as const;
export type MatchStrategy = (typeof MATCH_STRATEGIES)[number];

/** Does any member of `set` pass the check? */
export function hasMatch(set: DocSet, check: RankCheck): boolean {
  const c = cursor(set);
  for (let r = c.seek(0); r !== END; r = c.seek(r + 1)) if (!check || check(r)) return true;
  return false;
}

/**
 * The movies matching at least `words - missing` words of `q`, ascending. A movie missing at most
 * `missing` words holds one of any `missing + 1` of them, so it is among the movies of the
 * `missing + 1` words with the fewest: only those are counted, word by word, where counting every
 * word's movies read each of a common word's thousands (`the`, `in`) for a page of a handful.
 * Kept per plan and level: a query nothing fully matches reads them twice (its level, then the plan at that level).
 */
function matchingAtLeast(plan: Plan, missing: number): Int32Array {
  let byLevel = counted.get(plan);
  const known = byLevel?.get(missing);
  if (known !== undefined) return known;
  const sets = plan.words.map((word) => word.any).sort((a, b) => estimate(a) - estimate(b));
  const least = sets.length - missing;
  const candidates = members(union(sets.slice(0, missing + 1)));
  const cursors = sets.map(cursor);
  const found = new Int32Array(candidates.length);
  let n = 0;
  for (let i = 0; i < candidates.length; i++) {
    const r = candidates[i] as number;
    let matched = 0;
    for (let w = 0; w < cursors.length && matched + cursors.length - w >= least; w++) if ((cursors[w] as Cursor).seek(r) === r) matched++;
    if (matched >= least) found[n++] = r;
  }
  const ranks = found.subarray(0, n);
  if (byLevel === undefined) counted.set(plan, (byLevel = new Map()));
  byLevel.set(missing, ranks);
  return ranks;
}
const counted = new WeakMap<Plan, Map<number, Int32Array>>();

/**
 * The fewest words of `q` a movie passing the plan's filters and check misses, or undefined when
 * no movie matches any word (an empty page stays empty). Meant for a plan nothing fully matches.
 */
export function fewestMissing(plan: Plan, check: RankCheck): number | undefined {
  for (let missing = 1; missing < plan.words.length; missing++) {
    const filters = cursor(and(plan.filters));
    for (const r of matchingAtLeast(plan, missing)) if (filters.seek(r) === r && (!check || check(r))) return missing;
  }
  return undefined;
}

/** The plan answering with the movies that miss at most `missing` words. */
export function atLevel(plan: Plan, missing: number): Plan {
  return { ...plan, partial: { set: list(matchingAtLeast(plan, missing)), missing, words: plan.words.length } };
}
