/**
 * Words for free-text search: a text folded one character at a time (NFKD, combining marks removed,
 * lower case, as normaliseText does) and split into runs of letters and digits. "Schindler's" is
 * `schindler` and `s`, "Spider-Man" is `spider` and `man`, "9½ Weeks" is `9`, `1`, `2` and `weeks`.
 *
 * Folding per character rather than per string keeps every word tied to the characters of the
 * original it came from, which highlighting needs, and gives the index, the query and the
 * highlighter one spelling. The one place it differs from folding a whole string: a word-final
 * sigma (ς) is folded to σ, as lower-casing a lone Σ gives.
 */

export interface WordSpan {
  /** The folded word. */
  readonly word: string;
  /** UTF-16 offsets of the original text the word came from: [start, end). */
  readonly start: number;
  readonly end: number;
  /** For each code point of `word`, the UTF-16 offset just past the original character it came from. */
  readonly charEnds: readonly number[];
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
const COMBINING_MARKS = /\p{M}/gu;
/** Folded non-ASCII characters, as they recur across a catalogue. */
const folded = new Map<string, string>();

/** One character (a code point, as a string), folded. */
export function foldChar(char: string): string {
  const code = char.charCodeAt(0);
  if (code < 128) return code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : char;
  let out = folded.get(char);
  if (out === undefined) {
    out = char.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase().replace(/ς/g, 'σ');
    folded.set(char, out);
  }
  return out;
}

function isWordChar(char: string): boolean {
  const code = char.charCodeAt(0);
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 97 && code <= 122);
  return LETTER_OR_DIGIT.test(char);
}

/** The words of `text`, with where each came from in it. */
export function wordSpans(text: string): WordSpan[] {
  const spans: WordSpan[] = [];
  let word = '';
  let start = 0;
  let charEnds: number[] = [];
  const close = (): void => {
    if (word !== '') spans.push({ word, start, end: charEnds[charEnds.length - 1] as number, charEnds });
    word = '';
    charEnds = [];
  };
  for (let at = 0; at < text.length;) {
    const code = text.codePointAt(at) as number;
    const width = code > 0xffff ? 2 : 1;
    const next = at + width;
    // Fast path: ASCII letters and digits fold to themselves (or their lower case).
    if (code < 128) {
      const lower = code >= 65 && code <= 90 ? code + 32 : code;
      if ((lower >= 48 && lower <= 57) || (lower >= 97 && lower <= 122)) {
        if (word === '') start = at;
        word += String.fromCharCode(lower);
        charEnds.push(next);
      } else close();
    } else {
      for (const char of foldChar(text.slice(at, next))) {
        if (isWordChar(char)) {
          if (word === '') start = at;
          word += char;
          charEnds.push(next);
        } else close();
      }
    }
    at = next;
  }
  close();
  return spans;
}

/** The folded words of `text`, in order. */
export function words(text: string): string[] {
  const out: string[] = [];
  let word = '';
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code < 128) {
      const lower = code >= 65 && code <= 90 ? code + 32 : code;
      if ((lower >= 48 && lower <= 57) || (lower >= 97 && lower <= 122)) word += String.fromCharCode(lower);
      else if (word !== '') {
        out.push(word);
        word = '';
      }
      continue;
    }
    const point = text.codePointAt(at) as number;
    const char = String.fromCodePoint(point);
    if (point > 0xffff) at++;
    for (const c of foldChar(char)) {
      if (isWordChar(c)) word += c;
      else if (word !== '') {
        out.push(word);
        word = '';
      }
    }
  }
  if (word !== '') out.push(word);
  return out;
}

/** The code points of a word, as numbers: typo matching counts edits in characters, not UTF-16 units or bytes. */
export function codePoints(word: string): number[] {
  const out: number[] = [];
  for (let at = 0; at < word.length; at++) {
    const point = word.codePointAt(at) as number;
    out.push(point);
    if (point > 0xffff) at++;
  }
  return out;
}
