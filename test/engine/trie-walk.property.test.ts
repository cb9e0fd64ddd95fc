import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { codePoints } from '../../src/catalogue/words.js';
import { buildTrie } from '../../src/engine/build/trie.js';
import { matchedPrefixLength } from '../../src/engine/highlight.js';
import { compareCodePoints } from '../../src/engine/string-table.js';
import { deletionEntries } from '../../src/engine/deletion-entries.js';
import { editsUpToOne, shortWords } from '../../src/engine/short-words.js';
import { matchWord, trieReach } from '../../src/engine/trie-walk.js';
import { matchFromEntries, matchWordAndStarts } from '../../src/engine/word-lookup.js';
import type { TypoLookups } from '../../src/engine/typo-lookups.js';
import { matchesWhole, typoBudget, typosOf } from '../../src/engine/word-match.js';
import { osaDistance, prefixDistance } from '../support/reference-q.js';

/** Words over a small alphabet (so they collide), with an accented letter and one outside the BMP. */
const letter = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'é', '𝔸');
const word = fc.array(letter, { minLength: 1, maxLength: 11 }).map((l) => l.join(''));
const dictionary = fc.uniqueArray(word, { minLength: 1, maxLength: 80 }).map((words) => [...words].sort(compareCodePoints));

/** Up to two typos of one kind or another (swap, insertion, deletion, substitution) at chosen places. */
const typo = fc.tuple(fc.constantFrom('swap', 'insert', 'delete', 'substitute'), fc.nat(20), letter);
function misspell(w: string, typos: readonly (readonly [string, number, string])[]): string {
  const chars = [...w];
  for (const [kind, at, ch] of typos) {
    const i = at % (chars.length + 1);
    if (kind === 'swap' && i + 1 < chars.length) chars.splice(i, 2, chars[i + 1] as string, chars[i] as string);
    else if (kind === 'insert') chars.splice(i, 0, ch);
    else if (kind === 'delete' && chars.length > 1) chars.splice(Math.min(i, chars.length - 1), 1);
    else if (kind === 'substitute' && i < chars.length) chars[i] = ch;
  }
  return chars.join('');
}
/** A query near a word of the dictionary, so that most runs have matches to get right, or any word at all. */
const dictionaryAndQuery = dictionary.chain((words) =>
  fc.tuple(
    fc.constant(words),
    fc.oneof(
      fc.tuple(fc.constantFrom(...words), fc.array(typo, { maxLength: 2 })).map(([w, t]) => misspell(w, t)),
      word,
    ),
  ),
);

/** Every word of the sorted dictionary matches `query` with the typos the brute-force distances give. */
function matchesLikeTheReference(words: readonly string[], query: string, prefix: boolean): void {
  const points = codePoints(query);
  const budget = typoBudget(points.length);
  const matches = matchWord(buildTrie(words), points, budget, prefix);
  words.forEach((w, id) => {
    const whole = osaDistance(query, w);
    const best = prefix ? Math.min(whole, prefixDistance(query, w)) : whole;
    assert.equal(typosOf(matches, id), best <= budget ? best : -1, `${query} against ${w} (prefix ${prefix})`);
    assert.equal(matchesWhole(matches, id), whole <= budget, `${query} whole against ${w}`);
  });
}

test('the trie walk finds every word within the typo budget, whole or as a prefix, with the fewest typos', () => {
  fc.assert(
    fc.property(dictionaryAndQuery, fc.boolean(), ([words, query], prefix) => matchesLikeTheReference(words, query, prefix)),
    { numRuns: 1500 },
  );
});

test('words too long for the bit-parallel walk (over 30 characters) match by the same rules', () => {
  const base = fc.array(fc.constantFrom('a', 'b', 'é'), { minLength: 27, maxLength: 34 }).map((l) => l.join(''));
  // Variants of one long word, so some fall within two typos of the query and some do not.
  const edit = fc.tuple(fc.nat(40), fc.constantFrom('a', 'b', '𝔸', ''));
  const variants = (w: string) =>
    fc.uniqueArray(
      fc.array(edit, { maxLength: 3 }).map((edits) =>
        edits.reduce((s, [at, ch]) => {
          const chars = [...s];
          chars.splice(at % (chars.length + 1), ch === '' ? 1 : 0, ch);
          return chars.join('');
        }, w),
      ),
      { minLength: 1, maxLength: 30 },
    );
  fc.assert(
    fc.property(
      base.chain((w) => fc.tuple(fc.constant(w), variants(w), fc.boolean())),
      ([query, raw, prefix]) =>
        matchesLikeTheReference([...new Set(raw.filter((w) => w.length > 0))].sort(compareCodePoints), query, prefix),
    ),
    { numRuns: 300 },
  );
});

test("one walk finds the word's matches and each start's whole matches, each start within its own budget, as walks of their own do", () => {
  const startBudgets = fc.array(fc.integer({ min: -1, max: 2 }), { maxLength: 12 });
  fc.assert(
    fc.property(dictionaryAndQuery, fc.boolean(), startBudgets, ([words, query], prefix, budgets) => {
      const trie = buildTrie(words);
      const reach = trieReach(trie);
      const points = codePoints(query);
      const budget = typoBudget(points.length);
      const { matches, starts } = matchWordAndStarts(trie, points, budget, prefix, reach, budgets);
      assert.deepEqual(matches, matchWord(trie, points, budget, prefix, reach), `${query} itself`);
      budgets.forEach((b, k) => {
        const alone = b >= 0 && k > 0 && k < points.length ? matchWord(trie, points.slice(0, k), b, false, reach) : undefined;
        assert.deepEqual(starts[k], alone, `${query}: its first ${k} within ${b}`);
      });
    }),
    { numRuns: 1500 },
  );
});

