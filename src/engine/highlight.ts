import { codePoints, wordSpans, type WordSpan } from '../catalogue/words.js';
import type { SegmentIndex } from './segment-index.js';
import { extractMarks, type ExtractPlan } from './extract-tier.js';
import type { Highlight } from './search-request.js';
import type { WordPlan } from './word-plan.js';
import { lookup } from './string-table.js';
import { occurrences } from './synonym-plan.js';
import { editRow, matchesWhole, typosOf } from './word-match.js';

/**
 * What the words of `q` matched in one movie, as UTF-16 ranges of its original title and cast
 * names: a word matched whole (typos included) is marked whole; a word matched as the prefix of
 * what was typed is marked as far as the prefix goes ("Godf" of "Godfather" for `godf`); the words
 * of a synonym read for `q` are marked whole.
 */
export function highlight(index: SegmentIndex, words: readonly WordPlan[], rank: number, extract?: ExtractPlan): Highlight {
  const cast = new Map<string, (readonly [number, number])[]>();
  const movie = index.movie(rank);
  for (const name of movie.cast) {
    const ranges = marks(index, words, name);
    if (ranges.length > 0) cast.set(name, ranges);
  }
  const title = marks(index, words, index.titleOf(rank));
  // The extract's words the extract tier matched (extract-tier.ts), whichever tier the movie is in.
  const inExtract = extract !== undefined && movie.extract !== undefined ? extractMarks(movie.extract, extract.stems) : [];
  return inExtract.length > 0 ? { title, cast, extract: inExtract } : { title, cast };
}

function marks(index: SegmentIndex, words: readonly WordPlan[], text: string): (readonly [number, number])[] {
  const out: (readonly [number, number])[] = [];
  const spans = wordSpans(text);
  const ids = spans.map((span) => lookup(index.data.words.words, span.word));
  const bySynonym = synonymWords(words, ids);
  spans.forEach((span, k) => {
    const id = ids[k] as number;
    let end = bySynonym[k] ? span.end : -1;
    for (const w of id < 0 ? [] : words) {
      if (typosOf(w.matches, id) < 0) continue;
      end = Math.max(end, matchesWhole(w.matches, id) ? span.end : prefixEnd(w, span));
    }
    if (end > span.start) out.push([span.start, end]);
  });
  return out;
}

/** Which words of a text a synonym of `q` (synonym-plan.ts) matched: they are marked whole. */
function synonymWords(words: readonly WordPlan[], ids: readonly number[]): boolean[] {
  const marked = ids.map(() => false);
  for (const m of new Set(words.flatMap((w) => w.synonyms ?? []))) {
    for (const start of occurrences(ids, 0, ids.length, m.expansion)) marked.fill(true, start, start + m.expansion.length);
  }
  return marked;
}

function prefixEnd(word: WordPlan, span: WordSpan): number {
  const typed = word.matches.typed;
  const length = matchedPrefixLength(typed, codePoints(span.word));
  return length === 0 ? span.start : (span.charEnds[length - 1] as number);
}

/**
 * How many characters of `word` a prefix match covers: the prefix length with the fewest typos
 * against `query`, the one closest to the query's own length among equals (what a person typed).
 */
export function matchedPrefixLength(query: readonly number[], word: readonly number[]): number {
  const m = query.length;
  const previous = editRow(query, word);
  let best = 0;
  for (let j = 1; j <= word.length; j++) {
    const d = previous[j] as number;
    const b = previous[best] as number;
    if (d < b || (d === b && Math.abs(j - m) < Math.abs(best - m))) best = j;
  }
  return best;
}
