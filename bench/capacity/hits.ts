/**
 * What the steps of a series hit (response-cache hits, edge cache outcomes), from the movement of the
 * server's Prometheus counters between a snapshot after the warm-up and the end of the series.
 */
import { fmt } from '../stats.js';

/** The server's /metrics text. */
export const metricsOf = async (base: string): Promise<string> => (await fetch(`${base}/metrics`)).text();

/** Sum of a Prometheus counter's samples whose labels contain `match` (text exposition format). */
export function counter(metrics: string, name: string, match: string): number {
  let sum = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`) || !line.includes(match)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

const percent = (part: number, whole: number) => (whole > 0 ? `${fmt((100 * part) / whole, 1)} %` : 'n/a');

/** How a counter's matching samples moved between two /metrics texts. */
const moved = (before: string, after: string, name: string) => (match: string) =>
  counter(after, name, match) - counter(before, name, match);

/** The API's response-cache hit ratio since `before`, e.g. "response cache: 100.0 % hits". */
export async function responseCacheHits(base: string, before: string): Promise<string> {
  const d = moved(before, await metricsOf(base), 'cinedex_response_cache_lookups_total');
  const hits = d('result="hit"');
  return `response cache: ${percent(hits, hits + d('result="miss"'))} hits`;
}

/** The edge's answers since `before` by cache outcome, e.g. "HIT 99.9 %, MISS 0.1 %". */
export async function edgeCacheOutcomes(base: string, before: string): Promise<string> {
  const d = moved(before, await metricsOf(base), 'cinedex_edge_responses_total');
  const all = d('cache=');
  return ['HIT', 'MISS', 'REVALIDATED', 'STALE']
    .map((c) => [c, d(`cache="${c}"`)] as const)
    .filter(([, n]) => n > 0)
    .map(([c, n]) => `${c} ${percent(n, all)}`)
    .join(', ');
}
