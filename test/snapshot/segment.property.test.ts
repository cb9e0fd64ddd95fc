import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { buildIndex } from '../../src/engine/build/build-index.js';
import type { After, SearchRequest } from '../../src/engine/search-request.js';
import { searchMovies } from '../../src/engine/search.js';
import { SnapshotError } from '../../src/errors/errors.js';
import { SnapshotRepository } from '../../src/snapshot/repository.js';
import { encodeSegment, SEGMENT_FORMAT, SpooledSegment, type Segment } from '../../src/snapshot/segment-codec.js';
import { decodeSegment, SegmentReader } from '../../src/snapshot/segment-reader.js';
import type { SegmentRef } from '../../src/snapshot/manifest.js';
import { FolderStore } from '../../src/store/folder-store.js';
import { arbitraryCatalogue, arbitraryRequest } from '../support/arbitrary-catalogue.js';
import type { ReferenceRequest } from '../support/reference-engine.js';
import { toSearch } from '../support/search-request.js';

function request(r: ReferenceRequest, limit: number): SearchRequest {
  return toSearch(r, limit, { count: 'true', facets: 'genre,year,decade,cast', highlight: 'true' });
}

/** Every page of a request, as the movies' JSON, with totals, facets and highlights. */
function answers(index: CatalogueIndex, r: SearchRequest): unknown[] {
  const out: unknown[] = [];
  let after: After | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = searchMovies(index, after ? { ...r, after } : r);
    out.push({
      movies: page.ranks.map((rank) => index.movieJson(rank)),
      total: page.total,
      facets: page.facets,
      highlights: page.highlights?.map((h) => ({ title: h.title, cast: [...h.cast] })),
      relevance: page.relevance,
    });
    if (!page.hasMore) return out;
    const last = page.ranks.length - 1;
    const position = index.positionOf(page.ranks[last] as number);
    after = page.relevance ? { position, relevance: page.relevance[last] as number } : { position };
  }
  return out;
}

test('every query answers the same from an encoded and decoded segment as from the index built in memory', () => {
  fc.assert(
    fc.property(
      arbitraryCatalogue.chain((movies) =>
        fc.tuple(fc.constant(movies), fc.array(arbitraryRequest(movies), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 6 })),
      ),
      ([movies, requests, limit]) => {
        const built = buildIndex('v1', movies);
        const { bytes, sha256 } = encodeSegment(built, { note: 'meta survives' });
        const decoded = decodeSegment<{ note: string }>(bytes, sha256);
        assert.deepEqual(decoded.meta, { note: 'meta survives' });
        // Byte for byte, every array of the index.
        assert.deepEqual(decoded.index, built);
        const inMemory = CatalogueIndex.of('v1', [{ index: new SegmentIndex(built), deletes: [] }]);
        const fromSegment = CatalogueIndex.of('v1', [{ index: new SegmentIndex(decoded.index), deletes: [] }]);
        for (const r of requests)
          assert.deepEqual(answers(fromSegment, request(r, limit)), answers(inMemory, request(r, limit)), JSON.stringify(r));
      },
    ),
    { numRuns: 150 },
  );
});

test('a segment is the same bytes every time it is built from the same catalogue', () => {
  fc.assert(
    fc.property(arbitraryCatalogue, (movies) => {
      const a = encodeSegment(buildIndex('v', movies), { run: 1 });
      const b = encodeSegment(buildIndex('v', [...movies].reverse()), { run: 1 });
      assert.equal(a.sha256, b.sha256, 'the order movies arrive in does not matter');
      assert.ok(a.bytes.equals(b.bytes));
    }),
    { numRuns: 50 },
  );
});

