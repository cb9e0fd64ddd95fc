import { idOfKey } from '../catalogue/id.js';
import { movieKey } from '../catalogue/normalise.js';
import { compareMovies, movieJson, type Movie, type MovieRecord } from '../catalogue/movie.js';
import { StringPool, validateRecord } from '../catalogue/validate.js';
import { SAMPLE_MOVIES, type MovieRow, type SortedMovies } from '../engine/build/build-index.js';
import { seedStateLine } from '../snapshot/state-bucket.js';
import type { CatalogueSource } from '../snapshot/write-version.js';

export interface RejectedRecord {
  /** Position in the source array. */
  readonly index: number;
  readonly reason: string;
}

export interface SeedCatalogue {
  readonly movies: Movie[];
  /** Each movie's merge key, by position in `movies` (the seed's state entries carry it). */
  readonly keys: string[];
  readonly rejected: RejectedRecord[];
}

/** Turns the parsed seed array into movies, in the array's order (SeedMovies says how). */
export function catalogueFromSeed(records: readonly unknown[]): SeedCatalogue {
  const seed = new SeedMovies();
  for (const record of records) seed.add(record);
  const movies = seed.finish().inOrder();
  return { movies, keys: movies.map((m) => movieKey(m.title, m.year)), rejected: seed.rejected };
}

/** Bytes per block of the movies' text: large enough that blocks are few, small beside a large catalogue. */
const BLOCK_BYTES = 16 * 2 ** 20;

/**
 * The seed's movies as they are read, kept compact: each movie's values as JSON text in large blocks
 * of bytes, its year, title and id in flat arrays, never an object per movie (at ten million movies
 * those are most of the memory a seed needs). Invalid records are reported and skipped; records
 * sharing a key are all kept, each with its own stable id by order of appearance (occurrence k of
 * a key has idOfKey(key, k)), and the first lists the others as its siblings.
 *
 * `finish` settles the ids; the catalogue is then handed to the writer a state bucket at a time and
 * as movies in catalogue order (CatalogueSource): a bucket's lines are made from the text as it is
 * (seedStateLine), a movie for the index is parsed back from it as it is needed.
 */
export class SeedMovies {
  readonly rejected: RejectedRecord[] = [];
  private text = new TextBlocks();
  private titles: string[] = [];
  private years = new Uint16Array(1024);
  private idHigh = new Uint32Array(1024);
  private idLow = new Uint32Array(1024);
  private read = 0;
  private size = 0;

  /** The next record of the seed array. */
  add(raw: unknown): void {
    const index = this.read++;
    const result = validateRecord(raw);
    if (!result.ok) {
      this.rejected.push({ index, reason: result.reason });
      return;
    }
    if (result.record.deleted) {
      this.rejected.push({ index, reason: 'a seed record cannot be deleted' });
      return;
    }
    const { fields } = result.record;
    const values: MovieRecord = { cast: [], genres: [], ...fields };
    if (this.size === this.years.length) this.grow();
    const id = idOfKey(movieKey(fields.title, fields.year));
    this.text.add(JSON.stringify(values));
    this.titles.push(fields.title);
    this.years[this.size] = fields.year;
    this.idHigh[this.size] = parseInt(id.slice(0, 8), 16);
    this.idLow[this.size] = parseInt(id.slice(8, 16), 16);
    this.size++;
  }

  /** After the last record: the ids settled, the catalogue ready to be written; this keeps nothing of it. */
  finish(): SettledSeed {
    const { size, titles, years, idHigh, idLow, text } = this;
    // Handed over, not shared: the settled seed lets go of its parts as the writer is done with them.
    this.text = new TextBlocks();
    this.titles = [];
    this.years = new Uint16Array(1024);
    this.idHigh = new Uint32Array(1024);
    this.idLow = new Uint32Array(1024);
    this.size = 0;
    const siblings = new Map<number, string[]>();
    // Records sharing a key share their first id, the key's hash: equal ids, in order of appearance.
    const byFirstId = ranks(size, (a, b) => idHigh[a]! - idHigh[b]! || idLow[a]! - idLow[b]! || a - b);
    for (let at = 0; at < size;) {
      let end = at + 1;
      while (end < size && idHigh[byFirstId[end]!] === idHigh[byFirstId[at]!] && idLow[byFirstId[end]!] === idLow[byFirstId[at]!]) end++;
      if (end - at > 1) {
        const first = byFirstId[at]!;
        const key = movieKey(titles[first]!, years[first]!);
        const others: string[] = [];
        for (let k = 1; k < end - at; k++) {
          const i = byFirstId[at + k]!;
          const id = idOfKey(key, k);
          idHigh[i] = parseInt(id.slice(0, 8), 16);
          idLow[i] = parseInt(id.slice(8, 16), 16);
          others.push(id);
        }
        siblings.set(first, others.sort());
      }
      at = end;
    }
    return new SettledSeed(text, titles, years.subarray(0, size), idHigh.subarray(0, size), idLow.subarray(0, size), siblings);
  }

  private grow(): void {
    const bigger = <T extends Uint16Array | Uint32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      return b;
    };
    this.years = bigger(this.years);
    this.idHigh = bigger(this.idHigh);
    this.idLow = bigger(this.idLow);
  }
}

