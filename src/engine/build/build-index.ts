import { compareMovies, movieJson, type Movie } from '../catalogue/movie.js';
import { normaliseText } from '../catalogue/normalise.js';
import { codePoints, words } from '../catalogue/words.js';
import {
  FACET_PRECOMPUTED,
  MAX_GRAM,
  PREFIX_MAX_DEPTH,
  PREFIX_MIN_WORDS,
  type IndexData,
  type Postings,
  type PrefixPostings,
  type Ragged,
  type TermTable,
  type Trie,
} from './index-data.js';
import { compareCodePoints, stringTable } from './string-table.js';

/**
 * Builds the index of one catalogue version, once, at ingestion. Maps are fine here (the serving
 * side never builds); what matters is time at a million movies, so postings are filled by counting
 * sorts over flat arrays rather than arrays per term, and ASCII n-grams are numbered without a Map.
 */
export function buildIndex(version: string, input: readonly Movie[]): IndexData {
  const movies = [...input].sort(compareMovies);
  const size = movies.length;
  const per = perMovie(movies);

  // Buffers sized once from a sample: growing them by doubling makes V8 collect the whole heap
  // (gigabytes at a million movies) each time its external memory jumps.
  const json = new ByteWriter(Math.ceil(size * per.jsonBytes * 1.1) + 65536);
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

  for (let rank = 0; rank < size; rank++) {
    const movie = movies[rank] as Movie;
    movieOffsets[rank] = json.length;
    json.write(movieJson(movie));
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
  }
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
    castByCount: topByCount(castCounts, castNames, FACET_PRECOMPUTED),
    genres: genreTable.table,
    genreNames: stringTable(genreSpelling.names(genreTable.newId)),
    grams: gramTable(normalised),
    words: {
      words: wordTitle.table.terms,
      title: wordTitle.table.postings,
      cast: wordCast.table.postings,
      trie,
      prefixes: prefixPostings(trie, wordTitle.table.postings, wordCast.table.postings),
    },
    titleWords: titleWords.finish(wordTitle.newId),
    castWords: castWords.finish(wordTitle.newId, true),
    movieGenres: movieGenres.finish(genreTable.newId, true),
    movieCast: movieCast.finish(castTable.newId),
    titleSignature: signature,
  };
}

/** What a movie holds on average, from a sample, to size the build's buffers once. */
function perMovie(movies: readonly Movie[]): {
  jsonBytes: number;
  titleWords: number;
  castWords: number;
  castNames: number;
  genres: number;
} {
  const step = Math.max(1, Math.floor(movies.length / 2000));
  const totals = { jsonBytes: 0, titleWords: 0, castWords: 0, castNames: 0, genres: 0 };
  let n = 0;
  for (let i = 0; i < movies.length; i += step) {
    const m = movies[i] as Movie;
    totals.jsonBytes += Buffer.byteLength(movieJson(m));
    totals.titleWords += words(m.title).length;
    totals.castWords += m.cast.reduce((k, name) => k + words(name).length, 0);
    totals.castNames += m.cast.length;
    totals.genres += m.genres.length;
    n++;
  }
  const avg = (x: number) => (n === 0 ? 0 : x / n);
  return {
    jsonBytes: avg(totals.jsonBytes),
    titleWords: avg(totals.titleWords),
    castWords: avg(totals.castWords),
    castNames: avg(totals.castNames),
    genres: avg(totals.genres),
  };
}

/** A growable Int32Array. */
class IntList {
  values: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.values = new Int32Array(capacity);
  }

  push(value: number): void {
    if (this.length === this.values.length) {
      const bigger = new Int32Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = value;
  }
}

/** UTF-8 bytes appended in one growable buffer. */
class ByteWriter {
  private buffer: Uint8Array;
  length = 0;
  private readonly encoder = new TextEncoder();

  constructor(capacity = 1 << 16) {
    this.buffer = new Uint8Array(capacity);
  }

  write(text: string): void {
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit.
    if (this.length + text.length * 3 > this.buffer.length) {
      const bigger = new Uint8Array(Math.max(this.buffer.length * 2, this.length + text.length * 3));
      bigger.set(this.buffer.subarray(0, this.length));
      this.buffer = bigger;
    }
    this.length += this.encoder.encodeInto(text, this.buffer.subarray(this.length)).written;
  }

  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/**
 * Terms numbered in order of first sight, and which movies have them: one (term, rank) pair per
 * movie and term, appended as ranks ascend, so each term's ranks come out ascending.
 */
class TermCollector {
  private readonly lastRank: number[] = [];
  private readonly pairTerms: IntList;
  private readonly pairRanks: IntList;

