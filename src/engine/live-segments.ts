import { MOVIE_ID_PATTERN } from '../catalogue/id.js';
import { bitmap, hasBit, setBit } from './bits.js';
import { and, range, type DocSet } from './doc-set.js';
import { candidateSet, type Plan, type RankCheck } from './plan.js';
import type { SegmentIndex } from './segment-index.js';
import { uniqueSorted } from './sorted.js';

/** A segment as a version lists it (base first, then deltas, oldest first): its index and the ids it deletes. */
export interface SegmentEntry {
  readonly index: SegmentIndex;
  readonly deletes: readonly string[];
}

/** A segment as one version reads it. */
export interface LiveSegment extends SegmentEntry {
  /** Where its ranks start among the version's: a movie's rank is docBase + its rank in the segment. */
  readonly docBase: number;
  /** Its ranks that later segments supersede, ascending. */
  readonly dead: Int32Array;
  /** The same, a bit each, for the per-movie check; undefined when none is. */
  readonly deadBits: Uint32Array | undefined;
}

/**
 * Which movies of each segment the later segments supersede (an id a later segment holds or
 * deletes): each later segment's ids looked up in every earlier one, so the cost follows the deltas'
 * size times their number, never the catalogue's. The segments stay shared with the versions before
 * and after; only these sets are this version's.
 */
export function liveSegments(entries: readonly SegmentEntry[]): LiveSegment[] {
  const deadRanks: number[][] = entries.map(() => []);
  for (let s = 1; s < entries.length; s++) {
    const { index, deletes } = entries[s] as SegmentEntry;
    const supersede = (high: number, low: number): void => {
      for (let t = 0; t < s; t++) {
        const rank = (entries[t] as SegmentEntry).index.rankOfIdParts(high, low);
        if (rank !== undefined) (deadRanks[t] as number[]).push(rank);
      }
    };
    const { idHigh, idLow } = index.data;
    for (let rank = 0; rank < index.size; rank++) supersede(idHigh[rank] as number, idLow[rank] as number);
    for (const id of deletes) {
      if (MOVIE_ID_PATTERN.test(id)) supersede(parseInt(id.slice(0, 8), 16), parseInt(id.slice(8, 16), 16));
    }
  }
  let docBase = 0;
  return entries.map(({ index, deletes }, s) => {
    const dead = uniqueSorted(Int32Array.from(deadRanks[s] as number[]).sort());
    let deadBits: Uint32Array | undefined;
    if (dead.length > 0) {
      deadBits = bitmap(index.size);
      for (const rank of dead) setBit(deadBits, rank);
    }
    const live: LiveSegment = { index, deletes, docBase, dead, deadBits };
    docBase += index.size;
    return live;
  });
}

/** A segment's check for a search: the movie is live, and passes `check` (the title substring) if there is one. */
export function liveCheck(segment: LiveSegment, check: RankCheck): RankCheck {
  const dead = segment.deadBits;
  if (dead === undefined) return check;
  return check === undefined ? (rank) => !hasBit(dead, rank) : (rank) => !hasBit(dead, rank) && check(rank);
}

/**
 * A segment's candidates for a plan, within the segment's ranks: a plan without a filter stands for
 * every rank (an open range), which only a check-free count may read as a whole, and a superseded
 * movie makes a check.
 */
export function liveCandidates(segment: LiveSegment, plan: Plan): DocSet {
  const candidates = candidateSet(plan);
  return segment.deadBits === undefined ? candidates : and([candidates, range(0, segment.index.size)]);
}
