/**
 * The engine's limits and tuning constants, each with why it has its value. Those marked (segment)
 * shape what an ingestion run writes: changing them changes the segment's bytes, so an index built
 * before and one built after differ (docs/segment-format.md).
 */

/** Words of `q` at most: longer than any real title (the seed's longest has 17 words); each word costs a dictionary walk. */
export const MAX_Q_WORDS = 20;

/**
 * A query word may have its i-th typo from this many code points on: 1–4 exact, 5–8 one typo, 9 or
 * more two. Shorter words have too few letters to tell a typo from another word.
 */
export const TYPO_FROM_LENGTH = [5, 9] as const;
/**
 * What another reading of a query word counts in rule 1, as if it were a typo: a number's other
 * spelling (`2` for II), a word split in two (`ironman` for Iron Man) or two words joined (`bat man`
 * for Batman). The form typed ranks first; a reading with typos of its own adds them.
 */
export const EQUIVALENT_TYPOS = 1;

/** The most typos of one word, another reading included: the relevance key's typo field is laid out for it (relevance-key.ts checks). */
export const MAX_TYPOS_PER_WORD = TYPO_FROM_LENGTH.length + EQUIVALENT_TYPOS;

/**
 * Query words shorter than this are not split in two: a 2- or 3-letter word splits into fragments
 * (`an`: `a` + `n…`) that sit side by side in thousands of titles by chance, and no title is meant.
 */
export const MIN_SPLIT_LENGTH = 4;

/** A part of a split word (joins.ts) may have a typo from this many characters: `ironmen` is Iron Man with a typo in `men`. */
export const SPLIT_PART_TYPO_FROM = 3;

/**
 * The depth of the nodes a walk with two typos starts from (deletion-entries.ts): SymSpell's prefix
 * length. Deeper, fewer nodes share a deleted form with the query and fewer are walked from, but
 * each has more deleted forms (1 + n + n(n-1)/2) and fewer walks are long enough to use them (a
 * query of this many letters plus two); at 7 every query word or join of 9 letters or more does.
 */
export const ENTRY_DEPTH = 7;

/**
 * The depth of the nodes a walk with one typo starts from (deletion-entries.ts): a word of 5–8 letters, or a split's part
 * of 5 or more, has matches of 4 letters or more. From the root such a walk visits ~1,200 nodes whatever its length;
 * from the nodes at depth 4 whose forms less a letter the query's start shares, about a tenth of that. Shorter queries
 * with a typo are looked up among the short words (short-words.ts), which hold the words up to one letter longer.
 */
export const ONE_TYPO_ENTRY_DEPTH = 4;

/** Values per facet at most (the API's facet_limit); the unfiltered cast facet keeps this many names precomputed (segment). */
export const MAX_FACET_LIMIT = 100;

/** Title n-grams of 1 to MAX_GRAM characters are indexed: 1 and 2 serve short substrings exactly, 3 narrows longer ones (segment). */
export const MAX_GRAM = 3;

/** Trigram lists beyond the rarest few cost more to intersect than verifying the survivors does. */
export const MAX_GRAM_LISTS = 3;

/** From this many movies the build numbers ASCII grams through a flat 8 MiB array, which pays only on large catalogues. */
export const DENSE_GRAMS_FROM = 20_000;

/**
 * Trie nodes this shallow, with at least PREFIX_MIN_WORDS words below, get their postings unioned at
 * ingestion (segment): a 1- or 2-letter prefix matches thousands of words, too many to union per query.
 */
export const PREFIX_MAX_DEPTH = 2;
export const PREFIX_MIN_WORDS = 16;

/**
 * A union of ranks is kept as a bitmap over the catalogue once it holds at least one rank in this
 * many: a rank in a sorted list takes 32 bits, a bitmap one bit per movie, so from there the bitmap
 * is the smaller and the faster to read.
 */
export const BITMAP_FROM_ONE_IN = 32;

/** A union of this many posting lists or fewer stays lazy: a page may need only a few of its members. */
export const LAZY_UNION_MAX_LISTS = 4;

/** The word-plan cache's bound per index version (two versions live side by side during a swap). */
export const WORD_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * The queries' words whose deltas a version remembers (segment-mask.ts, SegmentMasks.words): a short
 * key and two numbers each, so a few hundred KiB at most per version.
 */
export const WORD_MASKS_KEPT = 4096;