/** The lookups a version derives (typo-lookups.ts), at chosen depths: entries for one typo and for two, and the short words. */
function lookupsAt(words: readonly string[], oneTypoDepth: number, twoTypoDepth: number, longest: number): TypoLookups {
  const trie = buildTrie(words);
  return {
    entries: [deletionEntries(trie, oneTypoDepth, 1), deletionEntries(trie, twoTypoDepth)],
    short: [shortWords(trie, longest, true), shortWords(trie, longest)],
  };
}

test('a word walked from the deletion entries, its starts with it, among the short words or on their own, matches as the one walk does', () => {
  const startBudgets = fc.array(fc.integer({ min: -1, max: 2 }), { maxLength: 12 });
  const depth = fc.integer({ min: 1, max: 8 });
  fc.assert(
    fc.property(
      dictionaryAndQuery,
      fc.boolean(),
      startBudgets,
      fc.tuple(depth, depth, fc.integer({ min: 1, max: 8 })),
      ([words, query], prefix, budgets, [one, two, longest]) => {
        const trie = buildTrie(words);
        const reach = trieReach(trie);
        const points = codePoints(query);
        const budget = typoBudget(points.length);
        assert.deepEqual(
          matchWordAndStarts(trie, points, budget, prefix, reach, budgets, lookupsAt(words, one, two, longest)),
          matchWordAndStarts(trie, points, budget, prefix, reach, budgets),
          `${query} from depths ${one} and ${two}, short words up to ${longest}`,
        );
      },
    ),
    { numRuns: 2000 },
  );
});

test('a walk from the deletion entries, or a lookup among the short words, finds what the walk from the root does', () => {
  fc.assert(
    fc.property(
      dictionaryAndQuery,
      fc.boolean(),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 2 }),
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 1, max: 8 }),
      fc.boolean(),
      ([words, query], prefix, depth, typos, budget, longest, wordsOnly) => {
        const trie = buildTrie(words);
        const reach = trieReach(trie);
        const points = codePoints(query);
        const lookups = { entries: [deletionEntries(trie, depth, typos)], short: [shortWords(trie, longest, wordsOnly)] };
        assert.deepEqual(
          matchFromEntries(trie, points, budget, prefix, reach, lookups),
          matchWord(trie, points, budget, prefix, reach),
          `${query} within ${budget} from depth ${depth} (${typos} typos), short words up to ${longest} (words only ${wordsOnly}, prefix ${prefix}) among ${words.join(' ')}`,
        );
      },
    ),
    { numRuns: 3000 },
  );
});

test('the trie keeps every word under its node: a node covers a contiguous range of word ids in order', () => {
  fc.assert(
    fc.property(dictionary, (words) => {
      const trie = buildTrie(words);
      const spelled: string[] = new Array<string>(trie.label.length).fill('');
      for (let node = 1; node < trie.label.length; node++) {
        let parent = node - 1;
        while ((trie.end[parent] as number) <= node) parent--;
        spelled[node] = (spelled[parent] as string) + String.fromCodePoint(trie.label[node] as number);
        const below = words.map((w, id) => [w, id] as const).filter(([w]) => w.startsWith(spelled[node] as string));
        assert.equal(trie.wordLo[node], below[0]?.[1], `first word under ${spelled[node]}`);
        assert.equal(trie.wordHi[node], (below.at(-1)?.[1] ?? -1) + 1, `last word under ${spelled[node]}`);
        assert.equal(trie.terminal[node] === 1, words.includes(spelled[node] as string));
      }
    }),
    { numRuns: 300 },
  );
});

test('a prefix match covers the part of the word the typed text stands for', () => {
  assert.equal(matchedPrefixLength(codePoints('godf'), codePoints('godfather')), 4);
  assert.equal(matchedPrefixLength(codePoints('godfth'), codePoints('godfather')), 7);
  assert.equal(matchedPrefixLength(codePoints('t'), codePoints('titanic')), 1);
  fc.assert(
    fc.property(word, word, (typed, w) => {
      const n = matchedPrefixLength(codePoints(typed), codePoints(w));
      const chars = [...w];
      const distance = (k: number) => osaDistance(typed, chars.slice(0, k).join(''));
      assert.ok(n >= 0 && n <= chars.length);
      for (let k = 1; k <= chars.length; k++) assert.ok(distance(n) <= distance(k), `${typed} in ${w}: ${n} is not the best prefix`);
    }),
  );
});

test('a word within one typo of a short query is told from its distance without a table', () => {
  fc.assert(
    fc.property(dictionaryAndQuery, ([words, query]) => {
      const points = codePoints(query);
      for (const w of words) {
        const held = Uint32Array.from([0, ...codePoints(w)]);
        assert.equal(editsUpToOne(points, held, 1, held.length - 1), Math.min(2, osaDistance(query, w)), `${query} against ${w}`);
      }
    }),
    { numRuns: 1500 },
  );
});
