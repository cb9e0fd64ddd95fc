import { ByteLru } from '../cache/byte-lru.js';
import { codePoints } from '../catalogue/words.js';
import { EMPTY, list, union, type DocSet } from './doc-set.js';
import type { IndexData } from './index-data.js';
import { adjacentWords, type AdjacentWords } from './adjacent-words.js';
import { trieReach } from './trie-walk.js';
import { matchFromEntries, matchWordAndStarts } from './word-lookup.js';
import { planSplit, splitStarts, type SplitMatch } from './joins.js';
import { servingEntries, typoLookups, type TypoLookups } from './typo-lookups.js';
import { postingsSets } from './word-postings.js';
import { EQUIVALENT_TYPOS } from './limits.js';
import { numberEquivalents } from './numbers.js';
import { lookup } from './string-table.js';
import { mergeMatches, typoBudget, wholeMatches, type WordMatches } from './word-match.js';
import { synonymCost, type SynonymMatch } from './synonym-plan.js';

/** What the ranking reads of one word of `q`: the single words it matches, and two adjacent words. */
export interface QueryWord {
  /** The words it matches as typed, by a number's other spelling, and joined with a neighbour (joins.ts). */
  readonly matches: WordMatches;
  /** The word as two adjacent words (`ironman`: Iron Man), when some movie has them. */
  readonly split?: SplitMatch;
  /** The words this word joined with the next one matches (`bat man`: Batman): the two then sit side by side. */
  readonly joinNext?: WordMatches;
  /** The operator's synonyms read for a run of words holding this one (synonym-plan.ts). */
  readonly synonyms?: readonly SynonymMatch[];
}

/** One word of `q`: how it matches, and the movies it matches. */
export interface WordPlan extends QueryWord {
  /** Movies with a matching word in the title. */
  readonly title: DocSet;
  /** Movies with a matching word in the title or a cast name. */
  readonly any: DocSet;
}

/**
 * The words of `q` one index version has planned (typo lookup and postings), by word and whether it
 * was the last (prefix) word. A word's plan depends on the index alone, and the same words come back
 * keystroke after keystroke and user after user; the trie walk of a long word with two typos is
 * most of such a query's time. Bounded by bytes; gone with the version.
 */
export class WordPlanner {
  readonly plans: ByteLru<WordPlan>;
  /**
   * Whole queries of several words, joins merged in: merging costs more than finding the words'
   * plans, and a version of several segments plans every query once per segment. A share of the
   * bound, since a query's plan mostly holds its words' plans, which `plans` accounts for.
   */
  private readonly queries: ByteLru<readonly WordPlan[]>;
  private reachMemo: Int32Array | undefined;
  /** Where walks with typos start, and the short words (typo-lookups.ts): derived from the trie with `reachMemo`. */
  private lookupsMemo: TypoLookups | undefined;
  /** Which words sit side by side (adjacent-words.ts), for split words: derived on the version's first `q` too. */
  private adjacencyMemo: AdjacentWords | undefined;

  constructor(
    private readonly data: IndexData,
    cacheBytes: number,
  ) {
    this.plans = new ByteLru(cacheBytes);
    this.queries = new ByteLru(cacheBytes / 4);
  }

  /** The plan of one word of `q`; the last word also matches as a prefix: search as you type. */
  plan(word: string, last: boolean): WordPlan {
    const key = last ? `p${word}` : `w${word}`;
    const cached = this.plans.get(key);
    if (cached !== undefined) return cached;
    const { plan } = planWord(this.data, word, last, this.derived());
    this.plans.set(key, plan, wordPlanBytes(plan));
    return plan;
  }

  /** The words of `q` planned together: each word also matches joined with its neighbours (joins.ts). */
  planAll(words: readonly string[]): readonly WordPlan[] {
    if (words.length < 2) return words.map((word) => this.plan(word, true));
    const key = words.join('\u0000');
    const cached = this.queries.get(key);
    if (cached !== undefined) return cached;
    const own: WordPlan[] = [];
    const joins: (WordPlan | undefined)[] = [];
    words.forEach((word, i) => {
      const next = words[i + 1];
      if (next === undefined) own.push(this.plan(word, true));
      else {
        const [plan, join] = this.planWithNext(word, next, i + 1 === words.length - 1);
        own.push(plan);
        joins.push(join);
      }
    });
    const plans = own.map((plan, i) => withJoins(plan, joins[i - 1], joins[i]));
    this.queries.set(
      key,
      plans,
      plans.reduce((n, plan) => n + wordPlanBytes(plan), 0),
    );
    return plans;
  }