test('a segment written section by section through a spool, each array let go as it is written, is the bytes of one encoded whole', async () => {
  await fc.assert(
    fc.asyncProperty(arbitraryCatalogue, async (movies) => {
      const whole = encodeSegment(buildIndex('v', movies), { run: 1 });
      const spool = await SpooledSegment.open();
      try {
        const index = buildIndex('v', movies, spool);
        const spooled = spool.segment(index, { run: 1 });
        assert.equal(spooled.sha256, whole.sha256);
        assert.equal(spooled.length, whole.bytes.length);
        // Walked twice, as a retried upload walks it.
        for (let pass = 0; pass < 2; pass++) assert.ok(Buffer.concat([...spooled.chunks()]).equals(whole.bytes));
        // The build kept nothing of a section once it was written: what stands for each is empty.
        assert.equal(index.movies.bytes.length + index.grams.postings.values.length + index.titles.bytes.length, 0);
      } finally {
        await spool.close();
      }
    }),
    { numRuns: 100 },
  );
});

test('a damaged segment is refused: a flipped byte, a truncated object, another format, a checksum the pointer does not name', () => {
  const { bytes, sha256 } = encodeSegment(
    buildIndex('v', [{ id: '0123456789abcdef', title: 'Jaws', year: 1975, cast: ['Roy Scheider'], genres: ['Thriller'] }]),
    {},
  );
  const flipped = Buffer.from(bytes);
  flipped[100] = (flipped[100] as number) ^ 0x01;
  assert.throws(() => decodeSegment(flipped), /checksum mismatch/);
  assert.throws(() => decodeSegment(bytes.subarray(0, bytes.length - 7)), /checksum mismatch/);
  assert.throws(() => decodeSegment(bytes.subarray(0, 20)), /not a cinedex segment|checksum/);
  const newer = Buffer.from(bytes);
  newer.writeUInt32LE(SEGMENT_FORMAT + 1, 8);
  assert.throws(
    () => decodeSegment(newer),
    (e: unknown) =>
      e instanceof Error &&
      new RegExp(`segment format ${SEGMENT_FORMAT + 1} is not one this release reads`).test(e.message) &&
      (e as { reason?: string }).reason === 'unknown-format',
  );
  assert.throws(() => decodeSegment(bytes, 'f'.repeat(64)), /is not the one the pointer names/);
  assert.throws(() => decodeSegment(Buffer.from('definitely not a segment, but long enough to have a footer')), /not a cinedex segment/);
  // And a misaligned copy still reads (views need alignment; the decoder copies when it must).
  const shifted = Buffer.alloc(bytes.length + 3);
  bytes.copy(shifted, 3);
  assert.equal(decodeSegment(shifted.subarray(3), sha256).index.size, 1);
});

/**
 * A segment's reader fed as a store feeds it: views asked for in sizes `cuts` (cycled; as a network's
 * chunks or a file's reads cut them), two in flight at a time, the object `announced` bytes long by
 * the store's account, its bytes ending after `arrive` of them (a connection cut short).
 */
function streamed<Meta>(bytes: Uint8Array, cuts: readonly number[], announced = bytes.length, arrive = bytes.length): Segment<Meta> {
  const reader = new SegmentReader<Meta>(announced);
  const inFlight: Uint8Array[] = [];
  let asked = 0;
  let arrived = 0;
  for (let i = 0; ; i++) {
    while (inFlight.length < 2 && asked < announced) {
      const view = reader.next(Math.min(cuts[i % cuts.length] as number, announced - asked));
      if (view === undefined) break;
      assert.ok(view.length > 0);
      inFlight.push(view);
      asked += view.length;
    }
    const view = inFlight.shift();
    if (view === undefined) break;
    const n = Math.max(0, Math.min(view.length, Math.min(arrive, bytes.length) - arrived));
    view.set(bytes.subarray(arrived, arrived + n));
    reader.filled(view, n);
    arrived += n;
    if (n < view.length) break;
  }
  return reader.result(undefined);
}

