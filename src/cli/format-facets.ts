import type { Facets, FacetValue } from '../client/index.js';

export function formatTotal(total: number): string {
  return `${total} match${total === 1 ? '' : 'es'}`;
}

/**
 * One line per facet, `genre: Drama 8744 · Comedy 7000 · …`, wrapped to `width` with the values
 * lined up under the first; a decade reads as one (1990s), since the API gives its first year.
 */
export function formatFacets(facets: Facets, width = 120): string {
  const entries = Object.entries(facets) as [keyof Facets, readonly FacetValue[]][];
  const labelWidth = Math.max(...entries.map(([name]) => name.length)) + 2;
  return entries
    .map(([name, values]) => {
      const label = `${name}:`.padEnd(labelWidth);
      if (values.length === 0) return `${label}(none)`;
      const items = values.map((v) => `${name === 'decade' ? `${v.value}s` : v.value} ${v.count}`);
      return wrap(label, items, width);
    })
    .join('\n');
}

const SEPARATOR = ' · ';

function wrap(label: string, items: readonly string[], width: number): string {
  const lines: string[] = [];
  let line = label;
  let empty = true;
  for (const item of items) {
    if (!empty && line.length + SEPARATOR.length + item.length > width) {
      lines.push(`${line}${SEPARATOR.trimEnd()}`);
      line = ' '.repeat(label.length);
      empty = true;
    }
    line += empty ? item : `${SEPARATOR}${item}`;
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}