/** The seed's catalogue with its ids settled: what writeWholeCatalogue writes as the first version. */
export class SettledSeed implements CatalogueSource {
  readonly movies: number;
  /** Positions (in the seed's order) by id: each state bucket is a run of them. */
  private readonly byId: Uint32Array;
  /** Where each bucket's run starts in byId, and one more: the end. */
  private readonly bucketStarts = new Uint32Array(257);

  constructor(
    private text: TextBlocks | undefined,
    private titles: readonly string[],
    private readonly years: Uint16Array,
    private readonly idHigh: Uint32Array,
    private readonly idLow: Uint32Array,
    private readonly siblings: ReadonlyMap<number, readonly string[]>,
  ) {
    this.movies = years.length;
    this.byId = ranks(this.movies, (a, b) => idHigh[a]! - idHigh[b]! || idLow[a]! - idLow[b]!);
    for (let at = 0, bucket = 0; bucket <= 256; bucket++) {
      while (at < this.movies && idHigh[this.byId[at]!]! >>> 24 < bucket) at++;
      this.bucketStarts[bucket] = at;
    }
  }

  encodedBucket(bucket: number): Buffer | undefined {
    const start = this.bucketStarts[bucket]!;
    const end = this.bucketStarts[bucket + 1]!;
    if (start === end) return undefined;
    // byId is in id order, the order of a bucket's lines.
    const lines: string[] = [];
    for (let at = start; at < end; at++) {
      const i = this.byId[at]!;
      lines.push(seedStateLine(this.idAt(i), movieKey(this.titles[i]!, this.years[i]!), this.textAt(i), this.siblings.get(i)), '\n');
    }
    return Buffer.from(lines.join(''));
  }

  /** The movies in the seed's order (catalogueFromSeed's answer), names shared between movies held once. */
  inOrder(): Movie[] {
    const names = new StringPool();
    return Array.from({ length: this.movies }, (_, i) => {
      const movie = this.movieAt(i);
      return { ...movie, cast: movie.cast.map((n) => names.intern(n)), genres: movie.genres.map((g) => names.intern(g)) };
    });
  }

  sorted(): SortedMovies {
    const order = this.catalogueOrder();
    // The titles were only kept for this order (a string per movie: gigabytes at ten million).
    this.titles = [];
    const step = Math.max(1, Math.floor(this.movies / SAMPLE_MOVIES));
    const sample: Movie[] = [];
    for (let r = 0; r < this.movies; r += step) sample.push(this.movieAt(order[r]!));
    return { size: this.movies, sample, rows: () => this.rows(order) };
  }

  /**
   * Positions in catalogue order. A method of its own so that the titles are not held by the
   * closures sorted() returns: a function's closures share one context, which kept every title for
   * the whole build while rows() was read.
   */
  private catalogueOrder(): Uint32Array {
    const { titles, years, idHigh, idLow } = this;
    return ranks(
      this.movies,
      (a, b) =>
        compareMovies({ year: years[a]!, title: titles[a]!, id: '' }, { year: years[b]!, title: titles[b]!, id: '' }) ||
        idHigh[a]! - idHigh[b]! ||
        idLow[a]! - idLow[b]!,
    );
  }

  /** Read once: the movies' text is let go as the last movie is read, before the build's largest arrays are made. */
  private *rows(order: Uint32Array): Generator<MovieRow> {
    for (const i of order) {
      const movie = this.movieAt(i);
      yield { movie, json: movieJson(movie) };
    }
    this.text = undefined;
  }

  private movieAt(i: number): Movie {
    return { ...this.valuesAt(i), id: this.idAt(i) };
  }

  private valuesAt(i: number): MovieRecord {
    return JSON.parse(this.textAt(i)) as MovieRecord;
  }

  /** The movie's values as JSON, as its state entry holds them. */
  private textAt(i: number): string {
    if (this.text === undefined) throw new RangeError('the seed movies were read already');
    return this.text.at(i);
  }

  private idAt(i: number): string {
    return hex8(this.idHigh[i]!) + hex8(this.idLow[i]!);
  }
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** 0 … n-1 ordered by `compare`. */
function ranks(n: number, compare: (a: number, b: number) => number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort(compare);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Strings kept as UTF-8 in blocks of BLOCK_BYTES (a string never spans two), read back by position. */
class TextBlocks {
  private readonly blocks: Uint8Array[] = [];
  private block = new Uint8Array(0);
  private used = 0;
  /** Per string: its block, start and end within it (three numbers, one flat array). */
  private spans = new Uint32Array(3 * 1024);
  private count = 0;

  add(text: string): void {
    // A UTF-16 unit takes at most 3 bytes of UTF-8.
    if (this.used + text.length * 3 > this.block.length) {
      this.block = new Uint8Array(Math.max(BLOCK_BYTES, text.length * 3));
      this.blocks.push(this.block);
      this.used = 0;
    }
    const start = this.used;
    this.used += encoder.encodeInto(text, this.block.subarray(start)).written;
    if (3 * (this.count + 1) > this.spans.length) {
      const bigger = new Uint32Array(this.spans.length * 2);
      bigger.set(this.spans);
      this.spans = bigger;
    }
    this.spans.set([this.blocks.length - 1, start, this.used], 3 * this.count++);
  }

  at(i: number): string {
    const [block, start, end] = this.spans.subarray(3 * i, 3 * i + 3);
    return decoder.decode((this.blocks[block!] as Uint8Array).subarray(start, end));
  }
}
