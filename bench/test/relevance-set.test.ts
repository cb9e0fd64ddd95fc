import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  RelevanceSetError,
  TITLE_KINDS,
  TYPED_KINDS,
  loadPlotSet,
  loadRelevanceSet,
  parseRelevanceSet,
  typedSetFile,
  type RelevanceQuery,
} from '../relevance/relevance-set.js';
import { referenceExtractTerms, referenceQueryStems } from '../../test/support/reference-extract.js';
import { matchesQ } from '../../test/support/reference-q.js';
import { seed2023Path, seedPath } from '../../test/support/paths.js';

interface SeedRecord {
  title: string;
  year: number;
  cast?: string[];
}

const seed = JSON.parse(readFileSync(seedPath, 'utf8')) as SeedRecord[];

/** The one seed movie an entry expects (title exactly as the seed spells it, and year). */
function theMovie(entry: RelevanceQuery): SeedRecord {
  const found = seed.filter((m) => m.title === entry.expect.title && m.year === entry.expect.year);
  assert.equal(
    found.length,
    1,
    `the seed holds ${found.length} movies titled exactly ${JSON.stringify(entry.expect.title)} in ${entry.expect.year}`,
  );
  return found[0] as SeedRecord;
}

describe('the relevance set', () => {
  const entries = loadRelevanceSet();

  test('has at least 70 well-formed queries covering every kind', () => {
    assert.ok(entries.length >= 70, `only ${entries.length} queries`);
    for (const kind of TITLE_KINDS) {
      const count = entries.filter((e) => e.kind === kind).length;
      assert.ok(count >= 5, `kind ${kind} has ${count} queries, fewer than 5`);
    }
  });

  test('rejects malformed entries by name', () => {
    const good: RelevanceQuery = { q: 'jaws', expect: { title: 'Jaws', year: 1975 }, within: 1, kind: 'exact-title', why: 'w' };
    assert.equal(parseRelevanceSet([good]).length, 1);
    const broken: unknown[] = [
      { ...good, within: 2 },
      { ...good, kind: 'fuzzy' },
      { ...good, q: ' ' },
      { ...good, expect: { title: 'Jaws', year: '1975' } },
      { ...good, why: '' },
    ];
    for (const entry of broken) assert.throws(() => parseRelevanceSet([good, entry]), RelevanceSetError);
    assert.throws(() => parseRelevanceSet([good, good]), /appears twice/);
    assert.throws(() => parseRelevanceSet({}), RelevanceSetError);
  });

  for (const entry of entries) {
    test(`${JSON.stringify(entry.q)} → ${entry.expect.title} (${entry.expect.year})`, () => {
      assert.ok(matchesQ(entry.q, theMovie(entry)), `${JSON.stringify(entry.q)} does not match it under the q rule`);
    });
  }
});

describe('set (a): titles typed the way people type', () => {
  const entries = loadRelevanceSet(typedSetFile);

  test('has at least 60 queries, at least 10 of each kind, and none of the hand-labelled set', () => {
    assert.ok(entries.length >= 60, `only ${entries.length} queries`);
    for (const kind of TYPED_KINDS) {
      const count = entries.filter((e) => e.kind === kind).length;
      assert.ok(count >= 10, `kind ${kind} has ${count} queries, fewer than 10`);
    }
    const titled = new Set(loadRelevanceSet().map((e) => e.q));
    assert.deepEqual(
      entries.filter((e) => titled.has(e.q)).map((e) => e.q),
      [],
    );
  });

  for (const entry of entries) {
    test(`${JSON.stringify(entry.q)} → ${entry.expect.title} (${entry.expect.year})`, () => {
      const movie = theMovie(entry);
      const words = entry.q.split(' ');
      if (entry.kind === 'wrong-word') {
        // The wrong word is the one the film does not have: without it the query matches, with it not.
        assert.ok(!matchesQ(entry.q, movie), `${JSON.stringify(entry.q)} matches every word: no word is wrong`);
        assert.ok(
          words.some((_, i) => matchesQ(words.filter((_, j) => j !== i).join(' '), movie)),
          `${JSON.stringify(entry.q)} without any one of its words still does not match`,
        );
      } else {
        // Joined, split or another number: the issue-18 readings of the q rule match it.
        assert.ok(matchesQ(entry.q, movie), `${JSON.stringify(entry.q)} does not match it under the q rule`);
      }
    });
  }
});

describe('the plot set', () => {
  const entries = loadPlotSet();
  const catalogue = JSON.parse(readFileSync(seed2023Path, 'utf8')) as (SeedRecord & { extract?: string })[];

  test('has at least 60 queries, every one of kind plot, and refuses the title-set kinds', () => {
    assert.ok(entries.length >= 60, `only ${entries.length} queries`);
    assert.ok(entries.every((e) => e.kind === 'plot'));
    assert.throws(() => parseRelevanceSet([{ ...entries[0], kind: 'typo' }], ['plot']), RelevanceSetError);
  });

  for (const entry of entries) {
    test(`plot: ${JSON.stringify(entry.q)} → ${entry.expect.title} (${entry.expect.year})`, () => {
      const found = catalogue.filter((m) => m.title === entry.expect.title && m.year === entry.expect.year);
      assert.equal(
        found.length,
        1,
        `the 2023 set holds ${found.length} movies titled exactly ${JSON.stringify(entry.expect.title)} in ${entry.expect.year}`,
      );
      const extract = found[0]?.extract;
      assert.ok(extract !== undefined, 'the film has an extract to search');
      // Answerable in principle: some word of the query, stemmed, is in the extract.
      const terms = new Set(referenceExtractTerms(extract));
      assert.ok(
        referenceQueryStems(entry.q).some((s) => terms.has(s)),
        'no word of the query is in the extract',
      );
    });
  }
});
