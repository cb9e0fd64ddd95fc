import assert from 'node:assert/strict';
import { movieId } from '../../src/catalogue/id.js';
import type { Movie } from '../../src/catalogue/movie.js';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { unpackKey, type RelevanceKey } from '../../src/engine/relevance-key.js';
import { searchMovies } from '../../src/engine/search.js';
import { Synonyms } from '../../src/engine/synonyms.js';
import { parseListRequest, searchRequestOf } from '../../src/query/parse-query.js';

/** Catalogues built by hand and `q` answered in full: what the ranking-rule tests read. */

export interface Film {
  readonly title: string;
  readonly year: number;
  readonly cast?: readonly string[];
}

export function catalogue(films: readonly Film[], synonyms = Synonyms.NONE): CatalogueIndex {
  const seen = new Map<string, number>();
  const movies = films.map(({ title, year, cast = [] }): Movie => {
    const occurrence = seen.get(`${title}/${year}`) ?? 0;
    seen.set(`${title}/${year}`, occurrence + 1);
    return { id: movieId(title, year, occurrence), title, year, cast: [...cast], genres: [] };
  });
  return CatalogueIndex.build('rules', movies, synonyms);
}

/** The whole answer to `q`, in relevance order: titles, ids and their keys' fields. */
export function ranked(
  index: CatalogueIndex,
  q: string,
  more: Record<string, string> = {},
): { titles: string[]; ids: string[]; keys: RelevanceKey[] } {
  const page = searchMovies(index, searchRequestOf(parseListRequest(new URLSearchParams({ q, limit: '100', ...more }).toString())));
  assert.equal(page.hasMore, false, 'every match on one page');
  return {
    titles: page.ranks.map((rank) => index.titleOf(rank)),
    ids: page.ranks.map((rank) => index.idOf(rank)),
    keys: (page.relevance ?? []).map(unpackKey),
  };
}
