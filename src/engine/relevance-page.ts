import { and, collect, cursor, END, members, type DocSet } from './doc-set.js';
import { visitExtractMatches } from './extract-tier.js';
import { LOWER_BOUND_BLOCK } from './limits.js';
import { titleOrCastSet, type Plan, type RankCheck } from './plan.js';
import { Relevance } from './relevance.js';
import { EXTRACT_TIER, packKey } from './relevance-key.js';
import type { SearchRequest } from './search-request.js';
import type { SegmentIndex } from './segment-index.js';
import { TopK } from './top-k.js';

/** A segment's best `limit + 1` movies for a page, in the page's order: their ranks, and their keys with sort=relevance. */
export interface Found {
  readonly ranks: number[];
  readonly relevance?: number[];
}

/**
 * The best `limit + 1` movies by (relevance key, rank) after the cursor, without ranking every
 * candidate. Phase 1 reads the movies whose titles match every word of `q`; a movie of phase 2
 * (some word only in its cast) ranks after any movie of phase 1 with the fewest possible typos, so
 * phase 2 is read only when phase 1 leaves room. Within a phase, a movie whose lower bound (title
 * signature) cannot beat the worst kept one is skipped without working out its key. A delta's page
 * keeps only keys up to `worst`, the base page's last (PageBound).
 */
export function relevancePage(
  index: SegmentIndex,
  plan: Plan,
  candidates: DocSet,
  check: RankCheck,
  request: SearchRequest,
  worst = Infinity,
): Found {
  const words = plan.words;
  if (words.length === 0) {
    // `q` without a word (`q=!!`) matches everything equally: every key is 0 and rule 5, the catalogue order, decides.
    const ranks: number[] = [];
    collect(candidates, request.after ? index.rankAfter(request.after.position) : 0, index.size, request.limit + 1, check, ranks);
    return { ranks, relevance: ranks.map(() => 0) };
  }
  const relevance = new Relevance(index.data, words, undefined, plan.partial?.missing);
  const top = new TopK(request.limit + 1);
  const after = request.after;
  const afterKey = after?.relevance ?? -1;
  const afterRank = after ? index.rankAfter(after.position) : 0;
  // A movie whose lower bound passes the bound, or cannot beat the worst kept one, is passed by unkeyed.
  const within = (lowerBound: number, rank: number): boolean => lowerBound <= worst && (!top.full || top.beats(lowerBound, rank));

  const offer = (rank: number, castOnly: number): void => {
    if (check && !check(rank)) return;
    if ((top.full || worst < Infinity) && !within(relevance.bound.lowerBound(rank, castOnly), rank)) return;
    const key = relevance.key(rank);
    if (key < 0 || key > worst) return;
    if (after && (key < afterKey || (key === afterKey && rank < afterRank))) return;
    top.offer(key, rank);
  };

  // Phase 1 visits ranks in ascending order, so once the page is full a movie must beat the worst
  // key outright, and a lower bound that does not is enough to pass it by. Broad words (`the`, `t`)
  // have thousands of candidates: this loop is their cost, so it reads a plain array.
  const phase1 = members(and([...plan.filters, ...words.map((p) => p.title)]));
  let next = 0;
  while (next < phase1.length && !top.full) offer(phase1[next++] as number, 0);
  // The worst key only falls, so a block filtered against it keeps every movie that can still make the page.
  // A movie without some word's fewest typos (best-readings.ts) waits until the rest have lowered the worst key: most of
  // a broad typed prefix's candidates have one typo more than the page's. They are then offered out of rank order,
  // where a tie with the worst kept key is decided by the rank (offer), not passed by as in the ascending blocks.
  const deferred: number[] = [];
  const survivors = new Int32Array(Math.min(LOWER_BOUND_BLOCK, phase1.length));
  for (; next < phase1.length; next += LOWER_BOUND_BLOCK) {
    const n = relevance.bound.below(phase1, next, Math.min(next + LOWER_BOUND_BLOCK, phase1.length), top.worstKey, survivors);
    for (let i = 0; i < n; i++) {
      const rank = survivors[i] as number;
      if (relevance.bound.bestMissed(rank) > 0) deferred.push(rank);
      else if (relevance.bound.lowerBound(rank, 0) < top.worstKey) offer(rank, 0);
    }
  }
  for (const rank of deferred) offer(rank, 0);

  const phase2Least = packKey(relevance.bound.fewestTypos, 1, 0, 0, 0);
  const phase2Beaten = (top.full && top.worstKey < phase2Least) || worst < phase2Least;
  if (!phase2Beaten) {
    const inTitle = words.map((p) => cursor(p.title));
    const c2 = cursor(plan.extract === undefined ? candidates : titleOrCastSet(plan));
    // As in phase 1, a movie without some word's fewest typos waits for the rest.
    const laterRanks: number[] = [];
    const laterNotInTitle: number[] = [];
    for (let r = c2.seek(0); r !== END; r = c2.seek(r + 1)) {
      let notInTitle = 0;
      for (const t of inTitle) if (t.seek(r) !== r) notInTitle++;
      if (notInTitle === 0) continue;
      if (relevance.bound.bestMissed(r) === 0) offer(r, notInTitle);
      else {
        laterRanks.push(r);
        laterNotInTitle.push(notInTitle);
      }
    }
    laterRanks.forEach((rank, i) => offer(rank, laterNotInTitle[i] as number));
  }

  // The extract tier ranks after every title or cast match: read only when those leave room on the page.
  const extract = plan.extract;
  if (extract !== undefined && !(top.full && top.worstKey < EXTRACT_TIER) && worst >= EXTRACT_TIER) {
    visitExtractMatches(
      extract,
      and(plan.filters),
      and(words.map((p) => p.any)),
      index.size,
      (rank, key) => {
        if (key > worst || (check && !check(rank))) return;
        if (after && (key < afterKey || (key === afterKey && rank < afterRank))) return;
        top.offer(key, rank);
      },
      () => Math.min(worst, top.full ? top.worstKey : Infinity),
    );
  }
  const sorted = top.sorted();
  return { ranks: sorted.map(([, rank]) => rank), relevance: sorted.map(([key]) => key) };
}
