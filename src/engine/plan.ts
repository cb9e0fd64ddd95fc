import type { SegmentIndex } from './segment-index.js';
import type { CollectionStatistics } from './bm25.js';
import { and, EMPTY, list, range, union, type DocSet } from './doc-set.js';
import { planExtract, type ExtractPlan } from './extract-tier.js';
import { postingsOf, type StringTable } from './index-data.js';
import { MAX_GRAM, MAX_GRAM_LISTS } from './limits.js';
import type { FacetName, MovieQuery } from './search-request.js';
import { encodeUtf8, lookup } from './string-table.js';
import { exclusionCheck, phraseCheck } from './phrases.js';
import { withSynonyms, type WordPlan } from './word-plan.js';
import { planSynonyms } from './synonym-plan.js';
import { Synonyms } from './synonyms.js';

/** Movies that may miss some words of `q` (match-strategy.ts): at least `words - missing` of them matched. */
export interface PartialMatch {
  /** Every movie matching at least `words - missing` words (filters aside). */
  readonly set: DocSet;
  readonly missing: number;
  readonly words: number;
}

/** How a query is answered: sets to intersect, a title to verify, and the words of `q`. */
export interface Plan {
  /** Year span, cast, genre and title n-gram sets; a movie must be in all of them. */
  readonly filters: readonly DocSet[];
  /** Set when n-grams only narrow the title candidates (substrings longer than MAX_GRAM): the UTF-8 bytes to look for. */
  readonly verifyTitle?: Uint8Array;
  /** The words of `q`, in the order typed; empty without `q`. */
  readonly words: readonly WordPlan[];
  /** Set when the answer is partial matches (match-strategy.ts): it then stands for the words' sets. */
  readonly partial?: PartialMatch;
  /** The extract tier's terms (extract-tier.ts), when some extract has a word of `q`. */
  readonly extract?: ExtractPlan;
}

/** What a plan may be given beyond the query; every field has a default. */
export interface PlanOptions {
  /** A facet's own filter, left out (a genre facet ignores `genre`, and so on), so the facet shows the other choices. */
  readonly without?: FacetName;
  /** The query's words as already planned for it (their synonyms included, synonym-plan.ts). */
  readonly planned?: readonly WordPlan[];
  /** The extract tier's statistics: a version of several segments supplies its own (bm25.ts). */
  readonly statistics?: CollectionStatistics;
  readonly synonyms?: Synonyms;
  /** The query's filters as already found for this segment (segment-mask.ts), so the plan looks none of them up. */
  readonly terms?: FilterTerms;
}

/**
 * A request's filters found once for every segment of a version it plans: the title's n-grams and
 * bytes, and, for a delta, each cast name, genre and n-gram as its term id there (-1: the delta lacks it),
 * taken from the version's maps of the deltas' terms instead of a search in each delta's dictionary.
 */
export interface FilterTerms {
  readonly title?: TitleTerms;
  readonly ids?: TermIds;
}

/** The query's cast names, genres and title n-grams (in TitleTerms' order) as one segment's term ids, -1 where it lacks one. */
export interface TermIds {
  readonly cast: readonly number[];
  readonly genres: readonly number[];
  readonly grams: readonly number[];
}

/** A title substring as every segment looks for it: the n-grams its movies all have, the bytes to verify when those only narrow it. */
export interface TitleTerms {
  readonly grams: readonly string[];
  readonly verify?: Uint8Array;
}

export function titleTerms(title: string): TitleTerms {
  const grams = [...titleGrams(title)];
  return title.length > MAX_GRAM ? { grams, verify: encodeUtf8(title) } : { grams };
}

/** A query without words: its plans share one empty list. */
export const NO_WORDS: readonly WordPlan[] = [];

/**
 * Plans a query. A facet's plan (`without`) differs from the query's only in its filters: its words
 * are the query's, planned once (`planned`).
 */