  /** Two collectors may share a dictionary (words of titles and of cast names). */
  constructor(
    capacity: number,
    readonly ids = new Map<string, number>(),
    readonly names: string[] = [],
  ) {
    this.pairTerms = new IntList(capacity);
    this.pairRanks = new IntList(capacity);
  }

  id(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(term, id);
      this.names.push(term);
    }
    return id;
  }

  /** Records that movie `rank` has term `id`; false when it already had. */
  add(id: number, rank: number): boolean {
    if (this.lastRank[id] === rank) return false;
    this.lastRank[id] = rank;
    this.pairTerms.push(id);
    this.pairRanks.push(rank);
    return true;
  }

  /** The sorted dictionary and its postings; `newId` maps first-sight ids to sorted ids. */
  finish(sharedOrder?: Uint32Array): { table: TermTable; newId: Uint32Array; sorted: string[] } {
    const count = this.names.length;
    let newId = sharedOrder;
    let sorted: string[];
    if (newId === undefined || newId.length !== count) {
      const order = Array.from({ length: count }, (_, i) => i).sort((a, b) =>
        compareCodePoints(this.names[a] as string, this.names[b] as string),
      );
      newId = new Uint32Array(count);
      order.forEach((old, at) => ((newId as Uint32Array)[old] = at));
      sorted = order.map((old) => this.names[old] as string);
    } else {
      sorted = new Array<string>(count);
      for (let old = 0; old < count; old++) sorted[newId[old] as number] = this.names[old] as string;
    }
    const postings = countingSort(count, this.pairTerms, this.pairRanks, newId);
    return { table: { terms: stringTable(sorted), postings }, newId, sorted };
  }
}

/** Groups (term, rank) pairs by term, keeping each term's ranks in the order they were added. */
function countingSort(count: number, terms: IntList, ranks: IntList, newId: Uint32Array): Postings {
  const offsets = new Uint32Array(count + 1);
  for (let i = 0; i < terms.length; i++) (offsets[(newId[terms.values[i] as number] as number) + 1] as number)++;
  for (let t = 0; t < count; t++) offsets[t + 1] = (offsets[t + 1] as number) + (offsets[t] as number);
  const values = new Int32Array(terms.length);
  const fill = offsets.slice(0, count);
  for (let i = 0; i < terms.length; i++) {
    const t = newId[terms.values[i] as number] as number;
    values[(fill[t] as number)++] = ranks.values[i] as number;
  }
  return { offsets, values };
}

/** Per-movie lists of term ids, renumbered once the dictionary is sorted. */
class RaggedBuilder {
  private readonly offsets: Uint32Array;
  private readonly values: IntList;

  constructor(size: number, capacity: number) {
    this.offsets = new Uint32Array(size + 1);
    this.values = new IntList(capacity);
  }

  push(id: number): void {
    this.values.push(id);
  }

  close(rank: number): void {
    this.offsets[rank + 1] = this.values.length;
  }

  /** `sortEach`: order each movie's ids (sets, such as genres); otherwise keep the order they came in (title words). */
  finish(newId: Uint32Array, sortEach = false): Ragged<Uint32Array> {
    const values = new Uint32Array(this.values.length);
    for (let i = 0; i < values.length; i++) values[i] = newId[this.values.values[i] as number] as number;
    if (sortEach) {
      for (let r = 0; r + 1 < this.offsets.length; r++) values.subarray(this.offsets[r], this.offsets[r + 1]).sort();
    }
    return { offsets: this.offsets, values };
  }
}

/** How each term was spelled, to show its most common spelling (ties: the smaller in code point order). */
class Spellings {
  private readonly first: string[] = [];
  private readonly seen: number[] = [];
  /** Most terms have one spelling: counts per spelling only for those that have more. */
  private readonly counts = new Map<number, Map<string, number>>();

  saw(id: number, spelling: string): void {
    const first = this.first[id];
    if (first === undefined) {
      this.first[id] = spelling;
      this.seen[id] = 1;
      return;
    }
    let counts = this.counts.get(id);
    if (counts === undefined) {
      if (spelling === first) {
        this.seen[id] = (this.seen[id] as number) + 1;
        return;
      }
      counts = new Map([[first, this.seen[id] as number]]);
      this.counts.set(id, counts);
    }
    counts.set(spelling, (counts.get(spelling) ?? 0) + 1);
  }

  /** Display names by sorted term id. */
  names(newId: Uint32Array): string[] {
    const out = new Array<string>(newId.length);
    for (let old = 0; old < newId.length; old++) {
      let best = this.first[old] as string;
      let bestCount = -1;
      for (const [spelling, count] of this.counts.get(old) ?? []) {
        if (count > bestCount || (count === bestCount && compareCodePoints(spelling, best) < 0)) {
          best = spelling;
          bestCount = count;
        }
      }
      out[newId[old] as number] = best;
    }
    return out;
  }
}

