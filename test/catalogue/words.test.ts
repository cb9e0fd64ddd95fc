import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { wordSpans, words } from '../../src/catalogue/words.js';
import { referenceWords } from '../support/reference-engine.js';

test('words are runs of letters and digits after folding, as the issue spells them out', () => {
  assert.deepEqual(words("Schindler's List"), ['schindler', 's', 'list']);
  assert.deepEqual(words('Spider-Man: Into the Spider-Verse'), ['spider', 'man', 'into', 'the', 'spider', 'verse']);
  assert.deepEqual(words('Prêt-à-Porter'), ['pret', 'a', 'porter']);
  assert.deepEqual(words('9½ Weeks'), ['91', '2', 'weeks'], 'NFKD spells ½ as 1⁄2, right after the 9');
  assert.deepEqual(words('ΟΔΥΣΣΕΑΣ'), ['οδυσσεασ'], 'a final sigma folds to σ, letter by letter');
  assert.deepEqual(words('  ...  '), []);
});

/** Text mixing ASCII, accents, punctuation, compatibility characters and characters beyond the BMP. */
const text = fc
  .array(fc.constantFrom('a', 'B', 'é', 'É', 'ß', 'ﬁ', '½', 'Æ', ' ', '-', "'", '’', '2', '𝔸', 'ǅ', 'Σ', 'ς', '\u0301', 'İ', '…'), {
    maxLength: 30,
  })
  .map((a) => a.join(''));

test('words and their spans agree with a plain fold-then-split of the whole text', () => {
  fc.assert(
    fc.property(text, (t) => {
      assert.deepEqual(words(t), referenceWords(t));
      assert.deepEqual(
        wordSpans(t).map((s) => s.word),
        words(t),
      );
    }),
    { numRuns: 2000 },
  );
});

test('each span points at the original characters its word came from', () => {
  fc.assert(
    fc.property(text, (t) => {
      let previousEnd = 0;
      for (const span of wordSpans(t)) {
        assert.ok(span.start >= previousEnd - 1 && span.start < span.end && span.end <= t.length, JSON.stringify(span));
        // Folding the original slice gives the word back as one of its words: a character at either end
        // may fold to more than one word, as ½ folds to 1⁄2 (the words 1 and 2 share its span).
        assert.ok(referenceWords(t.slice(span.start, span.end)).includes(span.word), JSON.stringify({ t, span }));
        // Each character of the word comes from the original character its charEnd closes, the first from the one at start.
        const chars = [...span.word];
        assert.equal(span.charEnds.length, chars.length);
        assert.equal([...t.slice(span.start, span.charEnds[0])].length, 1, JSON.stringify({ t, span }));
        chars.forEach((char, i) => {
          const original = [...t.slice(0, span.charEnds[i])].at(-1) as string;
          assert.ok(referenceWords(original).join('').includes(char), JSON.stringify({ t, span, i }));
        });
        assert.equal(span.charEnds[span.charEnds.length - 1], span.end);
        previousEnd = span.end;
      }
    }),
    { numRuns: 2000 },
  );
});
