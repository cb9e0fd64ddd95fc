import { ByteLru } from '../cache/byte-lru.js';
import { codePoints } from '../catalogue/words.js';
import { union, unionOfLists, type DocSet } from './doc-set.js';
import { postingsOf, type IndexData, type Postings } from './index-data.js';
import { indexOfSorted } from './sorted.js';
import { matchWord, trieReach } from './trie-walk.js';
import { typoBudget, type WordMatches } from './word-match.js';

/** One word of `q`: what it matches in the dictionary, and the movies that have such a word. */
export interface WordPlan {
  readonly matches: WordMatches;
  /** Movies with a matching word in the title. */
  readonly title: DocSet;
  /** Movies with a matching word in the title or a cast name. */
  readonly any: DocSet;
}

/**
 * The words of `q` one index version has planned (typo lookup and postings), by word and whether it
 * was the last (prefix) word. A word's plan depends on the index alone, and the same words come back
 * keystroke after keystroke and user after user; the trie walk of a long word with two typos is
 * most of such a query's time. Bounded by bytes; gone with the version.
 */
export class WordPlanner {
  readonly plans: ByteLru<WordPlan>;
  private reachMemo: Int32Array | undefined;

  constructor(
    private readonly data: IndexData,
    cacheBytes: number,
  ) {
    this.plans = new ByteLru(cacheBytes);
  }

  /** The plan of one word of `q`; the last word also matches as a prefix: search as you type. */
  plan(word: string, last: boolean): WordPlan {
    const key = last ? `p${word}` : `w${word}`;
    const cached = this.plans.get(key);
    if (cached !== undefined) return cached;
    // How deep the trie goes below each node (trieReach): derived on the first `q` of this version.
    this.reachMemo ??= trieReach(this.data.words.trie);
    const plan = planWord(this.data, word, last, this.reachMemo);
    this.plans.set(key, plan, wordPlanBytes(plan));
    return plan;
  }
}

function planWord(data: IndexData, word: string, last: boolean, reach: Int32Array): WordPlan {
  const { words: w, size } = data;
  const points = codePoints(word);
  const matches = matchWord(w.trie, points, typoBudget(points.length), last, reach);
  const titleLists: Int32Array[] = [];
  const castLists: Int32Array[] = [];
  const covered: [number, number][] = [];
  for (const node of matches.prefixNodes) {
    const lo = w.trie.wordLo[node] as number;
    const hi = w.trie.wordHi[node] as number;
    covered.push([lo, hi]);
    const precomputed = indexOfSorted(w.prefixes.nodes, node);
    if (precomputed >= 0) {
      titleLists.push(postingsOf(w.prefixes.title, precomputed));
      castLists.push(postingsOf(w.prefixes.cast, precomputed));
    } else {
      addRange(titleLists, w.title, lo, hi);
      addRange(castLists, w.cast, lo, hi);
    }
  }
  for (const id of matches.wholeIds) {
    if (covered.some(([lo, hi]) => id >= lo && id < hi)) continue;
    titleLists.push(postingsOf(w.title, id));
    castLists.push(postingsOf(w.cast, id));
  }
  const title = unionOfLists(titleLists, size);
  return { matches, title, any: union([title, unionOfLists(castLists, size)]) };
}

/**
 * What a cached plan holds on to: the arrays it owns. Postings read straight from the index are
 * views of the index's own buffer and cost nothing more; unions it built own their buffer.
 */
function wordPlanBytes(plan: WordPlan): number {
  const m = plan.matches;
  let bytes = 256 + m.wholeIds.byteLength * 2 + m.prefixLo.byteLength * 3 + m.prefixNodes.length * 8 + m.typed.length * 8;
  const owned = (array: Int32Array | Uint32Array) =>
    array.byteOffset === 0 && array.buffer.byteLength === array.byteLength ? array.byteLength : 0;
  const pending: DocSet[] = [plan.title, plan.any];
  for (let set = pending.pop(); set !== undefined; set = pending.pop()) {
    bytes += 32;
    if (set.kind === 'list') bytes += owned(set.ranks);
    else if (set.kind === 'bitmap') bytes += owned(set.bits);
    else if (set.kind === 'union' || set.kind === 'and') pending.push(...set.sets);
  }
  return bytes;
}

function addRange(lists: Int32Array[], postings: Postings, lo: number, hi: number): void {
  for (let id = lo; id < hi; id++) lists.push(postingsOf(postings, id));
}
