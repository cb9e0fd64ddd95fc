import { codePoints, wordSpans, type WordSpan } from '../catalogue/words.js';
import type { CatalogueIndex } from './catalogue-index.js';
import type { Highlight } from './movie-query.js';
import type { WordPlan } from './plan.js';
import { lookup } from './string-table.js';
import { matchedPrefixLength, matchesWhole, typosOf } from './typo.js';

/**
 * What the words of `q` matched in one movie, as UTF-16 ranges of its original title and cast
 * names: a word matched whole (typos included) is marked whole; a word matched as the prefix of
 * what was typed is marked as far as the prefix goes ("Godf" of "Godfather" for `godf`).
 */
export function highlight(index: CatalogueIndex, words: readonly WordPlan[], rank: number): Highlight {
  const cast = new Map<string, (readonly [number, number])[]>();
  for (const name of index.movie(rank).cast) {
    const ranges = marks(index, words, name);
    if (ranges.length > 0) cast.set(name, ranges);
  }
  return { title: marks(index, words, index.titleOf(rank)), cast };
}

function marks(index: CatalogueIndex, words: readonly WordPlan[], text: string): (readonly [number, number])[] {
  const out: (readonly [number, number])[] = [];
  for (const span of wordSpans(text)) {
    const id = lookup(index.data.words.words, span.word);
    if (id < 0) continue;
    let end = -1;
    for (const w of words) {
      if (typosOf(w.matches, id) < 0) continue;
      end = Math.max(end, matchesWhole(w.matches, id) ? span.end : prefixEnd(w, span));
    }
    if (end > span.start) out.push([span.start, end]);
  }
  return out;
}

function prefixEnd(word: WordPlan, span: WordSpan): number {
  const typed = word.matches.typed;
  const length = matchedPrefixLength(typed, codePoints(span.word));
  return length === 0 ? span.start : (span.charEnds[length - 1] as number);
}
