import { normaliseText } from '../catalogue/normalise.js';
import { bitmap, hasBit, setBit } from './bits.js';
import { cursor, END, estimate, type DocSet } from './doc-set.js';
import { TITLE_SORT_MAX_CANDIDATES } from './limits.js';
import type { RankCheck } from './plan.js';
import type { After, SearchRequest } from './search-request.js';
import type { SegmentIndex } from './segment-index.js';
import { partitionPoint } from './sorted.js';
import { compareEntry, encodeUtf8 } from './string-table.js';

/**
 * Title order: the normalised title (code point order), then the catalogue order; title:desc reverses only the first.
 * `refused`: ranks of the set to leave out, a bit each, which `check` does not (the base's superseded movies,
 * live-segments.ts' `deadBits`): a broad set is read whole into a bitmap, and a check per member of it costs more than
 * clearing those bits a word at a time.
 */
export function titlePage(
  index: SegmentIndex,
  set: DocSet,
  check: RankCheck,
  request: SearchRequest,
  descending: boolean,
  out: number[],
  refused?: Uint32Array,
): void {
  const { titleOrder, titleGroupStarts, titleGroup } = index.data;
  const groups = titleGroupStarts.length - 1;
  const want = request.limit + 1;
  const from = afterInTitleOrder(index, request.after);
  const isAfter = (group: number, rank: number): boolean => {
    if (from === undefined) return true;
    if (group === from.group && from.exact) return rank >= from.rank;
    return descending ? group < from.group : group >= from.group;
  };
  if (estimate(set) <= TITLE_SORT_MAX_CANDIDATES) {
    const found: number[] = [];
    const c = cursor(set);
    for (let r = c.seek(0); r !== END; r = c.seek(r + 1)) {
      if ((refused === undefined || !hasBit(refused, r)) && (!check || check(r)) && isAfter(titleGroup[r] as number, r)) found.push(r);
    }
    found.sort(
      (a, b) =>
        (descending ? (titleGroup[b] as number) - (titleGroup[a] as number) : (titleGroup[a] as number) - (titleGroup[b] as number)) ||
        a - b,
    );
    for (const r of found.slice(0, want)) out.push(r);
    return;
  }
  const member = membership(set, index.size, check, refused);
  const first = from === undefined ? (descending ? groups - 1 : 0) : descending && !from.exact ? from.group - 1 : from.group;
  for (let g = first; g >= 0 && g < groups && out.length < want; g += descending ? -1 : 1) {
    for (let at = titleGroupStarts[g] as number; at < (titleGroupStarts[g + 1] as number) && out.length < want; at++) {
      const r = titleOrder[at] as number;
      if (member(r) && isAfter(g, r)) out.push(r);
    }
  }
}

/** Where a cursor falls in title order: the first group not below its title, whether that group is its title, and the rank after it. */
function afterInTitleOrder(index: SegmentIndex, after: After | undefined): { group: number; exact: boolean; rank: number } | undefined {
  if (after === undefined) return undefined;
  const { titleOrder, titleGroupStarts, normalisedTitles } = index.data;
  const key = encodeUtf8(normaliseText(after.position.title));
  const groups = titleGroupStarts.length - 1;
  const compareGroup = (group: number) => compareEntry(normalisedTitles, titleOrder[titleGroupStarts[group] as number] as number, key);
  const group = partitionPoint(0, groups, (g) => compareGroup(g) < 0);
  return { group, exact: group < groups && compareGroup(group) === 0, rank: index.rankAfter(after.position) };
}

/**
 * Membership in `set` for ranks in any order, less the refused ones: a bitmap of its members (the set's own order only
 * goes forward), or for an open range, its ends and the refused bit of the few ranks a page reads.
 */
function membership(set: DocSet, size: number, check: RankCheck, refused: Uint32Array | undefined): (rank: number) => boolean {
  if (set.kind === 'range' && !check) {
    if (refused === undefined) return (r) => r >= set.lo && r < set.hi;
    return (r) => r >= set.lo && r < set.hi && !hasBit(refused, r);
  }
  const bits = bitmap(size);
  const c = cursor(set);
  for (let r = c.seek(0); r !== END; r = c.seek(r + 1)) if (!check || check(r)) setBit(bits, r);
  // Both a bit per rank of the segment: the refused are cleared a word at a time.
  if (refused !== undefined) {
    for (let w = 0; w < bits.length && w < refused.length; w++) bits[w] = (bits[w] as number) & ~(refused[w] as number);
  }
  return (r) => hasBit(bits, r);
}
