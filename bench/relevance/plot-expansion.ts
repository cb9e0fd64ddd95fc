/**
 * An experiment, not the product (docs/investigations/plot-search.md):
 * would expanding a plot query with words the catalogue's own extracts associate with its words
 * lift the plot set? Each extract stem is associated with the stems that share extracts with it
 * more often than chance (PMI, damped for small counts), learnt from the ~34k extracts of the 2023
 * catalogue as a segment builder could learn them; a query's extract-tier score then adds each
 * query stem's top associates' BM25, at a weight below the exact words. The expansion only
 * re-ranks movies the query's own stems match, so the tier's match set is unchanged. The title and
 * cast tier is the engine's own; the extract tier is scored here, from the same stems and formulas
 * (bm25.ts), and the first variant must score as `q` does today.
 */
import type { Movie } from '../../src/catalogue/movie.js';
import { words } from '../../src/catalogue/words.js';
import { inverseDocumentFrequency } from '../../src/engine/bm25.js';
import { extractTerms } from '../../src/engine/build/extract-postings.js';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { queryStems } from '../../src/engine/extract-tier.js';
import { BM25_B, BM25_K1 } from '../../src/engine/limits.js';
import { EXTRACT_TIER } from '../../src/engine/relevance-key.js';
import { searchMovies } from '../../src/engine/search.js';
import { seed2023Path } from '../../test/support/paths.js';
import { engineRequest } from '../lib/in-process.js';
import { fmt, table } from '../lib/markdown.js';
import { runIfMain } from '../lib/script.js';
import { loadMovies } from '../lib/workload.js';
import { PAGE_SIZE } from './baselines.js';
import { rates, scoreRelevance, type QueryOutcome, type Ranked } from './evaluate.js';
import { loadPlotSet } from './relevance-set.js';

/** Extracts as term ids: what a segment builder holds while it writes the extract postings. */
export interface Corpus {
  readonly ids: Map<string, number>;
  readonly names: string[];
  /** Per movie rank: its distinct term ids and their frequencies (empty without an extract). */
  readonly docTerms: Int32Array[];
  readonly docFrequencies: Uint16Array[];
  readonly lengths: Float64Array;
  /** Per term id: the ranks whose extract has it, ascending. */
  readonly postings: number[][];
  readonly documents: number;
  readonly averageLength: number;
}

export function corpusOf(index: CatalogueIndex): Corpus {
  const ids = new Map<string, number>();
  const names: string[] = [];
  const postings: number[][] = [];
  const docTerms: Int32Array[] = [];
  const docFrequencies: Uint16Array[] = [];
  const lengths = new Float64Array(index.size);
  let documents = 0;
  let total = 0;
  for (let rank = 0; rank < index.size; rank++) {
    const extract = index.movie(rank).extract;
    const terms = extract === undefined ? [] : extractTerms(extract);
    const counts = new Map<number, number>();
    for (const term of terms) {
      let id = ids.get(term);
      if (id === undefined) {
        id = names.length;
        ids.set(term, id);
        names.push(term);
        postings.push([]);
      }
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    docTerms.push(Int32Array.from(counts.keys()));
    docFrequencies.push(Uint16Array.from(counts.values()));
    for (const id of counts.keys()) (postings[id] as number[]).push(rank);
    if (terms.length > 0) {
      lengths[rank] = terms.length;
      documents++;
      total += terms.length;
    }
  }
  return { ids, names, docTerms, docFrequencies, lengths, postings, documents, averageLength: total / documents };
}

export interface AssociationOptions {
  /**
   * Terms in more extracts than this neither get associates nor are one: their co-occurrences say
   * little, cost the most to count, and as associates their long postings would cost every query.
   */
  readonly maxDocumentFrequency: number;
  /** Extracts two terms must share before they are associated. */
  readonly minShared: number;
  /** Associates kept per term. */
  readonly perTerm: number;
}

/** Per term id, its associates: [term id, weight] by weight, descending. */
type Associations = (readonly (readonly [number, number])[])[];

/**
 * PMI of two terms over extracts, log(n·N / (df_a·df_b)), times n/(n+5) so that a pair seen in two
 * extracts counts for less than one seen in fifty; numbers are never associates (years, runtimes).
 * Counted with one dense counter and the list of what it touched, as a builder would.
 */
function associations(corpus: Corpus, options: AssociationOptions): Associations {
  const { postings, docTerms, names, documents } = corpus;
  const shared = new Int32Array(names.length);
  const touched: number[] = [];
  const isNumber = names.map((n) => /^\d+$/.test(n));
  const out: Associations = [];
  for (let a = 0; a < names.length; a++) {
    const docs = postings[a] as number[];
    if (docs.length < options.minShared || docs.length > options.maxDocumentFrequency) {
      out.push([]);
      continue;
    }
    for (const rank of docs)
      for (const b of docTerms[rank] as Int32Array) {
        if (b === a || isNumber[b] || (postings[b] as number[]).length > options.maxDocumentFrequency) continue;
        if (shared[b] === 0) touched.push(b);
        shared[b] = (shared[b] as number) + 1;
      }
    const scored: [number, number][] = [];
    for (const b of touched) {
      const n = shared[b] as number;
      shared[b] = 0;
      if (n < options.minShared) continue;
      const pmi = Math.log((n * documents) / (docs.length * (postings[b] as number[]).length));
      if (pmi > 0) scored.push([b, (pmi * n) / (n + 5)]);
    }
    touched.length = 0;
    out.push(scored.sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, options.perTerm));
  }
  return out;
}

