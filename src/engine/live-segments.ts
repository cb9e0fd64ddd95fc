import { MOVIE_ID_PATTERN } from '../catalogue/id.js';
import { bitmap, hasBit, setBit } from './bits.js';
import { and, count, cursor, list, range, type DocSet } from './doc-set.js';
import { candidateSet, type Plan, type RankCheck } from './plan.js';
import type { SegmentIndex } from './segment-index.js';
import { SUPERSEDED_LISTS_COUNTED } from './limits.js';
import { partitionPoint, uniqueSorted } from './sorted.js';

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
 * How many live movies of a segment the plan and `verify` (its own check) let through. A set whose
 * size is known without a pass (a range, a posting list, a bitmap) is counted off that size less its
 * superseded members; any other set (an intersection, a union) is read once anyway, and each member
 * is tested against the superseded bits as it is read.
 */
export function liveCount(segment: LiveSegment, plan: Plan, verify: RankCheck): number {
  const candidates = liveCandidates(segment, plan);
  const { dead, deadBits } = segment;
  if (verify === undefined) {
    // Postings and their unions hold ranks of the segment only; a plan without a filter is an open range.
    if (deadBits === undefined) return candidates.kind === 'range' ? count(candidates, 0, segment.index.size) : count(candidates);
    switch (candidates.kind) {
      case 'range': {
        // A range (a year span, or no filter) holds the superseded ranks between its ends: two searches.
        const hi = Math.min(candidates.hi, segment.index.size);
        const deadBefore = (end: number) => partitionPoint(0, dead.length, (i) => (dead[i] as number) < end);
        return Math.max(0, hi - candidates.lo) - (deadBefore(hi) - deadBefore(candidates.lo));
      }
      case 'list':
        return candidates.ranks.length - supersededIn(segment, candidates.ranks);
      case 'bitmap': {
        let live = candidates.count;
        for (const rank of dead) if (hasBit(candidates.bits, rank)) live--;
        return live;
      }
    }
  }
  const check = liveCheck(segment, verify);
  let n = 0;
  const c = cursor(candidates);
  for (let r = c.seek(0); r < segment.index.size; r = c.seek(r + 1)) if (!check || check(r)) n++;
  return n;
}

/** Per version and segment (a LiveSegment is a version's): each posting list's superseded members, counted once. */
const countedLists = new WeakMap<LiveSegment, WeakMap<ArrayBufferLike, Map<number, number>>>();

/**
 * How many superseded movies a posting list of the segment holds: looked for from the smaller side
 * (each candidate against the superseded bits, or each superseded movie sought in the list), and for
 * a list longer than the superseded set, remembered for the version, since a broad term (a genre, a
 * short n-gram) comes back request after request and would cost a seek per superseded movie each time.
 */
function supersededIn(segment: LiveSegment, ranks: Int32Array): number {
  const { dead, deadBits } = segment;
  let n = 0;
  if (deadBits === undefined) return 0;
  if (ranks.length < dead.length) {
    for (let i = 0; i < ranks.length; i++) if (hasBit(deadBits, ranks[i] as number)) n++;
    return n;
  }
  let lists = countedLists.get(segment);
  if (lists === undefined) countedLists.set(segment, (lists = new WeakMap()));
  let counts = lists.get(ranks.buffer);
  if (counts === undefined) lists.set(ranks.buffer, (counts = new Map()));
  // Lists of one buffer are told apart by where they start and their length (an empty list may start where the next one does).
  const key = ranks.byteOffset + ranks.length * 2 ** 32;
  const known = counts.get(key);
  if (known !== undefined) return known;
  const c = cursor(list(ranks));
  for (const rank of dead) if (c.seek(rank) === rank) n++;
  if (counts.size >= SUPERSEDED_LISTS_COUNTED) counts.clear();
  counts.set(key, n);
  return n;
}

/**
 * A segment's candidates for a plan, within the segment's ranks: a plan without a filter stands for
 * every rank (an open range), which only a check-free count may read as a whole, and a superseded
 * movie makes a check.
 */
export function liveCandidates(segment: LiveSegment, plan: Plan): DocSet {
  const candidates = candidateSet(plan);
  return segment.deadBits === undefined || candidates.kind !== 'range' ? candidates : and([candidates, range(0, segment.index.size)]);
}