export function planQuery(index: SegmentIndex, query: MovieQuery, options: PlanOptions = {}): Plan {
  const { without, planned, statistics = index.extractStatistics, synonyms = Synonyms.NONE, terms } = options;
  const { data } = index;
  const filters: DocSet[] = [];
  // Planned first, so that a plan that matches nothing still carries them for its facets.
  const q = query.q ?? [];
  const words = planned ?? (q.length === 0 ? NO_WORDS : withSynonyms(index.wordPlanner.planAll(q), planSynonyms(data, synonyms, q)));
  const none = (): Plan => ({ filters: [EMPTY], words });
  const extract = planExtract(data, q, statistics);
  const ids = terms?.ids;

  const ignoresYears = without === 'year' || without === 'decade';
  if (!ignoresYears && (query.year !== undefined || query.yearFrom !== undefined || query.yearTo !== undefined)) {
    const from = Math.max(query.year ?? -Infinity, query.yearFrom ?? -Infinity);
    const to = Math.min(query.year ?? Infinity, query.yearTo ?? Infinity);
    const [lo, hi] = index.yearSpan(from, to);
    if (lo >= hi) return none();
    filters.push(range(lo, hi));
  }
  if (without !== 'cast') {
    for (let i = 0; i < query.cast.length; i++) {
      const id = ids === undefined ? lookup(data.cast.terms, query.cast[i] as string) : (ids.cast[i] as number);
      if (id < 0) return none();
      filters.push(list(postingsOf(data.cast.postings, id)));
    }
  }
  if (without !== 'genre') {
    for (let i = 0; i < query.genres.length; i++) {
      const id = ids === undefined ? lookup(data.genres.terms, query.genres[i] as string) : (ids.genres[i] as number);
      if (id < 0) return none();
      filters.push(list(postingsOf(data.genres.postings, id)));
    }
  }
  let verifyTitle: Uint8Array | undefined;
  if (query.title !== undefined) {
    const title = terms?.title ?? titleTerms(query.title);
    const lists: Int32Array[] = [];
    for (let i = 0; i < title.grams.length; i++) {
      const id = ids === undefined ? lookup(data.grams.terms, title.grams[i] as string) : (ids.grams[i] as number);
      if (id < 0) return none();
      lists.push(postingsOf(data.grams.postings, id));
    }
    lists.sort((a, b) => a.length - b.length);
    for (let i = 0; i < Math.min(lists.length, MAX_GRAM_LISTS); i++) filters.push(list(lists[i] as Int32Array));
    verifyTitle = title.verify;
  }
  if (verifyTitle === undefined && extract === undefined) return { filters, words };
  return { filters, words, ...(verifyTitle === undefined ? {} : { verifyTitle }), ...(extract === undefined ? {} : { extract }) };
}

/** The n-grams a title substring's movies all have in their normalised title: itself when short, else its MAX_GRAM windows. */
export function titleGrams(title: string): Set<string> {
  const grams = new Set<string>();
  if (title.length <= MAX_GRAM) grams.add(title);
  else for (let i = 0; i + MAX_GRAM <= title.length; i++) grams.add(title.slice(i, i + MAX_GRAM));
  return grams;
}

/** Does the normalised title of `rank` contain `needle` (UTF-8)? A byte search: UTF-8 keeps substring matches of code points. */
function titleContains(titles: StringTable, rank: number, needle: Uint8Array): boolean {
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

/**
 * The movies matching every filter and every word of `q` (the title substring is verified separately,
 * see verifier), or matching `q` through their extract.
 */
export function candidateSet(plan: Plan): DocSet {
  return and([...plan.filters, ...titleOrCastWords(plan, plan.extract)]);
}

/**
 * The movies matching every filter and every word of `q` in their title or cast (or enough of them,
 * for partial matches): the tiers above the extract tier.
 */
export function titleOrCastSet(plan: Plan): DocSet {
  return and([...plan.filters, ...titleOrCastWords(plan, undefined)]);
}

/** The words' set, or the partial matches'; with the extract tier's movies added when it is given. */
function titleOrCastWords(plan: Plan, extract: ExtractPlan | undefined): DocSet[] {
  const words = plan.partial ? [plan.partial.set] : plan.words.map((w) => w.any);
  return extract === undefined ? words : [union([and(words), extract.movies])];
}

/** A facet's plan (other filters, the same words) answering at the query's level of partial matches. */
export function withPartial(own: Plan, query: Plan): Plan {
  return query.partial ? { ...own, partial: query.partial } : own;
}

/** A check a movie must also pass, or undefined when the sets say it all. */
export type RankCheck = ((rank: number) => boolean) | undefined;

/**
 * The checks the sets cannot make: the title really contains the substring; the phrases of `q`
 * sit side by side and its excluded words are absent (phrases.ts).
 */
export function verifier(index: SegmentIndex, plan: Plan, query: MovieQuery): RankCheck {
  const checks: ((rank: number) => boolean)[] = [];
  const needle = plan.verifyTitle;
  if (needle !== undefined) {
    const titles = index.data.normalisedTitles;
    checks.push((rank) => titleContains(titles, rank, needle));
  }
  if (query.phrases !== undefined && plan.words.length > 0)
    checks.push(
      phraseCheck(
        index,
        plan.words.map((w) => w.matches),
        query.phrases,
      ),
    );
  if (query.exclude !== undefined) checks.push(exclusionCheck(index, query.exclude));
  if (checks.length === 0) return undefined;
  if (checks.length === 1) return checks[0];
  return (rank) => checks.every((check) => check(rank));
}
