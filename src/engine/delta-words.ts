import { smallDeltas } from './delta-matches.js';
import { DELTA_MATCH_RANKS_KEPT, DELTA_MATCHES_KEPT } from './limits.js';
import type { LiveSegment } from './live-segments.js';
import type { MovieQuery } from './search-request.js';

/** One delta's live movies matching every word of `q`, in relevance order: keys ascending, ties by rank. */
export interface RankedMatches {
  readonly keys: Float64Array;
  readonly ranks: Int32Array;
}

/**
 * What a version's small deltas hold of one `q` asked without filters, which depends on neither the cursor, the
 * limit nor the base's page. `ranked`: some delta holds a live movie matching every word, so no answer is partial,
 * and each delta's share of any page is a slice of its matches (delta s's at s - 1, undefined when it holds none).
 * `base`: no delta holds one and the base does, so the base answers alone, as one segment. Either way `checked` says
 * whether one of the base's superseded movies is among its candidates: mostly not, and then the base answers unchecked,
 * as over no delta. `planned`: no segment holds a full match, and the level of partial matches is decided over every
 * segment, by planning them.
 */
export type DeltaWords =
  | { readonly answer: 'ranked'; readonly deltas: readonly (RankedMatches | undefined)[]; readonly checked: boolean }
  | { readonly answer: 'base'; readonly checked: boolean }
  | { readonly answer: 'planned' };

/**
 * A version's DeltaWords by the words of `q` (with their phrases, exclusions and match strategy), for requests
 * with `q` and no filter: most of the search page's. The bench's `q` mix over a fold of 940 changed movies finds a
 * full match in the fold for 6 requests in 10, which then planned the fold, keyed its candidates and merged two
 * pages; now they read a slice of its ranked matches. Bounded as DeltaMatchMemo is (DELTA_MATCHES_KEPT sets,
 * DELTA_MATCH_RANKS_KEPT ranks), emptied when full, and only for a version of small deltas, so that ranking a
 * delta's matches once keys at most FOLD_MAX_MOVIES movies. Nothing is built when a version loads.
 */
export class DeltaWordMemo {
  private readonly kept = new Map<string, DeltaWords>();
  private ranks = 0;
  readonly applies: boolean;

  constructor(
    segments: readonly LiveSegment[],
    private readonly maxSets = DELTA_MATCHES_KEPT,
    private readonly maxRanks = DELTA_MATCH_RANKS_KEPT,
  ) {
    this.applies = smallDeltas(segments);
  }

  /** What the deltas hold of `query`'s words, found by `find` the first time (and again once the memo was emptied). */
  of(query: MovieQuery, find: () => DeltaWords): DeltaWords {
    const key = wordsKey(query);
    const known = this.kept.get(key);
    if (known !== undefined) return known;
    const words = find();
    const ranks = words.answer === 'ranked' ? words.deltas.reduce((n, d) => n + (d?.ranks.length ?? 0), 0) : 0;
    if (this.kept.size >= this.maxSets || this.ranks + ranks > this.maxRanks) {
      this.kept.clear();
      this.ranks = 0;
    }
    if (ranks <= this.maxRanks) {
      this.kept.set(key, words);
      this.ranks += ranks;
    }
    return words;
  }

  /** Words remembered now: for tests of the bound. */
  get size(): number {
    return this.kept.size;
  }
}

/** Whether a query has no filter, only `q`: what DeltaWordMemo remembers. */
export function wordsAlone(query: MovieQuery): boolean {
  return (
    query.q !== undefined &&
    query.title === undefined &&
    query.year === undefined &&
    query.yearFrom === undefined &&
    query.yearTo === undefined &&
    query.cast.length === 0 &&
    query.genres.length === 0
  );
}

/** The words, then what else decides their matches: phrases, exclusions, the strategy. Words hold no U+0000 or U+0001. */
export function wordsKey(query: MovieQuery): string {
  const words = (query.q ?? []).join('\u0000');
  if (query.phrases === undefined && query.exclude === undefined && query.match === undefined) return words;
  const phrases = (query.phrases ?? []).map(([from, to]) => `${from}-${to}`).join(',');
  return `${words}\u0001${phrases}\u0001${(query.exclude ?? []).join('\u0000')}\u0001${query.match ?? ''}`;
}

/**
 * The delta's matches on a page of `limit + 1` after the cursor (`afterKey`, then the delta's first rank past the
 * cursor's position, as relevance-page.ts passes it by) whose keys do not pass `worst`: a slice of the ranked list.
 */
export function rankedSlice(
  matches: RankedMatches,
  want: number,
  worst: number,
  after: { readonly key: number; readonly rank: number } | undefined,
): { ranks: number[]; relevance: number[] } {
  const { keys, ranks } = matches;
  let i = 0;
  if (after !== undefined) {
    while (i < keys.length && ((keys[i] as number) < after.key || (keys[i] === after.key && (ranks[i] as number) < after.rank))) i++;
  }
  const out = { ranks: [] as number[], relevance: [] as number[] };
  for (; i < keys.length && out.ranks.length < want && (keys[i] as number) <= worst; i++) {
    out.ranks.push(ranks[i] as number);
    out.relevance.push(keys[i] as number);
  }
  return out;
}
