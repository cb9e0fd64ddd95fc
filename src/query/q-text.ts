import { words } from '../catalogue/words.js';

/**
 * `q` as typed: its words, the phrases among them and the words to exclude. Text in double quotes
 * is a phrase (`"new hope"`): its words must also sit side by side, in that order, in the title or
 * in one cast name. A token that starts with a minus (`-musical`) excludes every movie with that word
 * in its title or cast. A quote left open closes at the end of `q`; a minus inside a word
 * (`spider-man`) or inside quotes is only punctuation.
 */
export interface QText {
  /** The words to match, phrase words included, in the order typed. */
  readonly words: string[];
  /** Each phrase as [first, end) positions in `words`; only phrases of two words or more (one word is just a word). */
  readonly phrases: [number, number][];
  /** Words no match may have. */
  readonly exclude: string[];
}

export function parseQText(q: string): QText {
  const out: QText = { words: [], phrases: [], exclude: [] };
  q.split('"').forEach((segment, i) => {
    if (i % 2 === 1) {
      const phrase = words(segment);
      if (phrase.length >= 2) out.phrases.push([out.words.length, out.words.length + phrase.length]);
      out.words.push(...phrase);
      return;
    }
    for (const token of segment.split(/\s+/u)) {
      if (token.startsWith('-')) out.exclude.push(...words(token.slice(1)));
      else out.words.push(...words(token));
    }
  });
  return out;
}
