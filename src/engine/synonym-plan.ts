import { words as wordsOf } from '../catalogue/words.js';
import { and, list, members } from './doc-set.js';
import { postingsOf, type IndexData } from './index-data.js';
import { lookup, stringAt } from './string-table.js';
import type { KeyMatch, Synonyms } from './synonyms.js';

/**
 * A synonym read in one segment (synonyms.ts): a run of query words matched a key, and these are
 * the movies where one of its expansions sits side by side, in its order, in the title or in one
 * cast name. Each query word of the run is then matched in those movies at its cost.
 */
export interface SynonymMatch {
  /** The run of query words: [first, first + costs.length). */
  readonly first: number;
  readonly costs: readonly number[];
  /** The expansion's word ids, in order. */
  readonly expansion: readonly number[];
  /** Movies with the expansion in the title; in a cast name. Ascending. */
  readonly title: Int32Array;
  readonly cast: Int32Array;
}

/** The cost of query word `i` through `m`, or undefined when `m` does not cover it. */
export function synonymCost(m: SynonymMatch, i: number): number | undefined {
  return m.costs[i - m.first];
}

/** Where `expansion` starts in ids[from, to), as offsets from `from`. */
export function occurrences(ids: ArrayLike<number>, from: number, to: number, expansion: readonly number[]): number[] {
  const out: number[] = [];
  for (let p = from; p + expansion.length <= to; p++) {
    let k = 0;
    while (k < expansion.length && ids[p + k] === expansion[k]) k++;
    if (k === expansion.length) out.push(p - from);
  }
  return out;
}

/** The synonyms the words of `q` read as in this segment: those of its key matches whose expansion some movie has. */
export function planSynonyms(data: IndexData, synonyms: Synonyms, q: readonly string[]): SynonymMatch[] {
  const out: SynonymMatch[] = [];
  for (const match of synonyms.keyMatches(q)) {
    for (const expansion of match.rule.expansions) {
      const found = findExpansion(data, match, expansion);
      if (found !== undefined) out.push(found);
    }
  }
  return out;
}

function findExpansion(data: IndexData, match: KeyMatch, expansion: readonly string[]): SynonymMatch | undefined {
  const ids = expansion.map((word) => lookup(data.words.words, word));
  if (ids.some((id) => id < 0)) return undefined;
  const { titleWords, movieCast, cast } = data;
  const inTitle = members(and(ids.map((id) => list(postingsOf(data.words.title, id))))).filter(
    (rank) => occurrences(titleWords.values, titleWords.offsets[rank] as number, titleWords.offsets[rank + 1] as number, ids).length > 0,
  );
  const inCast = members(and(ids.map((id) => list(postingsOf(data.words.cast, id))))).filter((rank) => {
    for (let c = movieCast.offsets[rank] as number; c < (movieCast.offsets[rank + 1] as number); c++) {
      const name = wordsOf(stringAt(cast.terms, movieCast.values[c] as number)).map((w) => lookup(data.words.words, w));
      if (occurrences(name, 0, name.length, ids).length > 0) return true;
    }
    return false;
  });
  if (inTitle.length === 0 && inCast.length === 0) return undefined;
  return { first: match.first, costs: match.costs, expansion: ids, title: inTitle, cast: inCast };
}
