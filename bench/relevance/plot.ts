/**
 * The plot set (plot-queries.json): queries about what a film is about, on the 2023 catalogue, whose
 * movies carry an `extract`. cinedex (its extract tier) against MiniSearch and Orama configured at
 * their best for such queries: every word optional (OR), BM25 over title, cast and extract with the
 * title boosted, typos and prefixes allowed, and the same words, stop words and stems cinedex uses,
 * so that they are compared on matching and ranking, not on their tokenizers.
 */
import MiniSearch from 'minisearch';
import { create, insertMultiple, search as oramaSearch } from '@orama/orama';
import type { Movie } from '../../src/catalogue/movie.js';
import { stem } from '../../src/engine/stem.js';
import { isStopWord } from '../../src/engine/stop-words.js';
import { seed2023Path } from '../../test/support/paths.js';
import { fmt, table } from '../lib/markdown.js';
import { runIfMain } from '../lib/script.js';
import { loadMovies } from '../lib/workload.js';
import { PAGE_SIZE, searchWords } from './baselines.js';
import { cinedexContender } from './cinedex.js';
import type { Ranked, Search } from './evaluate.js';
import { runContenders, type Contender, type ContenderResult } from './main.js';
import { loadPlotSet } from './relevance-set.js';

/** The words the baselines index and search: cinedex's extract-tier words (stop words out, Porter 1a–1c stems). */
export function plotTerms(text: string): string[] {
  return searchWords(text)
    .filter((w) => !isStopWord(w))
    .map(stem);
}

/** Documents as both libraries take them: the cast joined, the extract as it is. */
function documents(movies: readonly Movie[]): { id: number; title: string; cast: string; extract: string; year: number }[] {
  return movies.map((m, id) => ({ id, title: m.title, cast: m.cast.join(', '), extract: m.extract ?? '', year: m.year }));
}

/**
 * MiniSearch: OR of the words, BM25 (its default scoring) over title, cast and extract, title boosted
 * over cast over extract, fuzzy 0.2 (an edit per five letters), prefix on the last word.
 */
export function miniSearchPlot(movies: readonly Movie[]): Search {
  const index = new MiniSearch<{ id: number; title: string; cast: string; extract: string; year: number }>({
    fields: ['title', 'cast', 'extract'],
    storeFields: ['title', 'year'],
    tokenize: plotTerms,
    processTerm: (term) => term,
    searchOptions: {
      boost: { title: 3, cast: 2 },
      fuzzy: 0.2,
      prefix: (_term, i, terms) => i === terms.length - 1,
      combineWith: 'OR',
      // cinedex's length normalisation, which suits summaries from one line to a paragraph better than the default 0.7.
      bm25: { k: 1.2, b: 0.3, d: 0.5 },
    },
  });
  index.addAll(documents(movies));
  return (q) =>
    index
      .search(q)
      .slice(0, PAGE_SIZE)
      .map((hit): Ranked => ({ title: hit.title as string, year: hit.year as number }));
}

/**
 * Orama: BM25 over title, cast and extract (cinedex's k1 and b), title boosted, a typo allowed, any
 * word enough (threshold 1). Orama matches every word as a prefix too (`storm` finds Stormswept),
 * which it offers no way to turn off short of `exact`, which requires every word.
 */
export async function oramaPlot(movies: readonly Movie[]): Promise<Search> {
  const db = create({
    schema: { title: 'string', cast: 'string', extract: 'string', year: 'number' } as const,
    components: {
      tokenizer: {
        language: 'english',
        normalizationCache: new Map<string, string>(),
        tokenize: (raw: string) => [...new Set(plotTerms(raw))],
      },
    },
  });
  await insertMultiple(
    db,
    documents(movies).map(({ title, cast, extract, year }) => ({ title, cast, extract, year })),
  );
  return async (q) => {
    const results = await oramaSearch(db, {
      term: q,
      properties: ['title', 'cast', 'extract'],
      tolerance: 1,
      boost: { title: 3, cast: 2 },
      threshold: 1,
      relevance: { k: 1.2, b: 0.3, d: 0.5 },
      limit: PAGE_SIZE,
    });
    return results.hits.map((hit): Ranked => ({ title: hit.document.title, year: hit.document.year }));
  };
}

export const PLOT_CONTENDERS: readonly Contender[] = [
  { name: 'cinedex', build: cinedexContender },
  { name: 'MiniSearch', build: miniSearchPlot },
  { name: 'Orama', build: oramaPlot },
];

export function plotTable(results: readonly ContenderResult[]): string {
  return table(
    ['engine', 'top-1', 'top-3', 'top-10', 'MRR', 'p50 µs', 'p99 µs', 'index build s'],
    results.map(({ name, score, latency, buildSeconds }) => [
      name,
      fmt(score.overall.top1, 3),
      fmt(score.overall.top3, 3),
      fmt(score.outcomes.filter((o) => o.rank !== null).length / score.outcomes.length, 3),
      fmt(score.overall.mrr, 3),
      fmt(latency.p50Us, 0),
      fmt(latency.p99Us, 0),
      fmt(buildSeconds, 2),
    ]),
  );
}

/** Where each contender put the wanted film, for the queries cinedex missed in the top 3. */
export function plotMisses(results: readonly ContenderResult[]): string {
  const queries = results[0]?.score.outcomes.map((o) => o.query) ?? [];
  const rows = queries
    .map((query, i) => ({ query, ranks: results.map((r) => r.score.outcomes[i]?.rank ?? null) }))
    .filter(({ ranks }) => ranks[0] === null || (ranks[0] as number) > 3);
  return table(
    ['query', 'film', ...results.map((r) => r.name)],
    rows.map(({ query, ranks }) => [
      `\`${query.q}\``,
      `${query.expect.title} (${query.expect.year})`,
      ...ranks.map((rank) => (rank === null ? '–' : String(rank))),
    ]),
  );
}

/** The plot set's report as Markdown. */
export async function benchPlotRelevance(contenders: readonly Contender[] = PLOT_CONTENDERS): Promise<string> {
  const queries = loadPlotSet();
  const results = await runContenders(contenders, loadMovies(seed2023Path), queries);
  return [
    `## Plot queries (${queries.length} hand-written, bench/relevance/plot-queries.json, on the 2023 catalogue)\n`,
    plotTable(results),
    '',
    `Rank of the wanted film where ${results[0]?.name ?? 'the first engine'} missed the top 3 (– : not in the top 10):`,
    '',
    plotMisses(results),
    '',
  ].join('\n');
}

runIfMain(import.meta.url, () => benchPlotRelevance());