export interface Scorer {
  /** Extract-tier scores of the movies the stems match, and how many postings were read. */
  scores(stems: readonly string[]): { readonly scores: Map<number, number>; readonly postingsRead: number };
}

/** The extract tier as `q` ranks it (extract-tier.ts): BM25 times the idf covered, then optionally the associates' BM25 added. */
function scorer(corpus: Corpus, expansion?: { readonly associations: Associations; readonly weight: number }): Scorer {
  const { ids, postings, docTerms, docFrequencies, lengths, documents, averageLength } = corpus;
  const idf = (id: number | undefined) => inverseDocumentFrequency(documents, id === undefined ? 0 : (postings[id] as number[]).length);
  const frequency = (id: number, rank: number) => {
    const terms = docTerms[rank] as Int32Array;
    const at = terms.indexOf(id);
    return at < 0 ? 0 : ((docFrequencies[rank] as Uint16Array)[at] as number);
  };
  const termScore = (w: number, f: number, rank: number) =>
    (w * (f * (BM25_K1 + 1))) / (f + BM25_K1 * (1 - BM25_B + (BM25_B * (lengths[rank] as number)) / averageLength));
  return {
    scores(stems) {
      const score = new Map<number, number>();
      const covered = new Map<number, number>();
      let queryIdf = 0;
      let postingsRead = 0;
      const queryIds = new Set<number>();
      for (const s of stems) {
        const id = ids.get(s);
        const w = idf(id);
        queryIdf += w;
        if (id === undefined) continue;
        queryIds.add(id);
        for (const rank of postings[id] as number[]) {
          score.set(rank, (score.get(rank) ?? 0) + termScore(w, frequency(id, rank), rank));
          covered.set(rank, (covered.get(rank) ?? 0) + w);
        }
        postingsRead += (postings[id] as number[]).length;
      }
      for (const [rank, s] of score) score.set(rank, (s * (covered.get(rank) as number)) / queryIdf);
      if (expansion === undefined) return { scores: score, postingsRead };
      // Each query stem's associates share its weight by their association; an associate of two stems adds both shares.
      const weights = new Map<number, number>();
      for (const a of queryIds) {
        const associates = (expansion.associations[a] ?? []).filter(([b]) => !queryIds.has(b));
        const sum = associates.reduce((total, [, w]) => total + w, 0);
        for (const [b, w] of associates) weights.set(b, (weights.get(b) ?? 0) + (expansion.weight * w) / sum);
      }
      for (const [b, weight] of weights) {
        const w = idf(b);
        for (const rank of postings[b] as number[]) {
          const s = score.get(rank);
          if (s !== undefined) score.set(rank, s + weight * termScore(w, frequency(b, rank), rank));
        }
        postingsRead += (postings[b] as number[]).length;
      }
      return { scores: score, postingsRead };
    },
  };
}