/** Below this many candidates a title sort sorts them; above, it walks the title order and tests membership. */
export const TITLE_SORT_MAX_CANDIDATES = 50_000;

/** Candidates filtered against the page's worst key at a time (Relevance.below): the worst key only falls, so a block's filter holds. */
export const LOWER_BOUND_BLOCK = 256;

/** Movies keyed before the matched-words bitmap is built (Relevance.mayMatch): cheap queries key a handful of movies. */
export const KEYED_BEFORE_BITMAP = 64;

/**
 * A query word's set of movies at its fewest typos (best-readings.ts) is built when those typos hold at most this many
 * postings for each one of its other readings: a bit per posting is what the set costs, the others what it can rule out
 * (`e.t.`, every `t…` word as typed against `et…` joined, spent 2 ms on a set that ruled out almost nothing).
 */
export const BEST_POSTINGS_SHARE = 4;

/** BM25's term-frequency saturation and length normalisation (bm25.ts): the usual values, which suit plot summaries of 20–200 words. */
export const BM25_K1 = 1.2;
export const BM25_B = 0.3;

/** Occurrences of a stem in one extract are counted up to this (segment): BM25 saturates long before. */
export const MAX_TERM_FREQUENCY = 255;
/** An extract's length in indexed words is counted up to this (segment): the longest in the 2023 set is a few hundred. */
export const MAX_EXTRACT_LENGTH = 65_535;

/**
 * The operator's synonyms file (engine/synonyms.ts, snapshot/synonyms-file.ts): every word of `q`
 * is compared with the first word of every key, so the entries are bounded; a phrase is a few words
 * (a title's worth); an entry names a handful of phrases. Far above any hand-written list.
 */
export const MAX_SYNONYM_ENTRIES = 2_000;
export const MAX_SYNONYM_PHRASES = 32;
export const MAX_SYNONYM_WORDS = 8;
/** The file's bytes at most: read whole at every run whose ETag changed. */
export const MAX_SYNONYMS_BYTES = 1024 * 1024;

/**
 * A stem in more than this share of the extracts is broad (`film`, `star` from `starring`, `american`: in the 2023
 * set each is in 80–98 % of them). The extract tier first scores the movies the query's rarer stems find, and reads a
 * broad stem's postings for movies that have nothing else only when one of them could still make the page
 * (extract-tier.ts). At a half, a broad stem's idf is under ln 2, so such movies seldom can; a lower share makes more
 * stems broad, and scoring the rarer stems' movies one by one then cost more than the pass it saved (measured at 1/8).
 */
export const EXTRACT_BROAD_SHARE = 0.5;

/**
 * The most movies a serving process folds its deltas into (delta-fold.ts): the fold is rebuilt from the
 * deltas' movies at every new version, on the event loop, at ~22 µs of CPU a movie (a one-record delta
 * onto a 1,000-movie fold took 23 ms, onto 2,000 movies 45 ms, under load 11), so a delta's load stays
 * within ~25 ms. The merge policy's first tier holds deltas under 1,024 entries (docs/versions.md), which
 * is what runs of a few records leave; deltas larger than this together are read one by one, as before.
 */
export const FOLD_MAX_MOVIES = 1_024;

/**
 * What a version remembers of its small deltas' matches (delta-matches.ts, and delta-words.ts for `q` alone, each its
 * own): at most this many filter sets (or words), and this many ranks over all of them (1 MiB of Int32Array; a word
 * match keeps its key beside, 3 MiB), emptied when either is full. A delta within FOLD_MAX_MOVIES holds at most 1,024
 * matches of one set, so even sets that match the whole fold leave room for 256 of them.
 */
export const DELTA_MATCHES_KEPT = 4096;
export const DELTA_MATCH_RANKS_KEPT = 262_144;

/**
 * The most superseded movies a base may have for its version to remember matches (delta-matches.ts): each new filter
 * set seeks every one of them in the base's candidates once (16,384 seeks, well under a millisecond), and keeps those
 * that pass. Small deltas supersede at most their own movies plus their deletes: only a run deleting thousands of
 * movies goes past this, and its version then plans its deltas per request, as a version of large deltas does.
 */
export const DELTA_MATCHES_MAX_SUPERSEDED = 16_384;

/** Posting lists whose superseded members a version has counted, at most (live-segments.ts): a number each, emptied when full. */
export const SUPERSEDED_LISTS_COUNTED = 65_536;
