import { OTHER_READING, osaDistance, typoBudget } from './reference-q.js';
import { referenceWords } from './reference-search.js';

/**
 * Synonyms (issue 18) as the operator's file states them, read as plainly as possible:
 * - an entry `{ root, synonyms }` is one-way: the root's words read as each synonym's words;
 * - an entry `{ synonyms }` is multi-way: each phrase's words read as each other phrase's;
 * - a run of adjacent query words reads as a phrase when each word is within its typo budget of the
 *   key's word at that place, as a whole word (never as a prefix);
 * - the run is then matched where the phrase it reads as stands, word for word, side by side, in a
 *   title or in one cast name; each query word of the run costs OTHER_READING plus its typos.
 */
export interface ReferenceSynonymEntry {
  readonly root?: string;
  readonly synonyms: readonly string[];
}

/** A run of query words [first, first + costs.length) that reads as `phrase`, each word at its cost. */
export interface SynonymRun {
  readonly first: number;
  readonly costs: readonly number[];
  readonly phrase: readonly string[];
}

/** Every run of `words` that some entry lets read as another phrase. */
export function synonymRuns(words: readonly string[], entries: readonly ReferenceSynonymEntry[]): SynonymRun[] {
  const pairs: [readonly string[], readonly string[]][] = [];
  for (const entry of entries) {
    const phrases = entry.synonyms.map(referenceWords);
    const keys = entry.root === undefined ? phrases : [referenceWords(entry.root)];
    for (const key of keys) for (const phrase of phrases) if (key.join(' ') !== phrase.join(' ')) pairs.push([key, phrase]);
  }
  const runs: SynonymRun[] = [];
  for (const [key, phrase] of pairs) {
    if (key.length === 0 || phrase.length === 0) continue;
    for (let first = 0; first + key.length <= words.length; first++) {
      const typos = key.map((k, j) => osaDistance(words[first + j] as string, k));
      if (typos.every((t, j) => t <= typoBudget(words[first + j] as string))) {
        runs.push({ first, costs: typos.map((t) => OTHER_READING + t), phrase });
      }
    }
  }
  return runs;
}

/** The cost of word i through `run`, or undefined when the run does not hold it. */
export function runCost(run: SynonymRun, i: number): number | undefined {
  return i >= run.first && i < run.first + run.costs.length ? run.costs[i - run.first] : undefined;
}

/** Where the run's phrase starts in `text`. */
export function phraseStarts(run: SynonymRun, text: readonly string[]): number[] {
  const out: number[] = [];
  for (let p = 0; p + run.phrase.length <= text.length; p++) if (run.phrase.every((w, k) => text[p + k] === w)) out.push(p);
  return out;
}

/** What word i costs in `text` through the runs: the cheapest run holding it whose phrase the text has. */
export function synonymCostIn(runs: readonly SynonymRun[], i: number, text: readonly string[]): number {
  let best = Infinity;
  for (const run of runs) {
    const cost = runCost(run, i);
    if (cost !== undefined && cost < best && phraseStarts(run, text).length > 0) best = cost;
  }
  return best;
}
