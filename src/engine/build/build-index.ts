import { compareMovies, movieJson, type Movie } from '../../catalogue/movie.js';
import { normaliseText } from '../../catalogue/normalise.js';
import { words } from '../../catalogue/words.js';
import type { IndexData } from '../index-data.js';
import { MAX_FACET_LIMIT } from '../limits.js';
import { stringTable, Utf8Writer } from './buffers.js';
import { castNameWords, castWordNames } from './cast-word-names.js';
import { ExtractCollector } from './extract-postings.js';
import { gramTable } from './grams.js';
import { idOrder, titleSort, topByCount, yearRanges } from './orders.js';
import { prefixPostings } from './prefixes.js';
import { RaggedBuilder } from './ragged.js';
import { Spellings } from './spellings.js';
import { TermCollector } from './terms.js';
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
 * the strings the index must hold (titles, terms), never the movies themselves.
 */
export function buildIndex(version: string, input: readonly Movie[] | SortedMovies): IndexData {
  const movies = 'rows' in input ? input : sortedMovies(input);
  const { size } = movies;
  const per = perMovie(movies.sample);

  // Buffers sized once from a sample: growing them by doubling makes V8 collect the whole heap
  // (gigabytes at a million movies) each time its external memory jumps.
  const json = new Utf8Writer(Math.ceil(size * per.jsonBytes * 1.1) + 65536);
  const movieOffsets = new Uint32Array(size + 1);
  const years = new Uint16Array(size);
  const idHigh = new Uint32Array(size);
  const idLow = new Uint32Array(size);
  const titles: string[] = new Array<string>(size);
  const normalised: string[] = new Array<string>(size);
  const signature = new Uint32Array(size);

  const expect = (n: number) => Math.ceil(size * n * 1.2) + 1024;
  const cast = new TermCollector(expect(per.castNames));
  const genres = new TermCollector(expect(per.genres));
  const titleWordTerms = new TermCollector(expect(per.titleWords));
  const castWordTerms = new TermCollector(expect(per.castWords), titleWordTerms.ids, titleWordTerms.names);
  const titleWords = new RaggedBuilder(size, expect(per.titleWords));
  const castWords = new RaggedBuilder(size, expect(per.castWords));
  const movieGenres = new RaggedBuilder(size, expect(per.genres));
  const movieCast = new RaggedBuilder(size, expect(per.castNames));
  const castSpelling = new Spellings();
  const genreSpelling = new Spellings();
  const extracts = new ExtractCollector(size, expect(per.extractTerms));

  let rank = 0;
  for (const row of movies.rows()) {
    const { movie } = row;
    if (rank >= size) throw new RangeError(`the build was promised ${size} movies and handed more`);
    movieOffsets[rank] = json.length;
    if (typeof row.json === 'string') json.write(row.json);
    else json.append(row.json);
    years[rank] = movie.year;
    idHigh[rank] = parseInt(movie.id.slice(0, 8), 16);
    idLow[rank] = parseInt(movie.id.slice(8, 16), 16);
    titles[rank] = movie.title;
    normalised[rank] = normaliseText(movie.title);

    for (const word of words(movie.title)) {
      const id = titleWordTerms.id(word);
      titleWordTerms.add(id, rank);
      titleWords.push(id);
      signature[rank] = (signature[rank] as number) | (1 << ((word.codePointAt(0) as number) & 31));
    }
    titleWords.close(rank);

    for (const name of movie.cast) {
      const id = cast.id(normaliseText(name));
      if (cast.add(id, rank)) movieCast.push(id);
      castSpelling.saw(id, name);
      for (const word of words(name)) {
        const wordId = castWordTerms.id(word);
        if (castWordTerms.add(wordId, rank)) castWords.push(wordId);
      }
    }
    movieCast.close(rank);
    castWords.close(rank);

    for (const genre of movie.genres) {
      const id = genres.id(normaliseText(genre));
      if (genres.add(id, rank)) movieGenres.push(id);
      genreSpelling.saw(id, genre);
    }
    movieGenres.close(rank);

    extracts.add(rank, movie.extract);
    rank++;
  }
  if (rank !== size) throw new RangeError(`the build was promised ${size} movies and handed ${rank}`);
  movieOffsets[size] = json.length;

  const castTable = cast.finish();
  const genreTable = genres.finish();
  const wordTitle = titleWordTerms.finish();
  const wordCast = castWordTerms.finish(wordTitle.newId);
  const castCounts = castTable.table.postings.offsets;
  const castNames = castSpelling.names(castTable.newId);
  const { yearValues, yearStarts } = yearRanges(years);
  const { titleOrder, titleGroupStarts, titleGroup } = titleSort(normalised);
  const trie = buildTrie(wordTitle.sorted);
  const nameWords = castNameWords(castTable.table.terms, wordTitle.table.terms);

  return {
    version,
    size,
    movies: { bytes: json.bytes(), offsets: movieOffsets },
    years,
    idHigh,
    idLow,
    byId: idOrder(idHigh, idLow),
    titles: stringTable(titles),
    normalisedTitles: stringTable(normalised),
    yearValues,
    yearStarts,
    titleOrder,
    titleGroupStarts,
    titleGroup,
    cast: castTable.table,
    castNames: stringTable(castNames),
    castByCount: topByCount(castCounts, castNames, MAX_FACET_LIMIT),
    genres: genreTable.table,
    genreNames: stringTable(genreSpelling.names(genreTable.newId)),
    grams: gramTable(normalised),
    words: {
      words: wordTitle.table.terms,
      title: wordTitle.table.postings,
      cast: wordCast.table.postings,
      trie,
      prefixes: prefixPostings(trie, wordTitle.table.postings, wordCast.table.postings),
      castNames: castWordNames(nameWords, tableSize(wordTitle.table.terms)),
      nameWords,
    },
    titleWords: titleWords.finish(wordTitle.newId),
    castWords: castWords.finish(wordTitle.newId, true),
    movieGenres: movieGenres.finish(genreTable.newId, true),
    movieCast: movieCast.finish(castTable.newId),
    titleSignature: signature,
    extract: extracts.finish(),
  };
}

/** What a movie holds on average, from a sample, to size the build's buffers once. */
function perMovie(sample: readonly Movie[]): {
  jsonBytes: number;
  titleWords: number;
  castWords: number;
  castNames: number;
  genres: number;
  extractTerms: number;
} {
  const totals = { jsonBytes: 0, titleWords: 0, castWords: 0, castNames: 0, genres: 0, extractTerms: 0 };
  let n = 0;
  for (const m of sample) {
    totals.jsonBytes += Buffer.byteLength(movieJson(m));
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
    titleWords: avg(totals.titleWords),
    castWords: avg(totals.castWords),
    castNames: avg(totals.castNames),
    genres: avg(totals.genres),
    extractTerms: avg(totals.extractTerms),
  };
}
