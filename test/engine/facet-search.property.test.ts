import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Movie } from '../../src/catalogue/movie.js';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { searchFacetValues } from '../../src/engine/facet-search.js';
import { parseFacetSearch } from '../../src/query/parse-facet-search.js';
import { arbitraryCatalogue, arbitraryRequest, typed } from '../support/arbitrary-catalogue.js';
import { extractCollection } from '../support/reference-extract.js';
import { referenceMatches, referenceWords, type ReferenceRequest } from '../support/reference-engine.js';
import { osaDistance, prefixDistance, typoBudget } from '../support/reference-q.js';
import { fold } from '../support/reference-search.js';
import { filterParams } from '../support/search-request.js';
import { seedIndex } from '../support/seed-index.js';

/**
 * Search within a facet's values, against a brute-force reading of its contract: a value matches
 * when every word of the fragment matches one of its words (whole, or for the last word the start
 * of one) within the typo budget; its count is the movies with it under the filters, its own
 * facet's filter left out; values with none are left out; fewest typos, most movies, then the
 * normalised value in code point order; its spelling is the catalogue's most common one.
 */

function referenceFacetSearch(movies: readonly Movie[], facet: 'cast' | 'genre', fragment: string, r: ReferenceRequest, limit: number) {
  const words = referenceWords(fragment);
  const collection = extractCollection(movies);
  const counts = new Map<string, number>();
  const spellings = new Map<string, Map<string, number>>();
  for (const m of movies) {
    const values = facet === 'cast' ? m.cast : m.genres;
    for (const v of values) {
      const bySpelling = spellings.get(fold(v)) ?? new Map<string, number>();
      bySpelling.set(v, (bySpelling.get(v) ?? 0) + 1);
      spellings.set(fold(v), bySpelling);
    }
    if (!referenceMatches(m, { ...r, q: undefined } as ReferenceRequest, collection, facet)) continue;
    for (const key of new Set(values.map(fold))) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const typos = (key: string): number | undefined => {
    const own = referenceWords(key);
    let sum = 0;
    for (const [i, w] of words.entries()) {
      const distance = i === words.length - 1 ? prefixDistance : osaDistance;
      const best = Math.min(Infinity, ...own.map((o) => distance(w, o)));
      if (best > typoBudget(w)) return undefined;
      sum += best;
    }
    return sum;
  };
  const codePoints = (s: string) => [...s].map((c) => c.codePointAt(0) as number);
  const byCodePoint = (a: string, b: string) => {
    const x = codePoints(a);
    const y = codePoints(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
    return x.length - y.length;
  };
  const found = [...counts]
    .map(([key, count]) => ({ key, count, typos: typos(key) }))
    .filter((v): v is { key: string; count: number; typos: number } => v.typos !== undefined);
  found.sort((a, b) => a.typos - b.typos || b.count - a.count || byCodePoint(a.key, b.key));
  const shown = (key: string) =>
    [...(spellings.get(key) as Map<string, number>)].sort((a, b) => b[1] - a[1] || byCodePoint(a[0], b[0]))[0]?.[0] as string;
  return found.slice(0, limit).map(({ key, count }) => ({ value: shown(key), count }));
}

test('cast and genre values found by a typed fragment, with counts under the filters, agree with a full scan', () => {
  fc.assert(
    fc.property(
      arbitraryCatalogue.chain((movies) => {
        const vocabulary = [...new Set(movies.flatMap((m) => [...m.cast, ...m.genres].flatMap(referenceWords)))];
        const word = fc.constantFrom(...(vocabulary.length > 0 ? vocabulary : ['x']));
        return fc.tuple(
          fc.constant(movies),
          fc.constantFrom('cast' as const, 'genre' as const),
          fc.array(typed(word), { minLength: 1, maxLength: 2 }).map((w) => w.join(' ')),
          arbitraryRequest(movies),
          fc.integer({ min: 1, max: 6 }),
        );
      }),
      ([movies, facet, fragment, r, limit]) => {
        const index = CatalogueIndex.build('v', movies);
        const params = filterParams(r);
        params.set('q', fragment);
        params.set('limit', String(limit));
        const expected = referenceFacetSearch(movies, facet, fragment, r, limit);
        assert.deepEqual(searchFacetValues(index, parseFacetSearch(facet, params.toString())), expected, `${facet} ${params}`);
      },
    ),
    { numRuns: 400 },
  );
});

test('on the seed: `tom ha` finds Tom Hanks then Tom Hardy, a typo still finds a name, a genre filter narrows the counts', () => {
  const { index } = seedIndex();
  const search = (facet: string, query: string) => searchFacetValues(index, parseFacetSearch(facet, query));
  const tomHa = search('cast', 'q=tom+ha').map((v) => v.value);
  assert.deepEqual(tomHa.slice(0, 2), ['Tom Hanks', 'Tom Hardy']);
  assert.equal(search('cast', 'q=morgan+freemna')[0]?.value, 'Morgan Freeman');
  const all = search('cast', 'q=tom+hanks')[0]?.count as number;
  const dramas = search('cast', 'q=tom+hanks&genre=Drama')[0]?.count as number;
  assert.ok(dramas > 0 && dramas < all, `${dramas} of ${all}`);
  assert.deepEqual(
    search('genre', 'q=science+fic').map((v) => v.value),
    ['Science Fiction'],
  );
  assert.equal(search('genre', 'q=comdy')[0]?.value, 'Comedy');
});

test('values tied on typos and movies come in the normalised value order, and a filter on the facet itself does not narrow it', () => {
  const films = [
    { title: 'A', cast: ['Tom Hanks', 'Tom Cruise'], genres: ['Drama'] },
    { title: 'B', cast: ['Tom Cruise', 'Tom Hanks', 'Tommy Lee Jones'], genres: ['Comedy'] },
    { title: 'C', cast: ['Tom Hanks'], genres: ['Drama'] },
  ];
  const movies: Movie[] = films.map((f, i) => ({ id: `000000000000000${i}`, year: 1990, ...f }));
  const index = CatalogueIndex.build('ties', movies);
  const values = (query: string) => searchFacetValues(index, parseFacetSearch('cast', query));
  assert.deepEqual(values('q=tom'), [
    { value: 'Tom Hanks', count: 3 },
    { value: 'Tom Cruise', count: 2 },
    { value: 'Tommy Lee Jones', count: 1 },
  ]);
  assert.deepEqual(values('q=tom&genre=Comedy'), [
    { value: 'Tom Cruise', count: 1 },
    { value: 'Tom Hanks', count: 1 },
    { value: 'Tommy Lee Jones', count: 1 },
  ]);
  assert.deepEqual(values('q=tom&cast=Tom+Cruise&genre=Drama'), [
    { value: 'Tom Hanks', count: 2 },
    { value: 'Tom Cruise', count: 1 },
  ]);
});
