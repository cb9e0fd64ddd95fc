import type { SegmentIndex } from './segment-index.js';
import { and, cursor, END, list, type DocSet } from './doc-set.js';
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
 * How many words of `q` each movie matches, one byte per movie (at most MAX_Q_WORDS). Kept per plan:
 * a query nothing fully matches reads them twice (its level, then the plan at that level), and a pass
 * over every word's movies is most of what partial matches cost.
 */
function wordsMatched(index: SegmentIndex, plan: Plan): Uint8Array {
  const known = counted.get(plan);
  if (known !== undefined) return known;
  const counts = new Uint8Array(index.size);
  for (const word of plan.words) {
    const c = cursor(word.any);
    for (let r = c.seek(0); r !== END; r = c.seek(r + 1)) counts[r] = (counts[r] as number) + 1;
  }
  counted.set(plan, counts);
  return counts;
}
const counted = new WeakMap<Plan, Uint8Array>();

/**
 * The fewest words of `q` a movie passing the plan's filters and check misses, or undefined when
 * no movie matches any word (an empty page stays empty). Meant for a plan nothing fully matches.
 */
export function fewestMissing(index: SegmentIndex, plan: Plan, check: RankCheck): number | undefined {
  const counts = wordsMatched(index, plan);
  let best = 0;
  const c = cursor(and(plan.filters));
  for (let r = c.seek(0); r !== END && r < index.size; r = c.seek(r + 1)) {
    const n = counts[r] as number;
    if (n > best && (!check || check(r))) best = n;
  }
  return best === 0 ? undefined : plan.words.length - best;
}

/** The plan answering with the movies that miss at most `missing` words. */
export function atLevel(index: SegmentIndex, plan: Plan, missing: number): Plan {
  const counts = wordsMatched(index, plan);
  const least = plan.words.length - missing;
  const ranks: number[] = [];
  for (let r = 0; r < counts.length; r++) if ((counts[r] as number) >= least) ranks.push(r);
  return { ...plan, partial: { set: list(Int32Array.from(ranks)), missing, words: plan.words.length } };
}
