import { entryCandidates, type DeletionEntries } from './deletion-entries.js';
import { lookUpShort, type ShortWords } from './short-words.js';
import {
  BIT_PARALLEL_MAX,
  BIT_PARALLEL_MAX_TYPOS,
  flatten,
  matchWord,
  outermost,
  walkByBits,
  type PrefixRange,
  type StartMatches,
  type WholeMatch,
} from './trie-walk.js';
import { servingEntries, shortFor, type TypoLookups } from './typo-lookups.js';
import type { Trie } from './index-data.js';
import { wordMatches, type WordMatches } from './word-match.js';

/*
 * Where a query word's walk starts: from the lookups a version derives (typo-lookups.ts: deletion entries,
 * short words) when one serves the word, else from the trie's root (trie-walk.ts, which walks).
 */

/**
 * matchWord, from the lookups a version derives (typo-lookups.ts) when one serves the query: walked
 * from the entry nodes whose deletion lists share a form with the query's start (deletion-entries.ts)
 * rather than from the root, whose top levels any typo keeps open, or a short word looked up among the
 * short words (short-words.ts); else walked from the root. With `starts` (walked from the entries
 * only), collects them too: each must be long enough for the entries (startsRide).
 */
export function matchFromEntries(
  trie: Trie,
  query: readonly number[],
  budget: number,
  prefix: boolean,
  reach: Int32Array,
  lookups: TypoLookups | undefined,
  starts?: StartMatches,
): WordMatches {
  const entries = query.length > BIT_PARALLEL_MAX ? undefined : servingEntries(lookups, query.length, budget);
  if (entries === undefined) {
    const short = shortFor(lookups, query.length, budget, prefix);
    return short === undefined ? matchWord(trie, query, budget, prefix, reach) : matchShort(trie, short, query, budget, prefix);
  }
  const whole: WholeMatch[] = [];
  const ranges: PrefixRange[] = [];
  const at = entryCandidates(entries, query, budget);
  if (at.length > 0) walkByBits(trie, query, budget, prefix, reach, query.length - budget, whole, ranges, starts, { entries, at });
  whole.sort((a, b) => a[0] - b[0]);
  return wordMatches(whole, flatten(ranges), outermost(ranges), query);
}

/** matchWord, from the nodes `short` holds (canLookUp). */
function matchShort(trie: Trie, short: ShortWords, query: readonly number[], budget: number, prefix: boolean): WordMatches {
  const whole: WholeMatch[] = [];
  const ranges: PrefixRange[] = [];
  // Pushed in the trie's order, which is the words' ids' order.
  lookUpShort(short, trie, query, budget, prefix, whole, ranges);
  return wordMatches(whole, flatten(ranges), outermost(ranges), query);
}

/**
 * Whether the start of `k` code points within `b` typos can be collected by a walk of the query within `budget` typos
 * from `entries`: its matches are as deep as the entry nodes, and the nodes the query's start picks (within `budget`
 * of its first `depth` ± `budget` letters) include those the start's would (within `b` of as many of its own).
 */
function startsRide(entries: DeletionEntries, budget: number, k: number, b: number): boolean {
  return b <= budget && k - b >= entries.depth;
}

/**
 * matchWord, and the words each start of the query matches whole: `startBudgets[k]` typos for its
 * first k code points (0 < k < its length), or -1 to leave that start out. The left parts of a split word (joins.ts) are
 * the word's starts, and one walk finds them all with the word itself, where a walk per start would
 * go over the trie's upper levels again each time. With `lookups`, the word is walked from the deletion
 * entries that serve it with the starts long enough for them (startsRide), and the other starts apart
 * (startsApart): a start walked from the root with a typo keeps the trie's top levels open as the word would.
 */
