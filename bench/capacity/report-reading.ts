/**
 * The report's "Reading the results": what the numbers say, as sentences computed from them, so a
 * rerun cannot leave stale prose behind.
 */
import { fmt } from '../lib/markdown.js';
import type { SeriesResult } from './measure.js';
import { cpuAt, firstFailure, int, k, sustainedCell as cell } from './report-format.js';
import type { Settings } from './settings.js';

/** The highest offered rate both series passed: where their CPU per request compares at equal load. */
export function commonPassedRate(a: SeriesResult, b: SeriesResult): number | undefined {
  const passed = (r: SeriesResult) => new Set(r.steps.filter((s) => s.passed).map((s) => s.offered));
  const inB = passed(b);
  const both = [...passed(a)].filter((rate) => inB.has(rate));
  return both.length > 0 ? Math.max(...both) : undefined;
}

/** A ratio as the reading states it, "1.20×", or "n/a" when it has no meaning. */
const times = (a: number, b: number): string => (Number.isFinite(a / b) && b > 0 ? `${fmt(a / b, 2)}×` : 'n/a');

/** Server CPU per request at an offered rate, µs (NaN when that step is missing). */
const cpuAtRate = (r: SeriesResult, rate: number) => r.steps.find((s) => s.offered === rate)?.serverCpuUs ?? NaN;

