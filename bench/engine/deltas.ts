/**
 * The engine over a base plus deltas (issue 17): the shared filter mix and the search mix's `q` against the seed as one segment
 * and as the seed plus 20 deltas of 10–100 changed movies each (new cast and genres, a few deleted,
 * a few new), timed in the same rounds, interleaved, so the two columns share the machine's noise.
 */
import type { Movie } from '../../src/catalogue/movie.js';
import { movieId } from '../../src/catalogue/id.js';
import { CatalogueIndex, type SegmentEntry } from '../../src/engine/catalogue-index.js';
import type { SearchRequest } from '../../src/engine/search-request.js';
import { searchMovies } from '../../src/engine/search.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { engineRequest, engineRequests, timeEach } from '../lib/in-process.js';
import { searchMix } from '../search/search-mix.js';
import { fmt, table } from '../lib/markdown.js';
import { prng } from '../lib/random.js';
import { median, percentile } from '../lib/stats.js';

const DELTAS = 20;

/** The seed's version as base plus DELTAS deltas, each changing 10–100 of its movies (seeded: the same every run). */
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

interface Side {
  readonly p50: number;
  readonly p99: number;
}

function side(samples: number[]): Side {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** The section of docs/performance.md: the mix's filter and `q` requests, 0 and DELTAS deltas side by side, medians of `rounds` rounds. */
export function benchDeltas(index: CatalogueIndex, paths: readonly string[], rounds: number): string {
  const base = index.segments[0]?.index as SegmentIndex;
  const loadStart = process.hrtime.bigint();
  const deltas = withDeltas(base);
  const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;
  const movies = Array.from({ length: base.size }, (_, rank) => base.movie(rank));
  const mixes: [string, SearchRequest[]][] = [
    ['filters (the shared mix)', engineRequests(paths)],
    ['q (the search mix)', searchMix(movies, 1000).map(({ q }) => engineRequest({ q }))],
  ];
  for (const [, mix] of mixes) for (const version of [index, deltas]) timeEach(mix, 2, (r) => searchMovies(version, r));
  const rows = mixes.map(([name, mix]) => {
    const runs = Array.from({ length: rounds }, () => {
      const none = side(timeEach(mix, 3, (r) => searchMovies(index, r)));
      const twenty = side(timeEach(mix, 3, (r) => searchMovies(deltas, r)));
      return { none, twenty };
    });
    const m = (f: (r: { none: Side; twenty: Side }) => number) => median(runs.map(f));
    const none = { p50: m((r) => r.none.p50), p99: m((r) => r.none.p99) };
    const twenty = { p50: m((r) => r.twenty.p50), p99: m((r) => r.twenty.p99) };
    return [
      name,
      String(mix.length),
      fmt(none.p50, 2),
      fmt(twenty.p50, 2),
      `${fmt(twenty.p50 / none.p50, 2)}×`,
      fmt(none.p99, 1),
      fmt(twenty.p99, 1),
      `${fmt(twenty.p99 / none.p99, 2)}×`,
    ];
  });
  return (
    `## Engine over a base plus ${DELTAS} deltas (in process, per query, median of ${rounds} rounds)\n\n` +
    `The seed as one segment, and as the seed plus ${DELTAS} deltas of 10–100 changed movies each ` +
    `(${deltas.segments.reduce((n, s, i) => n + (i > 0 ? s.index.size : 0), 0)} movies in deltas, ` +
    `${deltas.segments.reduce((n, s) => n + s.dead.length, 0)} superseded; building and opening them took ${fmt(loadMs, 0)} ms).\n\n` +
    table(
      [
        'requests',
        'queries',
        'p50 µs, 0 deltas',
        `p50 µs, ${DELTAS} deltas`,
        'p50 ratio',
        'p99 µs, 0 deltas',
        `p99 µs, ${DELTAS} deltas`,
        'p99 ratio',
      ],
      rows,
    ) +
    '\n\nTarget: no slower with deltas present.\n'
  );
}