  /**
   * A word that is not the last one, and the word joined with the next (`bat man`: batman), or
   * undefined when no word matches that. A join is looked up for every pair of adjacent words, and
   * almost never matches. One long enough for the deletion entries is walked from them, a few small
   * subtrees; otherwise the word is the start of the joined form, so when neither is known one walk
   * of the joined form finds both (matchWordAndStarts).
   */
  private planWithNext(word: string, next: string, nextLast: boolean): [WordPlan, WordPlan | undefined] {
    const key = `w${word}`;
    const joinKey = `${nextLast ? 'J' : 'j'}${word}\u0000${next}`;
    const known = this.plans.get(key);
    const knownJoin = this.plans.get(joinKey);
    const derived = this.derived();
    const { reach, lookups } = derived;
    let plan = known;
    let join = knownJoin;
    if (known === undefined && knownJoin === undefined) {
      const walked = planWord(this.data, word, false, derived, { word: next, last: nextLast });
      plan = walked.plan;
      join = this.joinPlan(joinKey, walked.joined as WordMatches);
      this.plans.set(key, plan, wordPlanBytes(plan));
    }
    plan ??= this.plan(word, false);
    join ??= this.joinPlan(
      joinKey,
      matchFromEntries(this.data.words.trie, codePoints(word + next), joinBudget(word, next), nextLast, reach, lookups),
    );
    return [plan, join.matches.fewestTypos === Infinity ? undefined : join];
  }

  /**
   * What the walks and splits read beside the segment, derived on the first `q` of this version: how deep the trie goes
   * below each node (trieReach), where walks with typos start and the short words (typo-lookups.ts), which words sit
   * side by side.
   */
  private derived(): Derived {
    this.reachMemo ??= trieReach(this.data.words.trie);
    this.lookupsMemo ??= typoLookups(this.data.words.trie);
    this.adjacencyMemo ??= adjacentWords(this.data);
    return { reach: this.reachMemo, lookups: this.lookupsMemo, adjacency: this.adjacencyMemo };
  }

  /** The plan of two words joined, from what the joined form matches; kept even when that is nothing. */
  private joinPlan(key: string, matches: WordMatches): WordPlan {
    const { title, cast } = postingsSets(this.data, matches);
    const plan: WordPlan = { matches, title, any: union([title, cast]) };
    this.plans.set(key, plan, wordPlanBytes(plan));
    return plan;
  }
}

/** What WordPlanner derives from a segment for its plans. */
interface Derived {
  readonly reach: Int32Array;
  readonly lookups: TypoLookups;
  readonly adjacency: AdjacentWords;
}