/** One statement for each series (or pair of series) the run measured, and one on CPU per request. */
export function readingSection(results: readonly SeriesResult[], settings: Pick<Settings, 'ladder' | 'sloMs'>): string[] {
  const { ladder, sloMs } = settings;
  const get = (key: string) => results.find((r) => r.key === key);
  const sustainedCell = (r: SeriesResult) => cell(r, ladder);
  const ratio = (a: number, b: number) => (b > 0 ? fmt(a / b, 2) : 'n/a');
  const [api, br, cold, hit, miss, raw, nginx, replay] = [
    'api',
    'api-br',
    'api-cold',
    'edge-hit',
    'edge-miss',
    'raw',
    'nginx-hit',
    'replay',
  ].map(get);
  const out: string[] = ['## Reading the results', ''];
  const knee = (r: SeriesResult | undefined) => {
    const f = r === undefined ? undefined : firstFailure(r);
    return f === undefined ? 'n/a' : `${fmt(f.serverCore * 100, 0)} %`;
  };
  if (raw) {
    const low = raw.steps[0];
    const others = results.filter((r) => r.key !== 'raw' && r.key !== 'replay');
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
  if (br) out.push(brAgainstIdentity(br, api, sustainedCell));
  if (api && replay) {
    out.push(
      `- **API against node:http replaying its answers** (the same status, headers and bytes from a Map): ${sustainedCell(api)} against ` +
        `${sustainedCell(replay)} req/s (${ratio(api.sustained, replay.sustained)}×), ${fmt(cpuAt(api), 1)} against ${fmt(cpuAt(replay), 1)} µs of CPU ` +
        `per request (${ratio(cpuAt(api), cpuAt(replay))}×): what a cached answer costs beyond writing its bytes, its log line included.`,
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
      `- **cinedex edge**: ${sustainedCell(hit)} req/s on hits (${fmt(cpuAt(hit), 0)} µs of CPU per request${api ? `; the API's fast lane ${fmt(cpuAt(api), 0)} µs` : ''}), ` +
        `${sustainedCell(miss)} req/s on misses (${fmt(cpuAt(miss), 0)} µs): a miss is two HTTP exchanges on the edge, the client's and the one to the origin ` +
        "through node:http's client, plus the origin's own latency. An edge is worth running only where most requests hit. " +
        `Its p99 gave out with its core ${knee(hit)} busy${api ? ` (the API's: ${knee(api)})` : ''}; while writing this scenario, \`--trace-gc\` showed ` +
        'the edge allocating ~8 KB per hit, a scavenge every ~0.1 s at 15k/s and mark-compact pauses of 5–10 ms every few seconds: likely what its tail is made of.',
    );
  }
  if (nginx) out.push(nginxAgainstEdge(nginx, hit, raw, sustainedCell, knee, sloMs));
  out.push(
    '- **CPU per request falls as load rises**: at low rates every request wakes the process on its own; at high rates one',
    '  wake-up serves several. Dividing a second by the CPU per request measured at low load underestimates capacity; the',
    '  p99 knee, not the average, is what ends each series.',
    '',
  );
  return out;
}

/** nginx's hits against cinedex edge's, both on one core: the rate each sustained within the SLO and the CPU per request. */
function nginxAgainstEdge(
  nginx: SeriesResult,
  hit: SeriesResult | undefined,
  raw: SeriesResult | undefined,
  sustainedCell: (r: SeriesResult) => string,
  knee: (r: SeriesResult | undefined) => string,
  sloMs: number,
): string {
  const out = [
    `- **nginx against cinedex edge, cache hits, one core each**: nginx with one worker process sustained ${sustainedCell(nginx)} req/s ` +
      `with p99 under ${sloMs} ms, at ${fmt(cpuAt(nginx), 1)} µs of CPU per request (master and worker)` +
      (hit
        ? `; cinedex edge ${sustainedCell(hit)} req/s at ${fmt(cpuAt(hit), 1)} µs: nginx sustained ${times(nginx.sustained, hit.sustained)} its rate.`
        : '.'),
  ];
  if (nginx.ceilingNotFound) out.push('No nginx step failed before the ladder ran out: its capacity is higher.');
  else if (raw !== undefined && raw.sustained > 0 && nginx.sustained >= 0.9 * raw.sustained)
    out.push(
      `nginx's rate is within 10 % of the raw control's (${sustainedCell(raw)} req/s), about the most this generator drives: the generator, ` +
        `not nginx, likely ended its search (nginx's core was ${knee(nginx)} busy at the failing step), so the nginx figure is a lower bound.`,
    );
  else out.push(`nginx's p99 gave out with its core ${knee(nginx)} busy${hit ? ` (cinedex edge's: ${knee(hit)})` : ''}.`);
  if (hit) {
    const common = commonPassedRate(nginx, hit);
    // CPU per request falls as load rises, so the figures above come from different loads; a rate both passed compares like with like.
    if (common !== undefined)
      out.push(
        `At ${int(common)}/s, the highest step both passed, a hit cost ${fmt(cpuAtRate(nginx, common), 1)} µs of CPU on nginx and ` +
          `${fmt(cpuAtRate(hit, common), 1)} µs on cinedex edge (${times(cpuAtRate(nginx, common), cpuAtRate(hit, common))}).`,
      );
    out.push('nginx writes an access-log line for every request, as committed; cinedex edge at info logs no requests.');
  }
  return out.join(' ');
}

/** The query mix in br against the same mix in identity: cached answers both, so what br changes is the bytes written. */
function brAgainstIdentity(br: SeriesResult, api: SeriesResult | undefined, sustainedCell: (r: SeriesResult) => string): string {
  const out = [
    `- **API on cached answers in br** (\`Accept-Encoding: br\`, each answer recompressed at brotli 11 before the steps): ` +
      `${sustainedCell(br)} req/s at ${fmt(cpuAt(br), 1)} µs of CPU per request` +
      (api
        ? `; in identity ${sustainedCell(api)} req/s at ${fmt(cpuAt(api), 1)} µs (${times(br.sustained, api.sustained)} the rate).`
        : '.'),
  ];
  const common = api === undefined ? undefined : commonPassedRate(br, api);
  // CPU per request falls as load rises: the two compare like with like only at one rate.
  if (api && common !== undefined)
    out.push(
      `At ${int(common)}/s, the highest step both passed, a br answer cost ${fmt(cpuAtRate(br, common), 1)} µs of CPU and an identity ` +
        `answer ${fmt(cpuAtRate(api, common), 1)} µs (${times(cpuAtRate(br, common), cpuAtRate(api, common))}): the br bytes come from the ` +
        'response cache as the identity bytes do, and are fewer to write.',
    );
  return out.join(' ');
}
