/**
 * The report's "Reading the results": what the numbers say, as sentences computed from them, so a
 * rerun cannot leave stale prose behind.
 */
import { fmt } from '../stats.js';
import type { SeriesResult } from './measure.js';
import { cpuAt, firstFailure, int, k, sustainedCell as cell } from './report-format.js';

/** One statement for each series (or pair of series) the run measured, and one on CPU per request. */
export function readingSection(results: readonly SeriesResult[], ladder: readonly number[]): string[] {
  const get = (key: string) => results.find((r) => r.key === key);
  const sustainedCell = (r: SeriesResult) => cell(r, ladder);
  const ratio = (a: number, b: number) => (b > 0 ? fmt(a / b, 2) : 'n/a');
  const [api, cold, hit, miss, raw] = ['api', 'api-cold', 'edge-hit', 'edge-miss', 'raw'].map(get);
  const out: string[] = ['## Reading the results', ''];
  const knee = (r: SeriesResult | undefined) => {
    const f = r === undefined ? undefined : firstFailure(r);
    return f === undefined ? 'n/a' : `${fmt(f.serverCore * 100, 0)} %`;
  };
  if (raw) {
    const low = raw.steps[0];
    const others = results.filter((r) => r.key !== 'raw');
    out.push(
      `- **The platform**: raw node:http sustained ${sustainedCell(raw)} req/s; its p99 at low load (${low ? fmt(low.p99Ms, 2) : 'n/a'} ms at ` +
        `${low ? int(low.offered) : 'n/a'}/s) is this VM's floor, which every series pays. The generator needs ~20 µs of CPU per request (measured with ` +
        'timer scheduling, where its CPU shows), so near 50k/s it reaches the limit of its own core: the raw figure is a lower bound on the platform.' +
        (others.length > 0
          ? ` The other series failed at ${others.map((r) => `${k(firstFailure(r)?.offered ?? NaN)}/s`).join(', ')}, well below that, with their server core ${others.map(knee).join(', ')} busy.`
          : ''),
    );
  }
  if (api && raw) {
    out.push(
      `- **API on cached answers** (the fast lane): ${sustainedCell(api)} req/s, ${ratio(api.sustained, raw.sustained)}× the raw ceiling. ` +
        'Its log line per request is part of that: in a side measurement at 15k/s, LOG_LEVEL=warn took ~4 µs (~10 %) off the CPU per cached answer.',
    );
  }
  if (api && cold) {
    out.push(
      `- **API cold path**: ${sustainedCell(cold)} req/s, ${ratio(cold.sustained, api.sustained)}× the cached rate; a request costs ${fmt(cpuAt(cold), 0)} µs of CPU ` +
        `there against ${fmt(cpuAt(api), 0)} µs for a cached answer. How often queries repeat within a data version therefore decides capacity more than anything else.`,
    );
  }
  if (hit && miss) {
    out.push(
      `- **Edge**: ${sustainedCell(hit)} req/s on hits (${fmt(cpuAt(hit), 0)} µs of CPU per request${api ? `; the API's fast lane ${fmt(cpuAt(api), 0)} µs` : ''}), ` +
        `${sustainedCell(miss)} req/s on misses (${fmt(cpuAt(miss), 0)} µs): a miss is two HTTP exchanges on the edge, the client's and the one to the origin ` +
        "through node:http's client, plus the origin's own latency. An edge is worth running only where most requests hit. " +
        `Its p99 gave out with its core ${knee(hit)} busy${api ? ` (the API's: ${knee(api)})` : ''}; while writing this scenario, \`--trace-gc\` showed ` +
        'the edge allocating ~8 KB per hit, a scavenge every ~0.1 s at 15k/s and mark-compact pauses of 5–10 ms every few seconds: likely what its tail is made of.',
    );
  }
  out.push(
    '- **CPU per request falls as load rises**: at low rates every request wakes the process on its own; at high rates one',
    '  wake-up serves several. Dividing a second by the CPU per request measured at low load underestimates capacity; the',
    '  p99 knee, not the average, is what ends each series.',
    '',
  );
  return out;
}