/** A first page: the engine's title and cast matches, then the extract tier as `scorer` ranks it. */
export function searchWith(index: CatalogueIndex, extract: Scorer, read: { postings: number }) {
  return (q: string): Ranked[] => {
    const page = searchMovies(index, engineRequest({ q, limit: String(PAGE_SIZE) }));
    const above = page.ranks.filter((_, i) => (page.relevance?.[i] as number) < EXTRACT_TIER);
    const { scores, postingsRead } = extract.scores(queryStems(words(q)));
    read.postings += postingsRead;
    const tier = [...scores]
      .filter(([rank]) => !above.includes(rank))
      .sort((x, y) => y[1] - x[1] || x[0] - y[0])
      .map(([rank]) => rank);
    return [...above, ...tier].slice(0, PAGE_SIZE).map((rank) => ({ title: index.movie(rank).title, year: index.movie(rank).year }));
  };
}

/** top-1 / top-3 / top-10 counts of some outcomes. */
export function counts(outcomes: readonly QueryOutcome[]): string {
  const within = (k: number) => outcomes.filter((o) => o.rank !== null && o.rank <= k).length;
  return `${within(1)} / ${within(3)} / ${within(10)}`;
}

export async function benchPlotExpansion(movies: readonly Movie[] = loadMovies(seed2023Path)): Promise<string> {
  const queries = loadPlotSet();
  const index = CatalogueIndex.build('plot-expansion', movies);
  const corpus = corpusOf(index);
  const options: AssociationOptions = { maxDocumentFrequency: 3000, minShared: 2, perTerm: 3 };
  const cpu = process.cpuUsage();
  const associated = associations(corpus, options);
  const { user, system } = process.cpuUsage(cpu);
  const pairs = associated.reduce((n, a) => n + a.length, 0);
  const variants = [
    { name: 'BM25 × idf covered (as `q` ranks today)', scorer: scorer(corpus) },
    ...[0.1, 0.2, 0.3].map((weight) => ({
      name: `+ associates at ${weight}`,
      scorer: scorer(corpus, { associations: associated, weight }),
    })),
  ];
  const rows: string[][] = [];
  let basePostings = 0;
  let baseOutcomes: readonly QueryOutcome[] = [];
  const moved: string[][] = [];
  for (const variant of variants) {
    const read = { postings: 0 };
    const { outcomes } = await scoreRelevance(queries, searchWith(index, variant.scorer, read));
    basePostings ||= read.postings;
    if (baseOutcomes.length === 0) baseOutcomes = outcomes;
    outcomes.forEach((o, i) => {
      const before = baseOutcomes[i]?.rank ?? null;
      if (o.rank !== before) moved.push([variant.name, `\`${o.query.q}\``, String(before ?? '–'), String(o.rank ?? '–')]);
    });
    const r = rates(outcomes);
    rows.push([
      variant.name,
      fmt(r.top1, 3),
      fmt(r.top3, 3),
      fmt(outcomes.filter((o) => o.rank !== null).length / outcomes.length, 3),
      fmt(r.mrr, 3),
      counts(outcomes.filter((_, i) => i % 2 === 0)),
      counts(outcomes.filter((_, i) => i % 2 === 1)),
      fmt(read.postings / basePostings, 2),
    ]);
  }
  return [
    `## Plot queries with associated words (${queries.length} queries, an experiment: bench/relevance/plot-expansion.ts)\n`,
    `Associations: ${corpus.names.length} stems, ${pairs} associate pairs kept (${options.perTerm} per stem at most,`,
    `df ≤ ${options.maxDocumentFrequency}, shared by ≥ ${options.minShared} extracts), learnt in`,
    `${fmt((user + system) / 1e6, 2)} s of CPU; as a segment section (term id and weight, 4 bytes each) about`,
    `${fmt((pairs * 8 + corpus.names.length * 4) / 2 ** 20, 2)} MiB.\n`,
    `Associates of some query words: ${['cub', 'uncle', 'cowboy', 'ranger', 'robbers', 'defect', 'iceberg']
      .map((w) => {
        const id = corpus.ids.get(extractTerms(w)[0] as string);
        const names = id === undefined ? [] : (associated[id] ?? []).map(([b]) => corpus.names[b] as string);
        return `${w} → ${names.join(', ') || '–'}`;
      })
      .join('; ')}.\n`,
    table(['extract tier', 'top-1', 'top-3', 'top-10', 'MRR', 'odd queries 1/3/10', 'even queries 1/3/10', 'postings read × base'], rows),
    '',
    'Queries whose film moved (– : not in the top 10):',
    '',
    table(['extract tier', 'query', 'before', 'after'], moved),
    '',
  ].join('\n');
}

runIfMain(import.meta.url, () => benchPlotExpansion());
