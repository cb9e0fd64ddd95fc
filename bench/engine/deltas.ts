/**
 * The engine over a base plus deltas (issue 17): each request class (filters, other orders, `q`,
 * facets, count) against the seed as one segment (and again, a control) and as the seed plus 1, 4 and
 * 20 deltas of 10–100 changed movies each (new cast and genres, a few deleted, a few new), interleaved
 * a block of queries at a time (lib/interleaved.ts), so the columns share the machine's noise, in CPU
 * time per query and wall time per call. Versions of several deltas are read as a serving process
 * reads them, folded into one (engine/delta-fold.ts, each delta folded onto the fold of the version
 * before); the 20 read one by one are a column of their own. Part of `npm run bench:engine`; alone:
 * `node --expose-gc dist/bench/engine/deltas.js`.
 */
import type { Movie } from '../../src/catalogue/movie.js';
import { movieId } from '../../src/catalogue/id.js';
import { CatalogueIndex, type SegmentEntry } from '../../src/engine/catalogue-index.js';
import { foldDeltas, foldedEntries, type DeltaFold } from '../../src/engine/delta-fold.js';
import type { SearchRequest } from '../../src/engine/search-request.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { engineRequest, engineRequests, settle } from '../lib/in-process.js';
import { IsolatedEngine } from '../lib/isolated-engine.js';
import { runIfMain } from '../lib/script.js';
import { benchPaths, loadMovies } from '../lib/workload.js';
import { DELTA_ROUNDS } from '../settings.js';
import { searchMix } from '../search/search-mix.js';
import { fmt, table } from '../lib/markdown.js';
import { prng } from '../lib/random.js';
import { median } from '../lib/stats.js';
import { interleavedRounds, ratioSpread, readingSpread, type RoundReading, type Spread } from '../lib/interleaved.js';

const DELTAS = 20;

/** The seed's version as base plus DELTAS deltas, each changing 10–100 of its movies (seeded: the same every run), read one by one. */
export function withDeltas(base: SegmentIndex, deltas = DELTAS): CatalogueIndex {
  const random = prng(17);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const entries: SegmentEntry[] = [{ index: base, deletes: [] }];
  const genres = base.genreCounts.map((g) => g.genre);
  for (let d = 0; d < deltas; d++) {
    const changed = 10 + Math.floor(random() * 91);
    const puts = new Map<string, Movie>();
    const deletes: string[] = [];
    for (let i = 0; i < changed; i++) {
      const movie = base.movie(Math.floor(random() * base.size));
      const roll = random();
      if (roll < 0.1) deletes.push(movie.id);
      else if (roll < 0.2) {
        const title = `${movie.title} (delta ${d}.${i})`;
        puts.set(title, { ...movie, id: movieId(title, movie.year), title });
      } else
        puts.set(movie.id, {
          ...movie,
          cast: [...movie.cast, pick(movie.cast.length > 0 ? movie.cast : ['New Face'])],
          genres: [pick(genres)],
        });
    }
    entries.push({ index: SegmentIndex.build(`delta-${d}`, [...puts.values()]), deletes });
  }
  return CatalogueIndex.of('bench+deltas', entries);
}

/**
 * The version of `deltas` as a serving process reads it, and what folding cost: the loader folds each
 * new delta onto the fold of the version before (delta-fold.ts), so each version from the second delta
 * on is timed folding its newest delta (CPU ms).
 */
export function served(deltas: CatalogueIndex): { version: CatalogueIndex; foldMs: number[] } {
  const entries = deltas.segments;
  let fold: DeltaFold | undefined;
  const foldMs: number[] = [];
  for (let n = 2; n < entries.length; n++) {
    const start = process.cpuUsage();
    fold = foldDeltas(entries.slice(0, n + 1), fold);
    const used = process.cpuUsage(start);
    foldMs.push((used.user + used.system) / 1000);
  }
  return { version: CatalogueIndex.of(deltas.version, foldedEntries(entries, fold)), foldMs };
}

/**
 * The versions compared: the seed alone, the same version again (a control: its ratio to the first is the
 * bench's own noise), with the first few and all DELTAS deltas as served (folded), and all DELTAS read one by one.
 */
const COLUMNS = [0, 'again', 1, 4, DELTAS, 'unfolded'] as const;
export type Column = (typeof COLUMNS)[number];
const label = (column: Column): string =>
  column === 'unfolded' ? `${DELTAS} one by one` : column === 'again' ? '0 deltas again' : column === 1 ? '1 delta' : `${column} deltas`;

/**
 * The request classes timed: the shared filter mix, and the same paths asking for another order,
 * facets or a count (each class costs its own per-segment work), and the search mix's `q`.
 */
export function requestClasses(paths: readonly string[], movies: readonly Movie[]): [string, SearchRequest[]][] {
  const sample = paths.filter((_, i) => i % 3 === 0);
  const sorts = ['year:asc', 'title:asc', 'title:desc'];
  return [
    ['filters (the shared mix)', engineRequests(paths)],
    ['sorts (year:asc, title:asc, title:desc)', engineRequests(sample.map((p, i) => `${p}&sort=${sorts[i % sorts.length] as string}`))],
    ['q (the search mix)', searchMix(movies, 1000).map(({ q }) => engineRequest({ q }))],
    ['facets (genre, year, cast)', engineRequests(sample.map((p) => `${p}&facets=genre,year,cast`))],
    ['count', engineRequests(sample.map((p) => `${p}&count=true`))],
  ];
}

