import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Movie } from '../../src/catalogue/movie.js';
import { basePlaces, mergeByPlaces, placesUpTo } from '../../src/engine/base-places.js';
import { hasBit } from '../../src/engine/bits.js';
import { mergePages, type SegmentPage } from '../../src/engine/page-merge.js';
import type { LiveSegment } from '../../src/engine/live-segments.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { catalogueOfSize } from '../support/arbitrary-catalogue.js';
import { versionAnd, versions } from '../support/arbitrary-versions.js';
import { catalogueOrder } from '../support/reference-engine.js';

const moviesOf = (index: SegmentIndex): Movie[] => Array.from({ length: index.size }, (_, rank) => index.movie(rank));
const isLive = (segment: LiveSegment, rank: number) => segment.deadBits === undefined || !hasBit(segment.deadBits, rank);

/**
 * A delta's places among its base's ranks (base-places.ts) against the reference's catalogue order, movie by movie:
 * each place is how many base movies come strictly before, and for every live base movie, "before the delta's movie"
 * is exactly "its rank below the place" (no live base movie ties one of a delta's). The bound's prefix is the delta's
 * movies not after a live base movie.
 */
test("a delta's places among the base's ranks order every live base movie against it as the catalogue order does", () => {
  fc.assert(
    fc.property(versions, ({ catalogue }) => {
      const [base, ...deltas] = catalogue.segments as [LiveSegment, ...LiveSegment[]];
      const baseMovies = moviesOf(base.index);
      for (const delta of deltas) {
        const places = basePlaces(base.index, delta.index);
        assert.ok(places !== undefined && places.base === base.index);
        assert.equal(basePlaces(base.index, delta.index), places, 'found once, then kept with the delta');
        const deltaMovies = moviesOf(delta.index);
        deltaMovies.forEach((movie, f) => {
          assert.equal(places.ranks[f], baseMovies.filter((b) => catalogueOrder(b, movie) < 0).length, `place of ${f}`);
          baseMovies.forEach((b, r) => {
            if (isLive(base, r)) assert.equal(r < (places.ranks[f] as number), catalogueOrder(b, movie) < 0, `base ${r} against ${f}`);
          });
        });
        baseMovies.forEach((b, r) => {
          if (!isLive(base, r)) return;
          const upTo = deltaMovies.filter((m) => catalogueOrder(m, b) <= 0).length;
          assert.equal(placesUpTo(places.ranks, r), upTo, `up to base ${r}`);
        });
      }
    }),
    { numRuns: 200 },
  );
});

/**
 * A base's page and a delta's known matches merged by places: the first `want` of both in the reference's catalogue
 * order, the delta's from `from` on, as version ranks. The page is any ascending run of live base ranks (a filter's
 * page), the matches any ascending delta ranks.
 */
test("a base's page and a delta's matches merged by places are the first movies of both in catalogue order", () => {
  fc.assert(
    fc.property(
      versionAnd(() => fc.tuple(fc.infiniteStream(fc.boolean()), fc.nat(8), fc.integer({ min: 1, max: 8 }))),
      ([{ catalogue }, coin, fromDrawn, want]) => {
        const [base, ...deltas] = catalogue.segments as [LiveSegment, ...LiveSegment[]];
        const take = (n: number, keep: (rank: number) => boolean) =>
          Array.from({ length: n }, (_, r) => r).filter((r) => keep(r) && coin.next().value === true);
        const page = take(base.index.size, (r) => isLive(base, r));
        const baseMovies = moviesOf(base.index);
        for (const delta of deltas) {
          const places = basePlaces(base.index, delta.index);
          assert.ok(places !== undefined);
          const matches = Int32Array.from(take(delta.index.size, () => true));
          const from = Math.min(fromDrawn, matches.length);
          const merged = mergeByPlaces(page, places.ranks, matches, from, delta.docBase, want);
          const both = [
            ...page.map((r) => ({ rank: r, movie: baseMovies[r] as Movie })),
            ...[...matches.slice(from)].map((f) => ({ rank: delta.docBase + f, movie: delta.index.movie(f) })),
          ];
          both.sort((a, b) => catalogueOrder(a.movie, b.movie));
          assert.deepEqual(
            merged,
            both.slice(0, want).map((m) => m.rank),
          );
        }
      },
    ),
    { numRuns: 200 },
  );
});

/**
 * The same merge over a base and a delta of new movies only (no id in both): the delta's movies then fall between
 * the base's, and a delta movie's place is often the rank of the base movie right after it on the page, the tie
 * that must go to the delta (a version's random deltas, mostly changes of base movies, seldom make one).
 */
