/**
 * One ingestion or load scenario, run in its own process so its peak RSS is its own.
 * Prints one JSON line with the measurements.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Movie } from '../src/catalogue/movie.js';
import { movieId } from '../src/catalogue/id.js';
import { runIngestion } from '../src/ingest/ingestion.js';
import { MergeState } from '../src/merge/merge-state.js';
import { loadDataset } from '../src/snapshot/dataset.js';
import { SnapshotRepository } from '../src/snapshot/repository.js';
import { FolderStore } from '../src/store/folder-store.js';
import { benchEngine } from './engine-bench.js';
import { benchPaths, loadMovies, seed2023File } from './workload.js';

const [kind, arg] = process.argv.slice(2);
const log = pino({ level: 'silent' });

function rssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** A catalogue of `size` movies built from the real one: copies get a numbered title, so keys stay distinct. */
function synthetic(size: number): Movie[] {
  const base = loadMovies(seed2023File);
  const out: Movie[] = [];
  for (let copy = 0; out.length < size; copy++) {
    for (const movie of base) {
      if (out.length >= size) break;
      const title = copy === 0 ? movie.title : `${movie.title} (${copy + 1})`;
      out.push({ ...movie, title, id: movieId(title, movie.year) });
    }
  }
  return out;
}

async function seedStore(movies: Movie[]): Promise<{ repository: SnapshotRepository; root: string }> {
  const root = mkdtempSync(join(tmpdir(), 'cinedex-ingest-bench-'));
  const repository = new SnapshotRepository(new FolderStore(join(root, 'store')));
  const state = MergeState.fromMovies(movies);
  await repository.publish({ sequence: 1, basedOn: null, entries: [...state.allEntries()], ledger: [], runs: [] }, [], null, new Date());
  return { repository, root };
}

async function ingest(records: number): Promise<object> {
  const seed = loadMovies();
  const { repository, root } = await seedStore(seed);
  const inbox = join(root, 'inbox', 'bench');
  mkdirSync(inbox, { recursive: true });
  const perFile = 100_000;
  for (let file = 0; file * perFile < records; file++) {
    const batch: object[] = [];
    for (let i = file * perFile; i < Math.min(records, (file + 1) * perFile); i++) {
      const movie = seed[i % seed.length] as Movie;
      // A realistic mix: mostly partial updates of existing movies, some new movies, a few deletions.
      if (i % 10 === 0) batch.push({ title: `New Movie ${i}`, year: 2000 + (i % 25), cast: [`Actor ${i % 5000}`], genres: ['Drama'] });
      else if (i % 50 === 1) batch.push({ title: movie.title, year: movie.year, deleted: true });
      else batch.push({ title: movie.title, year: movie.year, genres: [...movie.genres, `Tag ${i % 7}`] });
    }
    writeFileSync(join(inbox, `part-${String(file).padStart(4, '0')}.json`), JSON.stringify(batch));
  }
  const start = performance.now();
  const outcome = await runIngestion({ repository, inbox: new FolderStore(join(root, 'inbox')), maxObjectBytes: 64 * 2 ** 20, log });
  const seconds = (performance.now() - start) / 1000;
  if (!outcome.published) throw new Error(outcome.reason);
  return { records, seconds, recordsPerSecond: records / seconds, peakRssMiB: rssMiB() };
}

async function load(which: string): Promise<object> {
  const movies = which === 'seed' ? loadMovies() : which === '2023' ? loadMovies(seed2023File) : synthetic(Number(which));
  const { repository } = await seedStore(movies);
  global.gc?.();
  const before = rssMiB();
  const start = performance.now();
  const current = await repository.current();
  if (!current) throw new Error('no pointer');
  const dataset = await loadDataset(repository, current.pointer);
  const seconds = (performance.now() - start) / 1000;
  global.gc?.();
  const engine = benchEngine(dataset.index, benchPaths(), 2);
  return {
    movies: dataset.index.size,
    loadSeconds: seconds,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
    peakRssMiB: rssMiB(),
    rssBeforeMiB: before,
    queryP50Us: engine.p50Us,
    queryP99Us: engine.p99Us,
  };
}

const result = kind === 'ingest' ? await ingest(Number(arg)) : await load(arg as string);
process.stdout.write(JSON.stringify(result) + '\n');
