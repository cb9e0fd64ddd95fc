import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { codePoints } from '../../src/catalogue/words.js';
import { buildTrie } from '../../src/engine/build/trie.js';
import { partTypos } from '../../src/engine/split-followers.js';
import { stringTable } from '../../src/engine/build/buffers.js';
import { codePointsAt, compareCodePoints } from '../../src/engine/string-table.js';
import { matchWord } from '../../src/engine/trie-walk.js';
import { typosOf } from '../../src/engine/word-match.js';

const letter = fc.constantFrom('a', 'b', 'c', 'é', '€', '𝔸');
const word = fc.array(letter, { minLength: 1, maxLength: 9 }).map((l) => l.join(''));
const dictionary = fc.uniqueArray(word, { minLength: 1, maxLength: 60 }).map((words) => [...words].sort(compareCodePoints));

// A split's right part matched among a left part's followers must read each of them as the trie walk it replaces does.
test('a right part matched among given words has the typos the trie walk gives each of them', () => {
  fc.assert(
    fc.property(dictionary, word, fc.integer({ min: 1, max: 2 }), fc.boolean(), (words, part, budget, prefix) => {
      const points = codePoints(part);
      const walked = matchWord(buildTrie(words), points, budget, prefix);
      // Read from the dictionary's bytes as matchAmong reads them.
      const table = stringTable(words);
      words.forEach((w, id) => {
        assert.deepEqual(codePointsAt(table, id), codePoints(w), `${w} decoded`);
        const typos = partTypos(points, codePointsAt(table, id), budget, prefix);
        assert.equal(typos <= budget ? typos : -1, typosOf(walked, id), `${part} against ${w} (budget ${budget}, prefix ${prefix})`);
      });
    }),
    { numRuns: 2000 },
  );
});