function yearRanges(years: Uint16Array): { yearValues: Uint16Array; yearStarts: Uint32Array } {
  const values: number[] = [];
  const starts: number[] = [];
  for (let rank = 0; rank < years.length; rank++) {
    if (rank === 0 || years[rank] !== years[rank - 1]) {
      values.push(years[rank] as number);
      starts.push(rank);
    }
  }
  starts.push(years.length);
  return { yearValues: Uint16Array.from(values), yearStarts: Uint32Array.from(starts) };
}

function titleSort(normalised: readonly string[]): { titleOrder: Uint32Array; titleGroupStarts: Uint32Array; titleGroup: Uint32Array } {
  const titleOrder = Uint32Array.from({ length: normalised.length }, (_, i) => i);
  titleOrder.sort((a, b) => compareCodePoints(normalised[a] as string, normalised[b] as string) || a - b);
  const starts: number[] = [];
  const titleGroup = new Uint32Array(normalised.length);
  for (let at = 0; at < titleOrder.length; at++) {
    const rank = titleOrder[at] as number;
    if (at === 0 || normalised[rank] !== normalised[titleOrder[at - 1] as number]) starts.push(at);
    titleGroup[rank] = starts.length - 1;
  }
  starts.push(titleOrder.length);
  return { titleOrder, titleGroupStarts: Uint32Array.from(starts), titleGroup };
}

function idOrder(high: Uint32Array, low: Uint32Array): Uint32Array {
  const order = Uint32Array.from({ length: high.length }, (_, i) => i);
  return order.sort((a, b) => (high[a] as number) - (high[b] as number) || (low[a] as number) - (low[b] as number));
}

/** Term ids by count (descending), then name; at most `limit`. */
function topByCount(offsets: Uint32Array, names: readonly string[], limit: number): Uint32Array {
  const count = (id: number) => (offsets[id + 1] as number) - (offsets[id] as number);
  const ids = Array.from({ length: names.length }, (_, i) => i);
  ids.sort((a, b) => count(b) - count(a) || compareCodePoints(names[a] as string, names[b] as string));
  return Uint32Array.from(ids.slice(0, limit));
}

/** The trie of a sorted dictionary, nodes in depth-first order; see Trie. */
export function buildTrie(sorted: readonly string[]): Trie {
  const label: number[] = [0];
  const end: number[] = [0];
  const wordLo: number[] = [0];
  const wordHi: number[] = [sorted.length];
  const terminal: number[] = [0];
  const depth: number[] = [0];
  const path: number[] = [0];
  let previous: number[] = [];
  sorted.forEach((word, id) => {
    const points = codePoints(word);
    let common = 0;
    while (common < points.length && common < previous.length && points[common] === previous[common]) common++;
    while (path.length - 1 > common) {
      const node = path.pop() as number;
      end[node] = label.length;
      wordHi[node] = id;
    }
    for (let k = common; k < points.length; k++) {
      path.push(label.length);
      label.push(points[k] as number);
      end.push(0);
      wordLo.push(id);
      wordHi.push(0);
      terminal.push(0);
      depth.push(k + 1);
    }
    terminal[path[path.length - 1] as number] = 1;
    previous = points;
  });
  while (path.length > 0) {
    const node = path.pop() as number;
    end[node] = label.length;
    wordHi[node] = sorted.length;
  }
  return {
    label: Uint32Array.from(label),
    end: Uint32Array.from(end),
    wordLo: Uint32Array.from(wordLo),
    wordHi: Uint32Array.from(wordHi),
    terminal: Uint8Array.from(terminal),
    depth: Uint8Array.from(depth),
  };
}

/** Unions of word postings for shallow trie nodes with many words below: what a 1- or 2-letter prefix matches. */
function prefixPostings(trie: Trie, title: Postings, cast: Postings): PrefixPostings {
  const nodes: number[] = [];
  for (let node = 1; node < trie.label.length; node++) {
    if (
      (trie.depth[node] as number) <= PREFIX_MAX_DEPTH &&
      (trie.wordHi[node] as number) - (trie.wordLo[node] as number) >= PREFIX_MIN_WORDS
    )
      nodes.push(node);
  }
  const size = title.offsets.length > 0 ? maxRank(title, cast) + 1 : 0;
  // One bitmap reused for the large unions: a pass over the postings and one over the bits, no sort.
  const bits = new Uint32Array((size >>> 5) + 1);
  const union = (postings: Postings): Postings => {
    const lists = nodes.map((node) => {
      const words = postings.values.subarray(postings.offsets[trie.wordLo[node] as number], postings.offsets[trie.wordHi[node] as number]);
      if (words.length * 32 < size) return uniqueSorted(Int32Array.from(words).sort());
      bits.fill(0);
      for (let i = 0; i < words.length; i++) {
        const r = words[i] as number;
        bits[r >>> 5] = (bits[r >>> 5] as number) | (1 << (r & 31));
      }
      const out = new Int32Array(words.length);
      let n = 0;
      for (let w = 0; w < bits.length; w++) {
        let word = bits[w] as number;
        while (word !== 0) {
          const low = word & -word;
          out[n++] = (w << 5) + (31 - Math.clz32(low));
          word ^= low;
        }
      }
      return out.subarray(0, n);
    });
    const offsets = new Uint32Array(nodes.length + 1);
    lists.forEach((list, i) => (offsets[i + 1] = (offsets[i] as number) + list.length));
    const values = new Int32Array(offsets[nodes.length] as number);
    lists.forEach((list, i) => values.set(list, offsets[i] as number));
    return { offsets, values };
  };
  return { nodes: Uint32Array.from(nodes), title: union(title), cast: union(cast) };
}

