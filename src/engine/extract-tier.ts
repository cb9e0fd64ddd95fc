import { wordSpans } from '../catalogue/words.js';
import { coveredScore, inverseDocumentFrequency, termScore, termScoreBound, type CollectionStatistics } from './bm25.js';
import { bitmap, bitmapMembers, countBits, hasBit, setBit } from './bits.js';
import { cursor, members, unionOfLists, type DocSet } from './doc-set.js';
import { postingsLength, type ExtractIndex, type IndexData } from './index-data.js';
import { EXTRACT_BROAD_SHARE } from './limits.js';
import { extractKey } from './relevance-key.js';
import { gallop } from './sorted.js';
import { stem } from './stem.js';
import { isStopWord } from './stop-words.js';
import { lookup } from './string-table.js';

/**
 * The extract tier of `q`: a movie whose title and cast do not match every word of `q` still
 * matches when its extract (the plot summary the 2023 data carries) has at least one of the query's
 * words, stop words left out (stop-words.ts) and both sides lightly stemmed (stem.ts). Such a movie
 * ranks after every title or cast match, by BM25 over its extract times the share of the query's
 * idf its extract covers (bm25.ts). Movies without an
 * extract never enter it, so a catalogue without extracts answers as it did before the tier.
 */

/** A stem of the query that some extract has, with what BM25 reads about it. */
export interface ExtractTerm {
  readonly stem: string;
  /** The movies whose extract has it, ascending, and how often each has it. */
  readonly postings: Int32Array;
  readonly frequencies: Uint8Array;
  readonly idf: number;
}

export interface ExtractPlan {
  /** The query's stems the index has, each once, in the order typed. */
  readonly terms: readonly ExtractTerm[];
  /** The idf of every stem of the query, those no extract has included: what a movie's covered idf is a share of. */
  readonly queryIdf: number;
  /** Every stem of the query: what highlights mark in an extract. */
  readonly stems: ReadonlySet<string>;
  /** The movies whose extract has at least one of the terms. */
  readonly movies: DocSet;
  readonly lengths: Uint16Array;
  readonly averageLength: number;
  /** Extracts in the collection: what makes a term broad (limits.ts, EXTRACT_BROAD_SHARE). */
  readonly documents: number;
}

/** The stems the extract tier looks for: the query's words less the stop words, stemmed, each once. */
export function queryStems(words: readonly string[]): string[] {
  const stems = new Set<string>();
  for (const word of words) if (!isStopWord(word)) stems.add(stem(word));
  return [...stems];
}

/** One segment's own statistics: right for a catalogue of one segment; a catalogue of several supplies its own (bm25.ts). */
export function segmentStatistics(extract: ExtractIndex): CollectionStatistics {
  return {
    documents: extract.documents,
    averageLength: extract.documents === 0 ? 0 : extract.totalLength / extract.documents,
    documentFrequency: (term) => {
      const id = lookup(extract.terms, term);
      return id < 0 ? 0 : postingsLength(extract.postings, id);
    },
  };
}

/** The extract tier's plan for the words of `q`, or undefined when no extract can match them. */
export function planExtract(data: IndexData, words: readonly string[], statistics: CollectionStatistics): ExtractPlan | undefined {
  const { extract } = data;
  if (extract.documents === 0 || words.length === 0) return undefined;
  const stems = queryStems(words);
  const terms: ExtractTerm[] = [];
  let queryIdf = 0;
  for (const s of stems) {
    const idf = inverseDocumentFrequency(statistics.documents, statistics.documentFrequency(s));
    queryIdf += idf;
    const id = lookup(extract.terms, s);
    if (id < 0) continue;
    const from = extract.postings.offsets[id] as number;
    const to = extract.postings.offsets[id + 1] as number;
    terms.push({
      stem: s,
      postings: extract.postings.values.subarray(from, to),
      frequencies: extract.frequencies.subarray(from, to),
      idf,
    });
  }
  if (terms.length === 0) return undefined;
  // The union is read by counts, facets and the other orders; a page in relevance order scores term by term without it.
  let movies: DocSet | undefined;
  return {
    terms,
    queryIdf,
    stems: new Set(stems),
    get movies(): DocSet {
      return (movies ??= unionOfLists(
        terms.map((t) => t.postings),
        data.size,
      ));
    },
    lengths: extract.lengths,
    averageLength: statistics.averageLength,
    documents: statistics.documents,
  };
}

/**
 * Scores accumulated term by term, one slot per movie, and a bit per movie touched (and one per
 * movie already visited), reused from query to query (the engine is synchronous: one query at a
 * time uses them); a query clears what it touched.
 */
let scores: Float64Array = new Float64Array(0);
let covered: Float64Array = new Float64Array(0);
let touched: Uint32Array = new Uint32Array(0);
let visited: Uint32Array = new Uint32Array(0);

/**
 * Visits each movie that has a term of the plan, is in `filters` and not in `excluded` (the title
 * and cast matches, which rank in the tiers above), with its extract-tier key, each once. Each
 * movie's score and covered idf add its terms in the order typed, so a score is the same float
 * however the movies are reached. `admissible` says the largest key the page can still take
 * (Infinity while it has room).
 *
 * Term at a time: a word in many extracts costs one pass over its postings rather than a seek per
 * movie. A broad word (limits.ts) costs that pass even when only movies with rarer words can make
 * the page, so when the query has both, the movies with a rarer word are visited first, each scored
 * with every term (a broad word's frequency found by galloping along its postings); the movies
 * with only broad words are then read only if the most such a movie could score still makes the
 * page, the bound of MaxScore (Turtle and Flood, 1995).
 */