test('a segment read as it arrives, cut anywhere, decodes to the index of the segment read whole; damaged or cut short, it is refused', () => {
  fc.assert(
    fc.property(
      arbitraryCatalogue.chain((movies) => {
        const { bytes, sha256 } = encodeSegment(buildIndex('v', movies), { kind: 'base', movies: movies.length });
        return fc.record({
          bytes: fc.constant(bytes),
          sha256: fc.constant(sha256),
          cuts: fc.array(fc.integer({ min: 1, max: bytes.length }), { minLength: 1, maxLength: 8 }),
          small: fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
          at: fc.integer({ min: 0, max: bytes.length - 1 }),
          flip: fc.integer({ min: 1, max: 255 }),
        });
      }),
      ({ bytes, sha256, cuts, small, at, flip }) => {
        const whole = decodeSegment(bytes, sha256);
        for (const pieces of [cuts, small]) {
          const segment = streamed(bytes, pieces);
          assert.deepEqual(segment.index, whole.index);
          assert.deepEqual(segment.meta, whole.meta);
          // A byte damaged anywhere, the footer included.
          const damaged = Buffer.from(bytes);
          damaged[at] = (damaged[at] as number) ^ flip;
          assert.throws(() => streamed(damaged, pieces), SnapshotError);
          // Bytes that stop coming before the object's end; an object shorter or longer than the store said.
          assert.throws(() => streamed(bytes, pieces, bytes.length, at), /checksum mismatch: the object is damaged or truncated/);
          assert.throws(() => streamed(bytes.subarray(0, at), pieces, at), SnapshotError);
          assert.throws(() => streamed(Buffer.concat([bytes, bytes.subarray(0, at + 1)]), pieces), SnapshotError);
        }
      },
    ),
    { numRuns: 100 },
  );
});

test('a segment read as it arrives stops at a wrong magic or an unknown format, and says so as a segment read whole does', () => {
  const { bytes } = encodeSegment(buildIndex('v', [{ id: '0123456789abcdef', title: 'Jaws', year: 1975, cast: [], genres: [] }]), {});
  const newer = Buffer.from(bytes);
  newer.writeUInt32LE(SEGMENT_FORMAT + 1, 8);
  const notOne = Buffer.from(bytes);
  notOne.write('NOTCINE', 0, 'latin1');
  for (const [damaged, message] of [
    [newer, `segment format ${SEGMENT_FORMAT + 1} is not one this release reads`],
    [notOne, 'not a cinedex segment'],
  ] as const) {
    const reader = new SegmentReader(damaged.length);
    let asked = 0;
    for (let view = reader.next(16); view !== undefined; view = reader.next(1024)) {
      view.set(damaged.subarray(asked, asked + view.length));
      asked += view.length;
      reader.filled(view, view.length);
    }
    assert.equal(asked, 16, 'nothing is read past the prefix');
    assert.throws(() => reader.result(), new RegExp(message));
    assert.throws(() => decodeSegment(damaged), new RegExp(message));
  }
});

test('a format-1 segment (before the extract tier) still reads, with no extract to search, and answers as a catalogue without extracts', () => {
  const movies = [
    {
      id: '0123456789abcdef',
      title: 'Jaws',
      year: 1975,
      cast: ['Roy Scheider'],
      genres: ['Thriller'],
      extract: 'A great white shark attacks beachgoers.',
    },
    {
      id: '0123456789abcdee',
      title: 'Twister',
      year: 1996,
      cast: ['Helen Hunt'],
      genres: ['Disaster'],
      extract: 'Storm chasers follow a tornado.',
    },
  ];
  const built = buildIndex('v', movies);
  assert.ok(built.extract.documents === 2, 'format 2 indexes the extracts');
  const { extract: _dropped, ...withoutExtract } = built;
  const { castNames: _derived, nameWords: _alsoDerived, ...words } = built.words;
  // What a format-1 release wrote: the same sections but the extract's and the cast names by word, the format field 1, its own footer.
  const { bytes } = encodeSegment({ ...withoutExtract, words } as typeof built, {});
  bytes.writeUInt32LE(1, 8);
  const body = bytes.subarray(0, bytes.length - 32);
  createHash('sha256').update(body).digest().copy(bytes, body.length);
  const oldSegment = new SegmentIndex(decodeSegment(bytes).index);
  const old = CatalogueIndex.of('v1', [{ index: oldSegment, deletes: [] }]);
  assert.equal(oldSegment.data.extract.documents, 0);
  assert.deepEqual(oldSegment.data.words.castNames, built.words.castNames, 'the cast names by word, derived as it loads');
  assert.deepEqual(oldSegment.data.words.nameWords, built.words.nameWords, "each cast name's words, derived as it loads");
  const byPlot = (index: CatalogueIndex) =>
    searchMovies(index, toSearch({ q: 'shark', cast: [], genres: [], sort: 'relevance' }, 5)).ranks.length;
  assert.equal(byPlot(CatalogueIndex.of('v1', [{ index: new SegmentIndex(built), deletes: [] }])), 1, 'format 2 finds Jaws by its extract');
  assert.equal(byPlot(old), 0, 'format 1 has no extract to find it by');
  assert.equal(searchMovies(old, toSearch({ q: 'jaws', cast: [], genres: [], sort: 'relevance' }, 5)).ranks.length, 1);
});

