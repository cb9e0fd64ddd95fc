const COMBINING_MARKS = /\p{M}/gu;
const WHITESPACE_RUN = /\s+/gu;

/**
 * Case- and accent-insensitive form of a text: NFKD, combining marks removed, lower-cased,
 * trimmed, inner whitespace collapsed. Search terms, catalogue values and merge keys all go through
 * this one function, so "Amélie", "AMELIE" and " amelie " meet.
 */
export function normaliseText(text: string): string {
  // ASCII fast path: NFKD and mark removal are identities there, and most of the data is ASCII.
  // eslint-disable-next-line no-control-regex
  const folded = /^[\x00-\x7f]*$/.test(text) ? text : text.normalize('NFKD').replace(COMBINING_MARKS, '');
  return folded.toLowerCase().trim().replace(WHITESPACE_RUN, ' ');
}

/** The merge key of a movie: (normalised title, year). */
export function movieKey(title: string, year: number): string {
  return `${year}\u0000${normaliseText(title)}`;
}
