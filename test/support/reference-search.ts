import type { Movie } from '../../src/catalogue/movie.js';

/**
 * The specification of search, written as plainly as possible: a full scan with the normalisation
 * spelled out from the issue text, then a sort. The engine must agree with it on every query.
 */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim().replace(/\s+/gu, ' ');
}

/** Words: runs of letters and digits, folded (a word-final ς counts as σ, as in the engine's per-letter folding). */
export function referenceWords(text: string): readonly string[] {
  let words = wordsOf.get(text);
  if (words === undefined) {
    words = (fold(text).match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => w.replace(/ς/g, 'σ'));
    if (wordsOf.size > 200_000) wordsOf.clear();
    wordsOf.set(text, words);
  }
  return words;
}

/** Memoised: a full scan of the seed folds every title and name again for every query. */
const wordsOf = new Map<string, readonly string[]>();

export interface ReferenceQuery {
  title?: string;
  year?: number;
  cast: string[];
  genres: string[];
}

export function referenceSearch(movies: readonly Movie[], q: ReferenceQuery): Movie[] {
  const title = q.title === undefined ? undefined : fold(q.title);
  return movies
    .filter(
      (m) =>
        (title === undefined || fold(m.title).includes(title)) &&
        (q.year === undefined || m.year === q.year) &&
        q.cast.every((c) => m.cast.some((x) => fold(x) === fold(c))) &&
        q.genres.every((g) => m.genres.some((x) => fold(x) === fold(g))),
    )
    .sort((a, b) => {
      if (a.year !== b.year) return b.year - a.year;
      if (a.title !== b.title) return a.title < b.title ? -1 : 1;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
}
