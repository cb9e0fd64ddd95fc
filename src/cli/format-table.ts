import type { MoviePageItem } from '../client/index.js';

/** The fields the table shows; the API's movies have more. */
export type MovieRow = Pick<MoviePageItem, 'title' | 'year' | 'cast' | 'genres'>;

/** An aligned text table that fits `width` columns: title, year, genres, the first three cast members. */
export function formatTable(rows: readonly MovieRow[], width = 120): string {
  if (rows.length === 0) return 'No movies match.';
  const cells = rows.map((m) => [
    m.title,
    String(m.year),
    m.genres.join(', '),
    m.cast.slice(0, 3).join(', ') + (m.cast.length > 3 ? ', …' : ''),
  ]);
  const header = ['TITLE', 'YEAR', 'GENRES', 'CAST'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  // Shrink the widest free-text columns until the table fits; year never shrinks.
  while (widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1) > width) {
    const i = [0, 2, 3].reduce((best, j) => ((widths[j] as number) > (widths[best] as number) ? j : best), 0);
    if ((widths[i] as number) <= 8) break;
    widths[i] = (widths[i] as number) - 1;
  }
  const fit = (text: string, w: number) => (text.length > w ? `${text.slice(0, w - 1)}…` : text.padEnd(w));
  const line = (row: readonly string[]) =>
    row
      .map((c, i) => fit(c, widths[i] as number))
      .join('   ')
      .trimEnd();
  return [line(header), ...cells.map(line), '', `${rows.length} movie${rows.length === 1 ? '' : 's'}`].join('\n');
}