test("a format-2 segment written before the cast names' words were stored reads, with them derived, and answers split words alike", () => {
  const movies = [
    { id: '0123456789abcdef', title: 'Iron Man', year: 2008, cast: ['Robert Downey Jr.', 'Gwyneth Paltrow'], genres: ['Action'] },
    { id: '0123456789abcdee', title: 'Chaplin', year: 1992, cast: ['Robert Downey Jr.'], genres: ['Drama'] },
  ];
  const built = buildIndex('v', movies);
  const { nameWords: _derived, ...words } = built.words;
  const { bytes } = encodeSegment({ ...built, words } as typeof built, {});
  const older = decodeSegment(bytes).index;
  assert.deepEqual(older.words.nameWords, built.words.nameWords);
  const answer = (data: typeof built, q: string) =>
    searchMovies(
      CatalogueIndex.of('v1', [{ index: new SegmentIndex(data), deletes: [] }]),
      toSearch({ q, cast: [], genres: [], sort: 'relevance' }, 5),
    ).ranks.length;
  assert.equal(answer(older, 'downeyjr'), 2, 'a cast name split, read through the derived words');
  assert.equal(answer(older, 'ironman'), answer(built, 'ironman'));
});

/** A segment of one movie whose header's first byte is `}`, with a footer that matches: only the header is wrong. */
function segmentWithBrokenHeader(): Buffer {
  const { bytes } = encodeSegment(buildIndex('v', [{ id: '0123456789abcdef', title: 'Jaws', year: 1975, cast: [], genres: [] }]), {});
  const broken = Buffer.from(bytes);
  broken.write('}', 16, 'latin1'); // the header starts after magic (8 bytes), format and header length (4 each)
  const body = broken.subarray(0, broken.length - 32);
  createHash('sha256').update(body).digest().copy(broken, body.length);
  return broken;
}

test("a refused segment keeps what refused it as the cause: the JSON parser's error, then the decoder's", async () => {
  const broken = segmentWithBrokenHeader();
  assert.throws(
    () => decodeSegment(broken),
    (e: unknown) => e instanceof SnapshotError && /header is not valid JSON/.test(e.message) && e.cause instanceof SyntaxError,
  );
  const repository = new SnapshotRepository(new FolderStore(mkdtempSync(join(tmpdir(), 'cinedex-segment-cause-'))));
  const key = 'catalogue/segments/broken.seg';
  await repository.store.put(key, broken);
  const sha256 = createHash('sha256')
    .update(broken.subarray(0, broken.length - 32))
    .digest('hex');
  const ref: SegmentRef = { key, sha256, bytes: broken.length, format: SEGMENT_FORMAT, sequence: 1, movies: 1, deletes: 0 };
  await assert.rejects(repository.loadSegment(ref), (e: unknown) => {
    assert.ok(e instanceof SnapshotError);
    assert.match(e.message, /^segment catalogue\/segments\/broken\.seg: segment header is not valid JSON/);
    assert.equal(e.reason, 'damaged');
    assert.ok(e.cause instanceof SnapshotError, "the decoder's own refusal");
    assert.ok(e.cause.cause instanceof SyntaxError);
    return true;
  });
});
