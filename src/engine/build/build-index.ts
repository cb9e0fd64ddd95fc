import { compareMovies, movieJson, type Movie } from '../../catalogue/movie.js';
import { normaliseText } from '../../catalogue/normalise.js';
import { words } from '../../catalogue/words.js';
import type { ExtractIndex, IndexData, Ragged, StringTable } from '../index-data.js';
import { MAX_FACET_LIMIT } from '../limits.js';
import { StringTableWriter, stringTable, Utf8Stream } from './buffers.js';
import { castNameWords, castWordNames } from './cast-word-names.js';
import { ExtractCollector } from './extract-postings.js';
import { gramTable } from './grams.js';
import { idOrder, titleSort, topByCount, yearRanges } from './orders.js';
import { prefixPostings } from './prefixes.js';
import { RaggedBuilder } from './ragged.js';
import { Spellings } from './spellings.js';
import { TermCollector } from './terms.js';
import { KEEP_SECTIONS, putAll, type SectionArray, type SectionSink } from './section-sink.js';
import { buildTrie } from './trie.js';
import { tableSize } from '../string-table.js';

/** A movie as the build takes it: the movie, and its JSON as served (text, or its UTF-8 bytes copied through). */
export interface MovieRow {
  readonly movie: Movie;
  readonly json: string | Uint8Array;
}

/**
 * Movies already in catalogue order (compareMovies), handed over one at a time: a compaction merges
 * its segments into one without holding the catalogue as objects (live-movies.ts).
 */
export interface SortedMovies {
  readonly size: number;
  /** A few movies spread over the catalogue: what the build sizes its buffers from. */
  readonly sample: readonly Movie[];
  /** The movies, in catalogue order; a source may allow one reading only (live-movies.ts). */
  rows(): Iterable<MovieRow>;
}

/** A sample of at most this many movies sizes the build's buffers. */
export const SAMPLE_MOVIES = 2000;

/** Movies in any order, as the build takes them. */
export function sortedMovies(input: readonly Movie[]): SortedMovies {
  const movies = [...input].sort(compareMovies);
  const step = Math.max(1, Math.floor(movies.length / SAMPLE_MOVIES));
  const sample: Movie[] = [];
  for (let i = 0; i < movies.length; i += step) sample.push(movies[i] as Movie);
  return {
    size: movies.length,
    sample,
    *rows() {
      for (const movie of movies) yield { movie, json: movieJson(movie) };
    },
  };
}

/**
 * Builds the index of one catalogue version, once, at ingestion: the ingestion-time half of the
 * engine (the query side, one folder up, only reads what this returns). Maps are fine here (the
 * serving side never builds); what matters is time at a million movies, so postings are filled by
 * counting sorts over flat arrays rather than arrays per term, and ASCII n-grams are numbered
 * without a Map. Movies are read once, in catalogue order; what is kept of them is typed arrays and
 * the strings the index must hold, never the movies themselves. Strings kept per movie (titles and
 * normalised titles) are string tables as they come, not a JS string each: at ten million movies
 * those strings were gigabytes of heap (a normalised title is a chain of cons strings).
 *
 * Each array goes to `sink` as soon as it is complete, in the segment's order, and the build keeps
 * nothing of a section once it is handed over: with a sink that writes each section away (the
 * segment writer's) the memory of a build is its collectors and one section, not the whole index.
 */
export function buildIndex(version: string, input: readonly Movie[] | SortedMovies, sink: SectionSink = KEEP_SECTIONS): IndexData {
  const movies = 'rows' in input ? input : sortedMovies(input);
  const { size } = movies;
  const f = collect(movies, sink);

  // The sections are made and handed over in the segment's order, each let go once it is written
  // (a field set to undefined once nothing later reads it).
  const put = <A extends SectionArray>(array: A): A => sink.put(array);
  const moviesSection = { bytes: f.json, offsets: put(f.movieOffsets) };
  const years = put(f.years);
  const idHigh = put(f.idHigh);
  const idLow = put(f.idLow);
  const byId = put(idOrder(f.idHigh, f.idLow));
  const titles = putAll(sink, f.titles!);
  f.titles = undefined;
  const normalisedTitles = putAll(sink, f.normalised!);
  const { yearValues, yearStarts } = putAll(sink, yearRanges(f.years));
  const titleOrder = putAll(sink, titleSort(f.normalised!));
  const cast = putAll(sink, f.cast!.table);
  const castNames = f.castSpelling.names(f.cast!.newId);
  const castNamesSection = putAll(sink, stringTable(castNames));
  const castByCount = put(topByCount(f.cast!.table.postings.offsets, castNames, MAX_FACET_LIMIT));
  const castTerms = f.cast!.table.terms;
  f.cast = undefined;
  const genres = putAll(sink, f.genres!.table);
  const genreNames = putAll(sink, stringTable(f.genreSpelling.names(f.genres!.newId)));
  f.genres = undefined;
  const grams = putAll(sink, gramTable(f.normalised!));
  f.normalised = undefined;
  const wordTitle = f.wordTitle!;
  const wordCast = f.wordCast!;
  f.wordTitle = f.wordCast = undefined;
  const trie = buildTrie(wordTitle.sorted);
  const nameWords = castNameWords(castTerms, wordTitle.table.terms);
  const words = {
    words: putAll(sink, wordTitle.table.terms),
    title: putAll(sink, wordTitle.table.postings),
    cast: putAll(sink, wordCast.table.postings),
    trie: putAll(sink, trie),
    prefixes: putAll(sink, prefixPostings(trie, wordTitle.table.postings, wordCast.table.postings)),
    castNames: putAll(sink, castWordNames(nameWords, tableSize(wordTitle.table.terms))),
    nameWords: putAll(sink, nameWords),
  };
  const titleWords = putAll(sink, f.titleWords!);
  f.titleWords = undefined;
  const castWords = putAll(sink, f.castWords!);
  f.castWords = undefined;
  const movieGenres = putAll(sink, f.movieGenres!);
  f.movieGenres = undefined;
  const movieCast = putAll(sink, f.movieCast!);
  f.movieCast = undefined;
  const titleSignature = put(f.signature);
  const extract = putAll(sink, f.extract!);
  f.extract = undefined;

  return {
    version,
    size,
    movies: moviesSection,
    years,
    idHigh,
    idLow,
    byId,
    titles,
    normalisedTitles,
    yearValues,
    yearStarts,
    ...titleOrder,
    cast,
    castNames: castNamesSection,
    castByCount,
    genres,
    genreNames,
    grams,
    words,
    titleWords,
    castWords,
    movieGenres,
    movieCast,
    titleSignature,
    extract,
  };
}

