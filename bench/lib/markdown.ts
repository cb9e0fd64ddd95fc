/** How the reports are written: numbers, tables in the Markdown the docs use, and the machine they ran on. */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export function fmt(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** Renders rows as a Markdown table, the format docs/performance.md uses. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** "2 × Intel(R) Xeon(R) …, 8 GiB, Node v20.20.2, linux": what every report says it was measured on. */
export function machine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpus().length} × ${model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
}

/**
 * What a bench keeps of the file it rewrites: from the hand-written marker to the end (the reading of the
 * numbers, measurements made by hand), or the marker alone the first time.
 */
export function keptAnalysis(file: string): string {
  const marker = '<!-- analysis: written by hand, kept by npm run bench -->';
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = old.indexOf(marker);
  return at === -1 ? `\n${marker}\n` : `\n${old.slice(at)}`;
}