/** The version a column times, over the seed's `index`. */
export function versionOf(index: CatalogueIndex, column: Column): CatalogueIndex {
  if (column === 0 || column === 'again') return index;
  const deltas = withDeltas(index.segments[0]?.index as SegmentIndex, column === 'unfolded' ? DELTAS : column);
  return column === 'unfolded' ? deltas : served(deltas).version;
}

const ratio = (s: Spread): string => `${fmt(s.median, 2)}× (${fmt(s.low, 2)}–${fmt(s.high, 2)})`;

/**
 * The section of docs/performance.md: each request class over every version of COLUMNS, interleaved a block
 * of queries at a time (lib/interleaved.ts), `rounds` rounds: CPU per query against 0 deltas in the same round
 * (the median round and the lowest and highest), then the wall p50 and p99 per call the same way.
 */
export async function benchDeltas(index: CatalogueIndex, paths: readonly string[], rounds: number): Promise<string> {
  const base = index.segments[0]?.index as SegmentIndex;
  const loadStart = process.hrtime.bigint();
  const deltas = withDeltas(base);
  const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;
  const { foldMs } = served(deltas);
  // A worker per version, as each would be a serving process of its own (lib/isolated-engine.ts), started one at a time.
  const engines: IsolatedEngine[] = [];
  for (const column of COLUMNS) engines.push(await IsolatedEngine.start(new URL('./deltas-worker.js', import.meta.url), { column, paths }));
  const movies = Array.from({ length: base.size }, (_, rank) => base.movie(rank));
  const classes = requestClasses(paths, movies);
  const others = COLUMNS.slice(1).map((_, c) => c + 1);
  const cpuRows: string[][] = [];
  const wallRows: string[][] = [];
  for (const [c, [name, mix]] of classes.entries()) {
    const readings = interleavedRounds(c, mix.length, engines, rounds);
    const none = readingSpread(readings, 0, (r) => r.cpu);
    cpuRows.push([
      name,
      String(mix.length),
      `${fmt(none.median, 2)} (${fmt(none.low, 2)}–${fmt(none.high, 2)})`,
      ...others.map((c) => ratio(ratioSpread(readings, c, 0, (r) => r.cpu))),
    ]);
    const p99 = (r: RoundReading) => r.p99;
    wallRows.push([
      name,
      fmt(readingSpread(readings, 0, (r) => r.p50).median, 2),
      ...others.map((c) => ratio(ratioSpread(readings, c, 0, (r) => r.p50))),
      fmt(readingSpread(readings, 0, p99).median, 1),
      ...others.filter((c) => COLUMNS[c] !== 'again').map((c) => `${fmt(ratioSpread(readings, c, 0, p99).median, 2)}×`),
    ]);
  }
  for (const engine of engines) await engine.close();
  const ratioHeaders = (stat: string, columns: readonly Column[]) => columns.map((n) => `${stat} ratio (${label(n)})`);
  return (
    `## Engine over a base plus ${DELTAS} deltas (in process, per query, ${rounds} rounds, versions interleaved)\n\n` +
    `The seed as one segment, and as the seed plus ${COLUMNS.slice(2, -2).join(', ')} and ${DELTAS} deltas of 10–100 changed movies each ` +
    `(${deltas.segments.reduce((n, s, i) => n + (i > 0 ? s.index.size : 0), 0)} movies in the ${DELTAS} deltas, ` +
    `${deltas.segments.reduce((n, s) => n + s.dead.length, 0)} superseded; building and opening them took ${fmt(loadMs, 0)} ms), ` +
    `read as served, each new delta folded onto the version before's fold (delta-fold.ts: ${fmt(median(foldMs), 1)} ms of CPU ` +
    `a delta at the median, ${fmt(Math.max(...foldMs), 1)} at most, the last ${fmt(foldMs[foldMs.length - 1] ?? 0, 1)}), ` +
    `and the ${DELTAS} read one by one. Every version answers each block of 50 queries in turn, in an order shuffled each turn; ` +
    `per round, CPU µs per query (process.cpuUsage, the least of 3 runs of each block), then wall µs per call in a second pass. A ratio is against 0 deltas in the same round: ` +
    `the median round, then (the lowest–the highest). "0 deltas again" is the seed timed twice: its spread is the noise a ` +
    `difference must clear.\n\n` +
    table(['requests', 'queries', 'CPU µs per query, 0 deltas', ...ratioHeaders('CPU', COLUMNS.slice(1))], cpuRows) +
    `\n\nWall time per call, p50 and p99 of each round's calls (ratios as above; the p99's, the median round only):\n\n` +
    table(
      [
        'requests',
        'p50 µs, 0 deltas',
        ...ratioHeaders('p50', COLUMNS.slice(1)),
        'p99 µs, 0 deltas',
        ...ratioHeaders('p99', COLUMNS.slice(2)),
      ],
      wallRows,
    ) +
    '\n\nTarget: no slower with deltas present.\n'
  );
}

runIfMain(import.meta.url, async () => {
  const index = CatalogueIndex.build('bench', loadMovies());
  await settle();
  return await benchDeltas(index, benchPaths(), DELTA_ROUNDS.read());
});