type FinishedTerms = ReturnType<TermCollector['finish']>;

/** The movies read once, and the collectors finished and let go (they are larger than their results). */
function collect(movies: SortedMovies, sink: SectionSink): Finished {
  const { size } = movies;
  const collectors = new Collectors(size, perMovie(movies.sample), sink);
  let rank = 0;
  for (const row of movies.rows()) {
    if (rank >= size) throw new RangeError(`the build was promised ${size} movies and handed more`);
    collectors.add(row, rank++);
  }
  if (rank !== size) throw new RangeError(`the build was promised ${size} movies and handed ${rank}`);
  return collectors.finish();
}

/**
 * What the build keeps of the movies as it reads them: typed arrays, the strings the index must
 * hold, and the collectors of terms; the movies' JSON goes to the sink as it comes (the first section).
 */
class Collectors {
  private readonly json: Utf8Stream;
  private readonly movieOffsets: Uint32Array;
  private readonly years: Uint16Array;
  private readonly idHigh: Uint32Array;
  private readonly idLow: Uint32Array;
  private readonly titles: StringTableWriter;
  private readonly normalised: StringTableWriter;
  private readonly signature: Uint32Array;
  private readonly cast: TermCollector;
  private readonly genres: TermCollector;
  private readonly titleWordTerms: TermCollector;
  private readonly castWordTerms: TermCollector;
  private readonly titleWords: RaggedBuilder;
  private readonly castWords: RaggedBuilder;
  private readonly movieGenres: RaggedBuilder;
  private readonly movieCast: RaggedBuilder;
  private readonly castSpelling = new Spellings();
  private readonly genreSpelling = new Spellings();
  private readonly extracts: ExtractCollector;

  constructor(
    private readonly size: number,
    per: PerMovie,
    sink: SectionSink,
  ) {
    // Buffers sized once from a sample: growing them by doubling makes V8 collect the whole heap
    // (gigabytes at a million movies) each time its external memory jumps.
    this.json = new Utf8Stream(sink.bytes());
    this.movieOffsets = new Uint32Array(size + 1);
    this.years = new Uint16Array(size);
    this.idHigh = new Uint32Array(size);
    this.idLow = new Uint32Array(size);
    this.titles = new StringTableWriter(size, Math.ceil(size * per.titleBytes * 1.2) + 1024);
    this.normalised = new StringTableWriter(size, Math.ceil(size * per.titleBytes * 1.2) + 1024);
    this.signature = new Uint32Array(size);
    const expect = (n: number) => Math.ceil(size * n * 1.2) + 1024;
    this.titleWords = new RaggedBuilder(size, expect(per.titleWords));
    this.castWords = new RaggedBuilder(size, expect(per.castWords));
    this.movieGenres = new RaggedBuilder(size, expect(per.genres));
    this.movieCast = new RaggedBuilder(size, expect(per.castNames));
    // A title's words are listed with repeats, its pairs without: they are kept apart; the other lists are the pairs.
    this.cast = new TermCollector(this.movieCast);
    this.genres = new TermCollector(this.movieGenres);
    this.titleWordTerms = new TermCollector(expect(per.titleWords));
    this.castWordTerms = new TermCollector(this.castWords, this.titleWordTerms.ids, this.titleWordTerms.names);
    this.extracts = new ExtractCollector(size, expect(per.extractTerms));
  }

