import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Movie } from '../../src/catalogue/movie.js';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import type { After, SearchRequest } from '../../src/engine/search-request.js';
import { searchMovies } from '../../src/engine/search.js';
import { Synonyms } from '../../src/engine/synonyms.js';
import { arbitraryCatalogue, arbitraryRequest, typed } from '../support/arbitrary-catalogue.js';
import { referenceFacet, referenceSearch, referenceWords, type ReferenceRequest } from '../support/reference-engine.js';
import type { ReferenceSynonymEntry } from '../support/reference-synonyms.js';
import { toSearch } from '../support/search-request.js';

/**
 * Synonyms against the reference model (reference-synonyms.ts): synonym sets drawn from the
 * catalogue's own words and a few it does not have, queries that type their keys (with typos) among
 * other words, every page, total and facet compared with a full scan.
 */

function walk(index: CatalogueIndex, request: SearchRequest, maxPages: number): { ids: string[]; total?: number; facets?: unknown } {
  const ids: string[] = [];
  let after: After | undefined;
  let first: { total?: number; facets?: unknown } | undefined;
  for (let pages = 1; pages <= maxPages; pages++) {
    const page = searchMovies(index, after ? { ...request, after } : request);
    first ??= page;
    for (const rank of page.ranks) ids.push(index.idOf(rank));
    if (!page.hasMore) break;
    const last = page.ranks.length - 1;
    const relevance = page.relevance?.[last];
    const position = index.positionOf(page.ranks[last] as number);
    after = relevance === undefined ? { position } : { position, relevance };
  }
  return { ids, ...first };
}

/** Synonym sets over the catalogue's words: one-way and multi-way, phrases of one or two words. */
function arbitrarySynonyms(movies: readonly Movie[]): fc.Arbitrary<ReferenceSynonymEntry[]> {
  const vocabulary = [...new Set(movies.flatMap((m) => [...referenceWords(m.title), ...m.cast.flatMap(referenceWords)]))];
  const word = fc.constantFrom(...vocabulary, 'lotr', 'scifi', 'flick');
  const phrase = fc.array(word, { minLength: 1, maxLength: 2 }).map((w) => w.join(' '));
  const entry = fc.record({ root: phrase, synonyms: fc.array(phrase, { minLength: 1, maxLength: 3 }) }, { requiredKeys: ['synonyms'] });
  return fc.array(entry, { minLength: 1, maxLength: 4 });
}

/** A request whose `q` mostly types a synonym's key, its words in order, some with typos, alone or among the catalogue's words. */
function arbitrarySynonymRequest(movies: readonly Movie[], entries: readonly ReferenceSynonymEntry[]): fc.Arbitrary<ReferenceRequest> {
  const keys = entries.flatMap((e) => (e.root === undefined ? e.synonyms : [e.root]));
  const key = fc
    .constantFrom(...keys)
    .chain((k) => fc.tuple(...referenceWords(k).map((w) => fc.oneof(fc.constant(w), fc.constant(w), typed(fc.constant(w))))))
    .map((words) => words.join(' '));
  return fc.tuple(arbitraryRequest(movies), key, fc.nat(4), fc.nat(3)).map(([withFilters, typedKey, how, filtered]) => {
    // Filters empty most answers: a request keeps them one time in four; the ranking is read one time in two.
    const sort = filtered % 2 === 1 ? 'relevance' : withFilters.sort;
    const match = withFilters.match ? { match: withFilters.match } : {};
    const r: ReferenceRequest = filtered === 0 ? withFilters : { q: withFilters.q, sort, cast: [], genres: [], ...match };
    const other = r.q ?? '';
    const q = [other, typedKey, `${typedKey} ${other}`, `${other} ${typedKey}`, typedKey][how]?.trim() || typedKey;
    return { ...r, q, synonyms: entries, ...(r.q === undefined && r.sort === 'year:desc' ? { sort: 'relevance' as const } : {}) };
  });
}

test('with synonyms, every page of every query matches a full scan, in every order, with totals and facets', () => {
  fc.assert(
    fc.property(
      arbitraryCatalogue.chain((movies) =>
        arbitrarySynonyms(movies).chain((entries) =>
          fc.tuple(fc.constant(movies), fc.constant(entries), arbitrarySynonymRequest(movies, entries), fc.integer({ min: 1, max: 7 })),
        ),
      ),
      ([movies, entries, r, limit]) => {
        const index = CatalogueIndex.build('v', movies, Synonyms.of(entries));
        const expected = referenceSearch(movies, r).map((m) => m.id);
        const request = toSearch(r, limit, { count: 'true', facets: 'genre,cast', facet_limit: '4' });
        const { ids, total, facets } = walk(index, request, Math.ceil(expected.length / limit) + 1);
        const context = JSON.stringify({ q: r.q, entries, sort: r.sort });
        assert.deepEqual(ids, expected, context);
        assert.equal(total, expected.length, `total of ${context}`);
        assert.deepEqual(facets, { genre: referenceFacet(movies, r, 'genre', 4), cast: referenceFacet(movies, r, 'cast', 4) }, context);
      },
    ),
    { numRuns: 400 },
  );
});

test('a version of several segments reads its synonyms in each: the same answers as one segment of the same movies', () => {
  fc.assert(
    fc.property(
      arbitraryCatalogue.chain((movies) =>
        arbitrarySynonyms(movies).chain((entries) =>
          fc.tuple(fc.constant(movies), fc.constant(entries), arbitrarySynonymRequest(movies, entries), fc.nat(movies.length)),
        ),
      ),
      ([movies, entries, r, cut]) => {
        const synonyms = Synonyms.of(entries);
        const split = CatalogueIndex.of(
          'v',
          [movies.slice(0, cut), movies.slice(cut)].map((part) => ({ index: SegmentIndex.build('v', part), deletes: [] })),
          synonyms,
        );
        const expected = referenceSearch(movies, r).map((m) => m.id);
        const { ids, total } = walk(split, toSearch(r, 5, { count: 'true' }), Math.ceil(expected.length / 5) + 1);
        assert.deepEqual(ids, expected, JSON.stringify({ q: r.q, entries, sort: r.sort }));
        assert.equal(total, expected.length);
      },
    ),
    { numRuns: 150 },
  );
});