test("a delta of new movies merged by places with a base's page: ties of a place and a base rank go to the delta", () => {
  fc.assert(
    fc.property(
      catalogueOfSize(2, 40).chain((pool) =>
        fc.tuple(
          fc.constant(pool),
          fc.infiniteStream(fc.boolean()),
          fc.infiniteStream(fc.boolean()),
          fc.nat(8),
          fc.integer({ min: 1, max: 12 }),
        ),
      ),
      ([pool, side, coin, fromDrawn, want]) => {
        const inBase = pool.map(() => side.next().value === true);
        const base = SegmentIndex.build(
          'base',
          pool.filter((_, i) => inBase[i]),
        );
        const delta = SegmentIndex.build(
          'delta',
          pool.filter((_, i) => !inBase[i]),
        );
        const places = basePlaces(base, delta);
        assert.ok(places !== undefined);
        const page = Array.from({ length: base.size }, (_, r) => r).filter(() => coin.next().value === true);
        const matches = Int32Array.from(Array.from({ length: delta.size }, (_, f) => f).filter(() => coin.next().value === true));
        const from = Math.min(fromDrawn, matches.length);
        const docBase = base.size;
        const both = [
          ...page.map((r) => ({ rank: r, movie: base.movie(r) })),
          ...[...matches.slice(from)].map((f) => ({ rank: docBase + f, movie: delta.movie(f) })),
        ].sort((a, b) => catalogueOrder(a.movie, b.movie));
        assert.deepEqual(
          mergeByPlaces(page, places.ranks, matches, from, docBase, want),
          both.slice(0, want).map((m) => m.rank),
        );
      },
    ),
    { numRuns: 300 },
  );
});

/**
 * mergePages (page-merge.ts) in the year orders, a delta's page carrying its places: the first movies of every page
 * in the reference's order, whichever order the pages come in (the base's first, as search.ts lists them, or last).
 */
test('pages merged in the year orders through places come in the catalogue order, the base page first or last', () => {
  fc.assert(
    fc.property(
      versionAnd(() => fc.tuple(fc.infiniteStream(fc.boolean()), fc.integer({ min: 1, max: 8 }), fc.boolean(), fc.boolean())),
      ([{ catalogue }, coin, want, baseLast, ascending]) => {
        const segments = catalogue.segments as readonly LiveSegment[];
        const base = segments[0] as LiveSegment;
        const order = (a: Movie, b: Movie) => (ascending ? a.year - b.year : 0) || catalogueOrder(a, b);
        const entries = segments.map((segment) => {
          const movies = moviesOf(segment.index).map((movie, rank) => ({ movie, rank }));
          const shown = movies
            .filter(({ rank }) => isLive(segment, rank) && coin.next().value === true)
            .sort((a, b) => order(a.movie, b.movie));
          const places = segment === base ? undefined : basePlaces(base.index, segment.index);
          return { segment, shown, page: { segment, ranks: shown.map((m) => m.rank), places } satisfies SegmentPage };
        });
        const pages: SegmentPage[] = entries.map((e) => e.page);
        if (baseLast) pages.push(pages.shift() as SegmentPage);
        const expected = entries
          .flatMap(({ segment, shown }) => shown.map((m) => ({ movie: m.movie, rank: segment.docBase + m.rank })))
          .sort((a, b) => order(a.movie, b.movie))
          .slice(0, want)
          .map((m) => m.rank);
        assert.deepEqual(mergePages(pages, ascending ? 'year:asc' : 'year:desc', want).ranks, expected);
      },
    ),
    { numRuns: 200 },
  );
});

/** Places are of one base: asked against another (a compaction's), they are found again; a delta past the bound has none. */
test("a delta's places are found again against another base, and not for a delta larger than the bound", () => {
  fc.assert(
    fc.property(catalogueOfSize(2, 30), fc.nat(), fc.nat(), (pool, cutA, cutB) => {
      const a = SegmentIndex.build('a', pool.slice(0, cutA % pool.length));
      const b = SegmentIndex.build('b', pool.slice(cutB % pool.length));
      const delta = SegmentIndex.build(
        'delta',
        pool.filter((_, i) => i % 2 === 0),
      );
      const brute = (base: SegmentIndex) => moviesOf(delta).map((m) => moviesOf(base).filter((x) => catalogueOrder(x, m) < 0).length);
      assert.deepEqual([...(basePlaces(a, delta)?.ranks ?? [])], brute(a));
      assert.deepEqual([...(basePlaces(b, delta)?.ranks ?? [])], brute(b));
      assert.equal(basePlaces(a, delta, delta.size - 1), undefined, "past the bound (b's places are kept, not a's)");
    }),
    { numRuns: 100 },
  );
});
