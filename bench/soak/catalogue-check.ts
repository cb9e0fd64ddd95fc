/**
 * The soak's data, read and checked through the public API only: the pool of movies the query mix's
 * answers hold before any update (what update files are made from), and at the end whether every
 * movie the files touched is served as the files, folded in order, say it must be.
 */
import { freshGet } from './observe.js';
import type { ExpectedMovie, MovieFacts } from './updates.js';

interface Item {
  readonly id: string;
  readonly title: string;
  readonly year: number;
  readonly cast?: readonly string[];
  readonly genres?: readonly string[];
}

function items(body: string): Item[] {
  return (JSON.parse(body) as { items: Item[] }).items;
}

/** Runs `work` over `inputs`, `concurrency` at a time, keeping the input order. */
async function eachLimited<T, R>(inputs: readonly T[], concurrency: number, work: (input: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(inputs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < inputs.length) {
        const at = next++;
        out[at] = await work(inputs[at] as T);
      }
    }),
  );
  return out;
}

/** Each distinct path's answer items (as JSON, to compare later), and every movie they hold. */
export interface MixAnswers {
  readonly answers: Map<string, string>;
  readonly pool: MovieFacts[];
}

export async function readMix(base: string, paths: readonly string[]): Promise<MixAnswers> {
  const distinct = [...new Set(paths)];
  const bodies = await eachLimited(distinct, 4, async (path) => {
    const res = await freshGet(base, path);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status} before the soak began: ${res.body.slice(0, 200)}`);
    return res.body;
  });
  const answers = new Map<string, string>();
  const pool = new Map<string, MovieFacts>();
  distinct.forEach((path, i) => {
    const found = items(bodies[i] as string);
    answers.set(path, JSON.stringify(found));
    for (const item of found)
      pool.set(item.id, { id: item.id, title: item.title, year: item.year, cast: item.cast ?? [], genres: item.genres ?? [] });
  });
  return { answers, pool: [...pool.values()] };
}

/** How many of the mix's answers differ from `before`: the updates reached what the load asks for. */
export async function changedAnswers(base: string, before: Map<string, string>): Promise<{ changed: number; of: number }> {
  const paths = [...before.keys()];
  const after = await eachLimited(paths, 4, async (path) => {
    const res = await freshGet(base, path);
    return res.status === 200 ? JSON.stringify(items(res.body)) : `status ${res.status}`;
  });
  return { changed: paths.filter((path, i) => before.get(path) !== after[i]).length, of: paths.length };
}

function sameList(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** What is wrong with the served movie, or undefined when it is as expected. */
async function checkOne(base: string, movie: ExpectedMovie): Promise<string | undefined> {
  const name = `"${movie.title}" (${movie.year})`;
  let served: Item | undefined;
  if (movie.id !== undefined) {
    const res = await freshGet(base, `/v1/movies/${movie.id}`);
    if (movie.deleted) return res.status === 404 ? undefined : `${name} was deleted but /v1/movies/${movie.id} answered ${res.status}`;
    if (res.status !== 200) return `${name}: /v1/movies/${movie.id} answered ${res.status}`;
    served = JSON.parse(res.body) as Item;
  } else {
    const query = new URLSearchParams({ title: movie.title, year: String(movie.year), limit: '100' });
    const res = await freshGet(base, `/v1/movies?${query}`);
    if (res.status !== 200) return `${name}: /v1/movies?${query} answered ${res.status}`;
    const found = items(res.body).filter((item) => item.title === movie.title && item.year === movie.year);
    if (movie.deleted) return found.length === 0 ? undefined : `${name} was deleted but is still served`;
    if (found.length !== 1) return `${name}: ${found.length} movies with that title and year are served, expected 1`;
    served = found[0];
  }
  if (!sameList(served?.cast, movie.cast))
    return `${name}: cast is ${JSON.stringify(served?.cast)}, expected ${JSON.stringify(movie.cast)}`;
  if (!sameList(served?.genres, movie.genres))
    return `${name}: genres are ${JSON.stringify(served?.genres)}, expected ${JSON.stringify(movie.genres)}`;
  return undefined;
}

export interface CatalogueCheck {
  readonly checked: number;
  readonly wrong: readonly string[];
}

/** Every movie the files touched, each on a new connection, so both serving processes are asked. */
export async function checkCatalogue(base: string, expected: Iterable<ExpectedMovie>): Promise<CatalogueCheck> {
  const movies = [...expected];
  const problems = await eachLimited(movies, 4, (movie) => checkOne(base, movie));
  return { checked: movies.length, wrong: problems.filter((p): p is string => p !== undefined) };
}