  add({ movie, json }: MovieRow, rank: number): void {
    this.movieOffsets[rank] = this.json.length;
    if (typeof json === 'string') this.json.write(json);
    else this.json.append(json);
    this.years[rank] = movie.year;
    this.idHigh[rank] = parseInt(movie.id.slice(0, 8), 16);
    this.idLow[rank] = parseInt(movie.id.slice(8, 16), 16);
    this.titles.add(movie.title);
    this.normalised.add(normaliseText(movie.title));

    const { titleWordTerms, titleWords, signature } = this;
    for (const word of words(movie.title)) {
      const id = titleWordTerms.id(word);
      titleWordTerms.add(id, rank);
      titleWords.push(id);
      signature[rank] = (signature[rank] as number) | (1 << ((word.codePointAt(0) as number) & 31));
    }
    titleWords.close(rank);

    const { cast, movieCast, castWordTerms, castWords } = this;
    for (const name of movie.cast) {
      const id = cast.id(normaliseText(name));
      cast.add(id, rank);
      this.castSpelling.saw(id, name);
      for (const word of words(name)) castWordTerms.add(castWordTerms.id(word), rank);
    }
    movieCast.close(rank);
    castWords.close(rank);

    const { genres, movieGenres } = this;
    for (const genre of movie.genres) {
      const id = genres.id(normaliseText(genre));
      genres.add(id, rank);
      this.genreSpelling.saw(id, genre);
    }
    movieGenres.close(rank);

    this.extracts.add(rank, movie.extract);
  }

  /** After the last movie: every collector finished. */
  finish(): Finished {
    const { size } = this;
    this.movieOffsets[size] = this.json.length;
    const cast = this.cast.finish();
    const genres = this.genres.finish();
    const wordTitle = this.titleWordTerms.finish();
    return {
      json: this.json.end(),
      movieOffsets: this.movieOffsets,
      years: this.years,
      idHigh: this.idHigh,
      idLow: this.idLow,
      titles: this.titles.finish(),
      normalised: this.normalised.finish(),
      signature: this.signature,
      castSpelling: this.castSpelling,
      genreSpelling: this.genreSpelling,
      cast,
      genres,
      wordTitle,
      wordCast: this.castWordTerms.finish(wordTitle.newId),
      titleWords: this.titleWords.finish(wordTitle.newId),
      castWords: this.castWords.finish(wordTitle.newId, true),
      movieGenres: this.movieGenres.finish(genres.newId, true),
      movieCast: this.movieCast.finish(cast.newId),
      extract: this.extracts.finish(),
    };
  }
}

/** The collectors' results, each field set to undefined by the build once its sections are written. */
interface Finished {
  readonly json: Uint8Array;
  readonly movieOffsets: Uint32Array;
  readonly years: Uint16Array;
  readonly idHigh: Uint32Array;
  readonly idLow: Uint32Array;
  titles: StringTable | undefined;
  normalised: StringTable | undefined;
  readonly signature: Uint32Array;
  readonly castSpelling: Spellings;
  readonly genreSpelling: Spellings;
  cast: FinishedTerms | undefined;
  genres: FinishedTerms | undefined;
  wordTitle: FinishedTerms | undefined;
  wordCast: FinishedTerms | undefined;
  titleWords: Ragged<Uint32Array> | undefined;
  castWords: Ragged<Uint32Array> | undefined;
  movieGenres: Ragged<Uint32Array> | undefined;
  movieCast: Ragged<Uint32Array> | undefined;
  extract: ExtractIndex | undefined;
}

/** What a movie holds on average, from a sample, to size the build's buffers once. */
interface PerMovie {
  readonly jsonBytes: number;
  readonly titleBytes: number;
  readonly titleWords: number;
  readonly castWords: number;
  readonly castNames: number;
  readonly genres: number;
  readonly extractTerms: number;
}

function perMovie(sample: readonly Movie[]): PerMovie {
  const totals = { jsonBytes: 0, titleBytes: 0, titleWords: 0, castWords: 0, castNames: 0, genres: 0, extractTerms: 0 };
  let n = 0;
  for (const m of sample) {
    totals.jsonBytes += Buffer.byteLength(movieJson(m));
    totals.titleBytes += Buffer.byteLength(m.title);
    totals.titleWords += words(m.title).length;
    totals.castWords += m.cast.reduce((k, name) => k + words(name).length, 0);
    totals.castNames += m.cast.length;
    totals.genres += m.genres.length;
    // Distinct stems per extract are fewer than its words: the words bound them.
    totals.extractTerms += m.extract === undefined ? 0 : words(m.extract).length;
    n++;
  }
  const avg = (x: number) => (n === 0 ? 0 : x / n);
  return {
    jsonBytes: avg(totals.jsonBytes),
    titleBytes: avg(totals.titleBytes),
    titleWords: avg(totals.titleWords),
    castWords: avg(totals.castWords),
    castNames: avg(totals.castNames),
    genres: avg(totals.genres),
    extractTerms: avg(totals.extractTerms),
  };
}
