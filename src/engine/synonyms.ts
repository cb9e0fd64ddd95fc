import { codePoints, words } from '../catalogue/words.js';
import { EQUIVALENT_TYPOS } from './limits.js';
import { editRow, typoBudget } from './word-match.js';

/**
 * Synonyms an operator sets (issue 18), in the shape of Typesense's synonyms: an entry is either
 * multi-way, `{ "synonyms": ["sci-fi", "science fiction"] }`, where each phrase reads as each other,
 * or one-way, `{ "root": "lotr", "synonyms": ["lord of the rings"] }`, where the root reads as its
 * synonyms and not the other way round. A phrase is one or more words, folded as titles are.
 *
 * Reading `q`: a run of adjacent query words matches a rule's key when each matches the key's word
 * at that place with the typos a query word of its length may have (`lotrr` is `lotr`), as a whole
 * word (never as a prefix). The run is then also satisfied by the rule's expansion written exactly
 * (folded, no typo, no prefix: the operator wrote it) as adjacent words of the title or of one cast
 * name. Each query word of the run so read costs EQUIVALENT_TYPOS more than its typos against the
 * key, like every other reading of a word (limits.ts), so the films that have the typed words rank
 * first. synonym-plan.ts finds the expansions in a segment.
 */
export interface SynonymEntry {
  /** One-way: the phrase that reads as each of `synonyms`. */
  readonly root?: string;
  readonly synonyms: readonly string[];
}

/** A key and every phrase it reads as, as folded words. */
export interface SynonymRule {
  readonly key: readonly string[];
  readonly expansions: readonly (readonly string[])[];
}

/** A rule whose key a run of query words matches: the run starts at `first`, each word with its cost. */
export interface KeyMatch {
  readonly rule: SynonymRule;
  readonly first: number;
  /** Per query word of the run: EQUIVALENT_TYPOS plus its typos against the key's word. */
  readonly costs: readonly number[];
}

interface KeyWord {
  readonly word: string;
  readonly points: readonly number[];
  /** The rules whose key starts with this word. */
  readonly rules: SynonymRule[];
}

/** A version's synonyms, compiled from the operator's entries. Immutable. */
export class Synonyms {
  static readonly NONE = new Synonyms([], []);

  /**
   * Rules by the first word of their key, and those words by their length in code points: a query
   * word is compared only with the first words its typos can reach.
   */
  private readonly firstWords: ReadonlyMap<string, KeyWord>;
  private readonly byLength: ReadonlyMap<number, readonly KeyWord[]>;

  private constructor(
    readonly entries: readonly SynonymEntry[],
    readonly rules: readonly SynonymRule[],
  ) {
    const byFirst = new Map<string, KeyWord>();
    for (const rule of rules) {
      const first = rule.key[0] as string;
      let entry = byFirst.get(first);
      if (entry === undefined) {
        entry = { word: first, points: codePoints(first), rules: [] };
        byFirst.set(first, entry);
      }
      entry.rules.push(rule);
    }
    this.firstWords = byFirst;
    const byLength = new Map<number, KeyWord[]>();
    for (const word of byFirst.values()) byLength.set(word.points.length, [...(byLength.get(word.points.length) ?? []), word]);
    this.byLength = byLength;
  }

  /**
   * The rules of `entries`, one per distinct key, each expansion once; phrases without a word are
   * left out (the file's validation, snapshot/synonyms-file.ts, rejects them first).
   */
  static of(entries: readonly SynonymEntry[]): Synonyms {
    const expansions = new Map<string, Map<string, readonly string[]>>();
    const add = (key: readonly string[], expansion: readonly string[]): void => {
      if (key.length === 0 || expansion.length === 0) return;
      const k = key.join(' ');
      const e = expansion.join(' ');
      if (k === e) return;
      let forKey = expansions.get(k);
      if (forKey === undefined) expansions.set(k, (forKey = new Map()));
      forKey.set(e, expansion);
    };
    for (const entry of entries) {
      const phrases = entry.synonyms.map((s) => words(s));
      if (entry.root !== undefined) {
        const root = words(entry.root);
        for (const phrase of phrases) add(root, phrase);
      } else for (const key of phrases) for (const phrase of phrases) add(key, phrase);
    }
    const rules = [...expansions].map(([key, forKey]) => ({ key: key.split(' '), expansions: [...forKey.values()] }));
    return rules.length === 0 ? Synonyms.NONE : new Synonyms(entries, rules);
  }

  get size(): number {
    return this.rules.length;
  }

  /** Every rule whose key a run of adjacent words of `q` matches, by where the run starts. */
  keyMatches(q: readonly string[]): KeyMatch[] {
    if (this.rules.length === 0) return [];
    const points = q.map(codePoints);
    const out: KeyMatch[] = [];
    for (let first = 0; first < q.length; first++) {
      const typed = points[first] as readonly number[];
      for (const start of this.candidates(q[first] as string, typed)) {
        const head = typosAgainst(typed, start.points);
        if (head < 0) continue;
        for (const rule of start.rules) {
          if (first + rule.key.length > q.length) continue;
          const costs = [EQUIVALENT_TYPOS + head];
          for (let j = 1; j < rule.key.length && costs.length === j; j++) {
            const t = typosAgainst(points[first + j] as readonly number[], codePoints(rule.key[j] as string));
            if (t >= 0) costs.push(EQUIVALENT_TYPOS + t);
          }
          if (costs.length === rule.key.length) out.push({ rule, first, costs });
        }
      }
    }
    return out;
  }

  /** The first words a query word may match: itself when it may have no typo, else those of a length within its budget. */
  private candidates(word: string, typed: readonly number[]): readonly KeyWord[] {
    const budget = typoBudget(typed.length);
    if (budget === 0) {
      const exact = this.firstWords.get(word);
      return exact === undefined ? [] : [exact];
    }
    const out: KeyWord[] = [];
    for (let length = typed.length - budget; length <= typed.length + budget; length++) out.push(...(this.byLength.get(length) ?? []));
    return out;
  }
}

/** The typos of query word `typed` against key word `key`, whole, within its budget; -1 beyond it. */
function typosAgainst(typed: readonly number[], key: readonly number[]): number {
  const budget = typoBudget(typed.length);
  // An edit changes the length by one at most: most key words are ruled out without a distance.
  if (Math.abs(typed.length - key.length) > budget) return -1;
  if (budget === 0) return typed.length === key.length && typed.every((c, i) => c === key[i]) ? 0 : -1;
  const d = editRow(typed, key)[key.length] as number;
  return d <= budget ? d : -1;
}
