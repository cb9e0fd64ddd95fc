// @ts-check
// Cast and genre names as a person types them: several in one field, separated by commas.

/** "Robert Downey, Jr." is one name: a suffix after a comma belongs to the name before it. */
const NAME_SUFFIX = /^(?:jr|sr)\.?$|^(?:ii|iii|iv)$/i;

/** @param {string} text */
export function splitNames(text) {
  /** @type {string[]} */
  const names = [];
  for (const part of text.split(',')) {
    const name = part.trim();
    if (name === '') continue;
    if (NAME_SUFFIX.test(name) && names.length > 0) names[names.length - 1] += `, ${name}`;
    else names.push(name);
  }
  return names;
}

/**
 * The API's comparison of names (case and accents ignored), so a typed "drama" lights the Drama chip.
 * @param {string} a
 * @param {string} b
 */
export function sameName(a, b) {
  /** @param {string} text */
  const fold = (text) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim().replace(/\s+/g, ' ');
  return fold(a) === fold(b);
}
