/**
 * Everything a catalogue index holds, as typed arrays and a few numbers: no Maps, no per-movie
 * objects. The ingestion run builds it once (build/build-index.ts); the snapshot stores exactly these
 * arrays in a binary segment (snapshot/segment-codec.ts), and a serving process reads each back into
 * an array of its own. Ranks are positions in catalogue order (year descending, title by UTF-16 code
 * units, id), so every list of ranks below is also in catalogue order.
 */

/** Strings as UTF-8 bytes, string i at bytes [offsets[i], offsets[i + 1]). */
export interface StringTable {
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
}

/** For each term (or movie) i, the values at [offsets[i], offsets[i + 1]). */
export interface Ragged<T extends Int32Array | Uint32Array> {
  readonly offsets: Uint32Array;
  readonly values: T;
}

/** Posting lists: for each term, the ascending ranks of the movies that have it. */
export type Postings = Ragged<Int32Array>;

/** A term's posting list: a view of the shared buffer, not a copy. */
export function postingsOf(postings: Postings, id: number): Int32Array {
  return postings.values.subarray(postings.offsets[id], postings.offsets[id + 1]);
}

export function postingsLength(postings: Postings, id: number): number {
  return (postings.offsets[id + 1] as number) - (postings.offsets[id] as number);
}

/** A sorted dictionary (by UTF-8 bytes, which is code point order) and each term's postings. */
export interface TermTable {
  readonly terms: StringTable;
  readonly postings: Postings;
}

/**
 * The words of titles and cast names, for `q`. Word ids are positions in the sorted dictionary, so
 * the words sharing a prefix are a contiguous range of ids, and so are the words below a trie node.
 */
export interface WordIndex {
  readonly words: StringTable;
  /** Movies whose title has the word. */
  readonly title: Postings;
  /** Movies where the word is in a cast name. */
  readonly cast: Postings;
  readonly trie: Trie;
  /** Postings precomputed for the trie nodes whose words are too many to union per query (short prefixes). */
  readonly prefixes: PrefixPostings;
  /** For each word, the cast names (cast term ids) that have it: searching the cast facet's values (facet-search.ts). */
  readonly castNames: Postings;
  /** For each cast name (cast term id), its words' ids in order, -1 for one not in the dictionary: split words (joins.ts). */
  readonly nameWords: Ragged<Int32Array>;
}

/**
 * The dictionary as a trie over code points, nodes in depth-first order (node 0 is the root). The
 * children of node n are n + 1, then end[n + 1], end[end[n + 1]]…, while below end[n].
 */
export interface Trie {
  /** The code point on the edge into the node (0 for the root). */
  readonly label: Uint32Array;
  /** One past the node's last descendant. */
  readonly end: Uint32Array;
  /** The word ids below the node (the node's own word, if it ends one, comes first): [wordLo, wordHi). */
  readonly wordLo: Uint32Array;
  readonly wordHi: Uint32Array;
  /** 1 where a word ends at the node; that word's id is wordLo. */
  readonly terminal: Uint8Array;
  readonly depth: Uint8Array;
}

/** Unions of word postings for chosen trie nodes, by field. */
export interface PrefixPostings {
  /** The nodes, ascending. */
  readonly nodes: Uint32Array;
  readonly title: Postings;
  readonly cast: Postings;
}

/**
 * The extract tier's index (extract-tier.ts): stems of the words of each movie's `extract`, stop
 * words left out, with how often each occurs and each extract's length, which is what BM25 reads.
 */
export interface ExtractIndex {
  /** The stems, sorted as every dictionary is. */
  readonly terms: StringTable;
  /** For each stem, the movies whose extract has it, ascending. */
  readonly postings: Postings;
  /** Beside each posting: how many times the stem occurs in that extract (at most MAX_TERM_FREQUENCY). */
  readonly frequencies: Uint8Array;
  /** Per movie: its extract's length in indexed words, 0 without an extract (at most MAX_EXTRACT_LENGTH). */
  readonly lengths: Uint16Array;
  /** Movies with an indexed extract, and the sum of their lengths: this segment's share of BM25's statistics. */
  readonly documents: number;
  readonly totalLength: number;
}

export interface IndexData {
  /** The data version this index was built from. */
  readonly version: string;
  /** Movies in the catalogue. */
  readonly size: number;

  /** Each movie's JSON, as served: one buffer, sliced per movie. */
  readonly movies: StringTable;
  readonly years: Uint16Array;
  /** Each movie's 16-hex-digit id as two 32-bit halves. */
  readonly idHigh: Uint32Array;
  readonly idLow: Uint32Array;
  /** Ranks ordered by id, for id → rank by binary search. */
  readonly byId: Uint32Array;
  /** Titles as given, for cursor positions. */
  readonly titles: StringTable;
  /** Titles normalised (normaliseText), for the `title` substring filter. */
  readonly normalisedTitles: StringTable;

  /** Distinct years, descending, and where each starts in rank order: year i is ranks [yearStarts[i], yearStarts[i + 1]). */
  readonly yearValues: Uint16Array;
  readonly yearStarts: Uint32Array;

  /** Ranks ordered by (normalised title, rank): the title sorts. */
  readonly titleOrder: Uint32Array;
  /** Where each distinct normalised title starts in titleOrder (groups in ascending title order), plus the end. */
  readonly titleGroupStarts: Uint32Array;
  /** Each movie's title group. */
  readonly titleGroup: Uint32Array;

  /** Normalised full cast names. */
  readonly cast: TermTable;
  /** How each cast name is most often spelled, by cast term id. */
  readonly castNames: StringTable;
  /** Cast term ids by movie count (descending), then name: the unfiltered cast facet, at most MAX_FACET_LIMIT of them. */
  readonly castByCount: Uint32Array;
  /** Normalised genres. */
  readonly genres: TermTable;
  /** How each genre is most often spelled. */
  readonly genreNames: StringTable;
  /** Title n-grams of 1 to MAX_GRAM characters of the normalised title. */
  readonly grams: TermTable;
  readonly words: WordIndex;

  /** Per movie: its title's word ids in order. */
  readonly titleWords: Ragged<Uint32Array>;
  /** Per movie: the word ids of its cast names (each once). */
  readonly castWords: Ragged<Uint32Array>;
  /** Per movie: its genre term ids. */
  readonly movieGenres: Ragged<Uint32Array>;
  /** Per movie: its cast term ids. */
  readonly movieCast: Ragged<Uint32Array>;
  /**
   * Per movie: a bit for the first character of each title word (code point mod 32). A title word
   * whose bit no query word can have cannot match, which bounds a movie's relevance from below
   * before it is looked at in full.
   */
  readonly titleSignature: Uint32Array;
  /** The movies' extracts, for the extract tier of `q` (empty when no movie has one). */
  readonly extract: ExtractIndex;
}