function maxRank(...postings: Postings[]): number {
  let max = -1;
  for (const p of postings) for (let i = 0; i < p.values.length; i++) if ((p.values[i] as number) > max) max = p.values[i] as number;
  return max;
}

function uniqueSorted(sorted: Int32Array): Int32Array {
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i] as number;
  return sorted.subarray(0, n);
}

const DENSE_GRAMS_FROM = 20_000;

/**
 * Title n-grams, in two passes over the titles (count, then fill) rather than a list per gram: a
 * million titles give ~50 million gram occurrences. ASCII grams are numbered through a flat array.
 */
function gramTable(normalised: readonly string[]): TermTable {
  // A flat array of every ASCII gram's id pays for its 8 MiB only on large catalogues.
  const dense = normalised.length >= DENSE_GRAMS_FROM ? new Int32Array(asciiGramKey('\x7f\x7f\x7f') + 1).fill(-1) : undefined;
  const sparse = new Map<number, number>();
  const other = new Map<string, number>();
  const grams: string[] = [];
  const idOf = (title: string, at: number, n: number): number => {
    const key = asciiKey(title, at, n);
    if (key >= 0) {
      let id = dense ? (dense[key] as number) : (sparse.get(key) ?? -1);
      if (id < 0) {
        id = grams.length;
        if (dense) dense[key] = id;
        else sparse.set(key, id);
        grams.push(title.slice(at, at + n));
      }
      return id;
    }
    const gram = title.slice(at, at + n);
    let id = other.get(gram);
    if (id === undefined) {
      id = grams.length;
      other.set(gram, id);
      grams.push(gram);
    }
    return id;
  };
  const lastRank = new IntList();
  const counts = new IntList();
  const each = (visit: (id: number, rank: number) => void): void => {
    for (let rank = 0; rank < normalised.length; rank++) {
      const title = normalised[rank] as string;
      for (let n = 1; n <= MAX_GRAM; n++) {
        for (let at = 0; at + n <= title.length; at++) {
          const id = idOf(title, at, n);
          while (lastRank.length <= id) {
            lastRank.push(-1);
            counts.push(0);
          }
          if (lastRank.values[id] === rank) continue;
          lastRank.values[id] = rank;
          visit(id, rank);
        }
      }
    }
  };
  each((id) => (counts.values[id] = (counts.values[id] as number) + 1));
  const order = Array.from({ length: grams.length }, (_, i) => i).sort((a, b) => compareCodePoints(grams[a] as string, grams[b] as string));
  const newId = new Uint32Array(grams.length);
  order.forEach((old, at) => (newId[old] = at));
  const offsets = new Uint32Array(grams.length + 1);
  for (let old = 0; old < grams.length; old++) offsets[(newId[old] as number) + 1] = counts.values[old] as number;
  for (let t = 0; t < grams.length; t++) offsets[t + 1] = (offsets[t + 1] as number) + (offsets[t] as number);
  const values = new Int32Array(offsets[grams.length] as number);
  const fill = offsets.slice(0, grams.length);
  lastRank.values.fill(-1, 0, lastRank.length);
  each((id, rank) => (values[(fill[newId[id] as number] as number)++] = rank));
  return { terms: stringTable(order.map((old) => grams[old] as string)), postings: { offsets, values } };
}

/** A number for an ASCII gram of 1 to 3 characters (distinct per length), or -1. */
function asciiKey(text: string, at: number, n: number): number {
  let key = 0;
  for (let k = 0; k < n; k++) {
    const c = text.charCodeAt(at + k);
    if (c >= 128) return -1;
    key = key * 128 + c;
  }
  return n === 1 ? key : n === 2 ? 128 + key : 128 + 16384 + key;
}

function asciiGramKey(gram: string): number {
  return asciiKey(gram, 0, gram.length);
}
