/**
 * Numbers however they are written: a sequel is `Superman II`, a person types `superman 2`, another
 * `police academy four` for Police Academy 4. Every spelling of one number from 1 to
 * NUMBER_FORMS_UP_TO is an equivalent of the others: arabic (`2`), Roman (`ii`), English words
 * (`two`), ordinal words (`second`) and ordinal numerals (`2nd`). The forms are folded words (lower
 * case), as the index and the query hold them.
 */

/** Sequel numbers and the numbers people spell out in titles stop well before this. */
export const NUMBER_FORMS_UP_TO = 20;

const CARDINALS = [
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
];
const ORDINALS = [
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
  'eleventh',
  'twelfth',
  'thirteenth',
  'fourteenth',
  'fifteenth',
  'sixteenth',
  'seventeenth',
  'eighteenth',
  'nineteenth',
  'twentieth',
];

function roman(n: number): string {
  const tens = 'x'.repeat(Math.floor(n / 10));
  return tens + (['', 'i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix'][n % 10] as string);
}

function ordinalNumeral(n: number): string {
  const suffix = n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

/** Each form's number. */
const VALUE = new Map<string, number>();
/** Each number's forms. */
const FORMS: string[][] = [];
for (let n = 1; n <= NUMBER_FORMS_UP_TO; n++) {
  const forms = [String(n), roman(n), CARDINALS[n - 1] as string, ORDINALS[n - 1] as string, ordinalNumeral(n)];
  FORMS[n] = forms;
  for (const form of forms) VALUE.set(form, n);
}

/** The other spellings of the number `word` spells (`2` → `ii`, `two`, `second`, `2nd`), or none. */
export function numberEquivalents(word: string): readonly string[] {
  const n = VALUE.get(word);
  if (n === undefined) return [];
  return (FORMS[n] as string[]).filter((form) => form !== word);
}