export function visitExtractMatches(
  plan: ExtractPlan,
  filters: DocSet,
  excluded: DocSet,
  size: number,
  visit: (rank: number, key: number) => void,
  admissible: () => number = () => Infinity,
): void {
  const { terms, documents } = plan;
  if (scores.length < size) {
    scores = new Float64Array(size);
    covered = new Float64Array(size);
    touched = bitmap(size);
    visited = bitmap(size);
  }
  const target: WalkTarget = { filters, above: members(excluded), size, visit, admissible };
  const isBroad = terms.map((t) => t.postings.length > documents * EXTRACT_BROAD_SHARE);
  const broad = terms.filter((_, i) => isBroad[i]);
  if (broad.length === 0 || broad.length === terms.length) {
    accumulate(plan, terms, undefined);
    walk(plan, target);
    return;
  }
  visitWithRarerTerms(plan, isBroad, target);
  let bound = 0;
  let broadIdf = 0;
  for (const t of broad) {
    bound += termScoreBound(t.idf);
    broadIdf += t.idf;
  }
  if (extractKey(coveredScore(bound, broadIdf, plan.queryIdf)) <= admissible()) {
    accumulate(plan, broad, visited);
    walk(plan, target);
  }
  visited.fill(0);
}

/** Adds the terms' scores and idf to the movies of their postings, less the movies `skip` marks. */
function accumulate(plan: ExtractPlan, terms: readonly ExtractTerm[], skip: Uint32Array | undefined): void {
  const { lengths, averageLength } = plan;
  for (const term of terms) {
    const { postings, frequencies, idf } = term;
    for (let p = 0; p < postings.length; p++) {
      const r = postings[p] as number;
      if (skip !== undefined && hasBit(skip, r)) continue;
      setBit(touched, r);
      scores[r] = (scores[r] as number) + termScore(idf, frequencies[p] as number, lengths[r] as number, averageLength);
      covered[r] = (covered[r] as number) + idf;
    }
  }
}

/** What a walk visits and where: the request's filters, the title and cast matches (ascending) it leaves to the tiers above. */
interface WalkTarget {
  readonly filters: DocSet;
  readonly above: Int32Array;
  readonly size: number;
  readonly visit: (rank: number, key: number) => void;
  /** The largest key the page can still take: it only falls. */
  readonly admissible: () => number;
}

/**
 * Visits the touched movies in `filters` and not in `above` (ascending) in rank order with their
 * keys, clearing what accumulate left. Title and cast matches are few next to a broad word's
 * movies: a walk along their list beats a seek per movie. A movie whose key is past what the page
 * can still take is passed by unvisited: once the page is full that is most of a common word's
 * movies, and each visit costs a call and a heap comparison. The bound only falls, so reading it
 * once per 32 ranks passes by fewer movies than it could, never one the page would take.
 */
function walk(plan: ExtractPlan, { filters, above, size, visit, admissible }: WalkTarget): void {
  let a = 0;
  // The whole segment, not any range from 0: a filter no movie of a segment passes (a delta with no movie of the years
  // asked for) is the empty range [0, 0), and was read as everything.
  const everything = filters.kind === 'range' && filters.lo === 0 && filters.hi >= size;
  const inFilters = cursor(filters);
  for (let w = 0; w < touched.length; w++) {
    let bits = touched[w] as number;
    if (bits === 0) continue;
    touched[w] = 0;
    const most = admissible();
    while (bits !== 0) {
      const low = bits & -bits;
      bits ^= low;
      const r = (w << 5) + (31 - Math.clz32(low));
      const key = extractKey(coveredScore(scores[r] as number, covered[r] as number, plan.queryIdf));
      scores[r] = 0;
      covered[r] = 0;
      if (key > most) continue;
      while (a < above.length && (above[a] as number) < r) a++;
      if (a < above.length && above[a] === r) continue;
      if (!everything && inFilters.seek(r) !== r) continue;
      visit(r, key);
    }
  }
}

/**
 * Visits the movies that have one of the rarer terms, each scored with every term of the plan in the
 * order typed, and marks them visited: a rarer term adds along its postings, a broad one is looked
 * up for each of those movies, galloping forward along its postings as the movies ascend.
 */
function visitWithRarerTerms(plan: ExtractPlan, isBroad: readonly boolean[], target: WalkTarget): void {
  const { terms, lengths, averageLength } = plan;
  terms.forEach((term, t) => {
    if (!isBroad[t]) for (const r of term.postings) setBit(visited, r);
  });
  const found = bitmapMembers(visited, countBits(visited));
  terms.forEach((term, t) => {
    if (!isBroad[t]) {
      accumulate(plan, [term], undefined);
      return;
    }
    const { postings, frequencies, idf } = term;
    let p = 0;
    for (const r of found) {
      p = gallop(postings, p, r);
      if (p === postings.length) break;
      if (postings[p] !== r) continue;
      setBit(touched, r);
      scores[r] = (scores[r] as number) + termScore(idf, frequencies[p] as number, lengths[r] as number, averageLength);
      covered[r] = (covered[r] as number) + idf;
    }
  });
  walk(plan, target);
}

/** Where the stems of `q` occur in an extract: UTF-16 ranges of its words, as the title's and cast's highlights are. */
export function extractMarks(extract: string, stems: ReadonlySet<string>): (readonly [number, number])[] {
  const out: (readonly [number, number])[] = [];
  for (const span of wordSpans(extract)) if (!isStopWord(span.word) && stems.has(stem(span.word))) out.push([span.start, span.end]);
  return out;
}