/** A word's plan; with `next`, walked as the start of the word joined with the next one, whose matches come with it. */
function planWord(
  data: IndexData,
  word: string,
  last: boolean,
  { reach, lookups, adjacency }: Derived,
  next?: { word: string; last: boolean },
): { plan: WordPlan; joined?: WordMatches } {
  const points = codePoints(word);
  const cuts = splitStarts(data, points, last, reach, lookups);
  const budget = typoBudget(points.length);
  let typed: WordMatches;
  let starts: readonly (WordMatches | undefined)[];
  let joined: WordMatches | undefined;
  const both = next === undefined ? [] : codePoints(word + next.word);
  const joinTypos = next === undefined ? 0 : joinBudget(word, next.word);
  if (next === undefined || servingEntries(lookups, both.length, joinTypos) !== undefined) {
    // A join the entries serve is walked from them: the word's own walk, with fewer typos or from the entries too, then stays small.
    ({ matches: typed, starts } = matchWordAndStarts(data.words.trie, points, budget, last, reach, cuts.budgets, lookups));
    if (next !== undefined) joined = matchFromEntries(data.words.trie, both, joinTypos, next.last, reach, lookups);
  } else {
    // The word itself is the joined form's start of its own length, matched whole with the word's budget.
    const startBudgets = Array.from({ length: points.length + 1 }, (_, k) => (k === points.length ? budget : (cuts.budgets[k] ?? -1)));
    const walk = matchWordAndStarts(data.words.trie, both, joinTypos, next.last, reach, startBudgets);
    typed = walk.starts[points.length] as WordMatches;
    starts = walk.starts;
    joined = walk.matches;
  }
  const forms = numberEquivalents(word)
    .map((form) => lookup(data.words.words, form))
    .filter((id) => id >= 0);
  const matches = forms.length === 0 ? typed : mergeMatches(typed, wholeMatches(forms, 0, points), EQUIVALENT_TYPOS);
  const own = postingsSets(data, matches);
  const split = planSplit(data, points, last, reach, lookups, starts, cuts, adjacency);
  const title = split === undefined ? own.title : union([own.title, split.title]);
  const plan: WordPlan =
    split === undefined
      ? { matches, title, any: union([title, own.cast]) }
      : { matches, split: split.split, title, any: union([title, own.cast, split.cast]) };
  return joined === undefined ? { plan } : { plan, joined };
}

/**
 * Typos of two words joined: the joined form's by its length, but fewer than the shorter word has
 * characters, so that a join never drops a whole word (`superman 2` is not Superman less the `2`).
 */
export function joinBudget(left: string, right: string): number {
  const a = codePoints(left).length;
  const b = codePoints(right).length;
  return Math.min(typoBudget(a + b), Math.min(a, b) - 1);
}

/** The word as typed, and joined with the previous and the next word: each of the two words joined counts EQUIVALENT_TYPOS more. */
function withJoins(plan: WordPlan, previous: WordPlan | undefined, next: WordPlan | undefined): WordPlan {
  if (previous === undefined && next === undefined) return plan;
  let matches = plan.matches;
  if (previous !== undefined) matches = mergeMatches(matches, previous.matches, EQUIVALENT_TYPOS);
  if (next !== undefined) matches = mergeMatches(matches, next.matches, EQUIVALENT_TYPOS);
  const title = union([plan.title, previous?.title ?? EMPTY, next?.title ?? EMPTY]);
  return {
    matches,
    ...(plan.split ? { split: plan.split } : {}),
    ...(next ? { joinNext: next.matches } : {}),
    title,
    any: union([plan.any, previous?.any ?? EMPTY, next?.any ?? EMPTY]),
  };
}

/**
 * What a cached plan holds on to: the arrays it owns. Postings read straight from the index are
 * views of the index's own buffer and cost nothing more; unions it built own their buffer.
 */
function wordPlanBytes(plan: WordPlan): number {
  const matchBytes = (m: WordMatches) =>
    256 + m.wholeIds.byteLength * 2 + m.prefixLo.byteLength * 3 + m.prefixNodes.length * 8 + m.typed.length * 8;
  let bytes = matchBytes(plan.matches);
  if (plan.split) {
    for (const cut of plan.split.cuts) bytes += matchBytes(cut.left) + matchBytes(cut.right);
    bytes += plan.split.castRanks.byteLength + plan.split.castTypos.byteLength + plan.split.titleTypos.byteLength;
  }
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

/**
 * The words of `q` with their synonyms: a word of a run is also matched by the movies where the
 * run's synonym is, an alternative to its own matches (an OR), which is all the sets need to know;
 * the word keeps the synonyms covering it for the ranking and the highlights.
 */
export function withSynonyms(words: readonly WordPlan[], matches: readonly SynonymMatch[]): WordPlan[] {
  if (matches.length === 0) return [...words];
  return words.map((word, i) => {
    const covering = matches.filter((m) => synonymCost(m, i) !== undefined);
    if (covering.length === 0) return word;
    const title = union([word.title, ...covering.map((m) => list(m.title))]);
    const any = union([word.any, title, ...covering.map((m) => (m.cast.length === 0 ? EMPTY : list(m.cast)))]);
    return { ...word, title, any, synonyms: covering };
  });
}