export function matchWordAndStarts(
  trie: Trie,
  query: readonly number[],
  budget: number,
  prefix: boolean,
  reach: Int32Array,
  startBudgets: readonly number[],
  lookups?: TypoLookups,
): { matches: WordMatches; starts: (WordMatches | undefined)[] } {
  const lengths: number[] = [];
  for (let k = 1; k < query.length; k++) if ((startBudgets[k] ?? -1) >= 0) lengths.push(k);
  const highest = Math.max(-1, ...lengths.map((k) => startBudgets[k] as number));
  if (query.length > BIT_PARALLEL_MAX || budget > BIT_PARALLEL_MAX_TYPOS || highest > BIT_PARALLEL_MAX_TYPOS) {
    const starts = startBudgets.map((b, k) => (lengths.includes(k) ? matchWord(trie, query.slice(0, k), b, false, reach) : undefined));
    return { matches: matchWord(trie, query, budget, prefix, reach), starts };
  }
  const collected: StartMatches = { lengths, budgets: startBudgets, whole: startBudgets.map(() => []) };
  const entries = servingEntries(lookups, query.length, budget);
  let matches: WordMatches;
  let apart: number[] = [];
  if (entries === undefined) {
    const whole: WholeMatch[] = [];
    const ranges: PrefixRange[] = [];
    walkByBits(trie, query, budget, prefix, reach, query.length - budget, whole, ranges, collected);
    matches = wordMatches(
      whole.sort((a, b) => a[0] - b[0]),
      flatten(ranges),
      outermost(ranges),
      query,
    );
  } else {
    const ride = lengths.filter((k) => startsRide(entries, budget, k, startBudgets[k] as number));
    apart = lengths.filter((k) => !ride.includes(k));
    matches = matchFromEntries(trie, query, budget, prefix, reach, lookups, { ...collected, lengths: ride });
  }
  const looked = startsApart(trie, query, reach, lookups, collected, apart);
  const starts = startBudgets.map((b, k) => {
    if (!lengths.includes(k)) return undefined;
    const known = looked[k];
    if (known !== undefined) return known;
    const found = (collected.whole[k] as WholeMatch[]).sort((x, y) => x[0] - y[0]);
    return wordMatches(found, [], [], query.slice(0, k));
  });
  return { matches, starts };
}

/**
 * The starts `apart` of the query, which the word's walk did not collect: each short one looked up among the short
 * words, then those some deletion entries serve in one walk from them per entries, the rest in one walk from the root.
 * The looked-up starts' matches by k; the walks' go to `collected`.
 */
function startsApart(
  trie: Trie,
  query: readonly number[],
  reach: Int32Array,
  lookups: TypoLookups | undefined,
  collected: StartMatches,
  apart: readonly number[],
): (WordMatches | undefined)[] {
  const looked: (WordMatches | undefined)[] = [];
  let rest = apart;
  const budgetOf = (k: number) => collected.budgets[k] as number;
  for (const k of rest) {
    const short = shortFor(lookups, k, budgetOf(k), false);
    if (short !== undefined) looked[k] = matchShort(trie, short, query.slice(0, k), budgetOf(k), false);
  }
  rest = rest.filter((k) => looked[k] === undefined);
  for (const entries of lookups?.entries ?? []) {
    if (rest.length === 0) break;
    const most = Math.max(...rest.map(budgetOf));
    const ride = rest.filter((k) => budgetOf(k) <= entries.typos && startsRide(entries, most, k, budgetOf(k)));
    if (ride.length === 0) continue;
    const walkBudget = Math.max(...ride.map(budgetOf));
    const at = entryCandidates(entries, query, walkBudget);
    // Walked for the starts alone, no subtree is deep enough for the word (`shortest`), and what it finds of the word is dropped.
    if (at.length > 0)
      walkByBits(trie, query, walkBudget, false, reach, Infinity, [], [], { ...collected, lengths: ride }, { entries, at });
    rest = rest.filter((k) => !ride.includes(k));
  }
  if (rest.length > 0) {
    const most = Math.max(...rest.map(budgetOf));
    walkByBits(trie, query, most, false, reach, Infinity, [], [], { ...collected, lengths: rest });
  }
  return looked;
}
