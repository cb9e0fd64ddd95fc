/**
 * What the steps of a series hit (response-cache hits, edge cache outcomes), from the movement of the
 * server's Prometheus counters between a snapshot after the warm-up and the end of the series, or, for
 * nginx, which has no counters, from the lines its access log gained meanwhile.
 */
import { createReadStream, statSync } from 'node:fs';
import { fmt } from '../lib/markdown.js';

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

/** Answers the second compression tier recompressed since `before`: none, once the series has settled it. */
export async function recompressedSince(base: string, before: string): Promise<string> {
  return `second tier: ${fmt(moved(before, await metricsOf(base), 'cinedex_recompressions_total')('outcome="done"'), 0)} recompressed`;
}

/** Answers by cache outcome as shares, in `order` and then any others: "HIT 99.9 %, MISS 0.1 %"; zeros are left out. */
export function outcomeShares(counts: ReadonlyMap<string, number>, order: readonly string[] = []): string {
  const all = [...counts.values()].reduce((a, b) => a + b, 0);
  const keys = [...order, ...[...counts.keys()].filter((c) => !order.includes(c))];
  const shares = keys
    .map((c) => [c, counts.get(c) ?? 0] as const)
    .filter(([, n]) => n > 0)
    .map(([c, n]) => `${c} ${percent(n, all)}`);
  return shares.length > 0 ? shares.join(', ') : 'no answers';
}

/** The edge's answers since `before` by cache outcome, e.g. "HIT 99.9 %, MISS 0.1 %". */
export async function edgeCacheOutcomes(base: string, before: string): Promise<string> {
  const d = moved(before, await metricsOf(base), 'cinedex_edge_responses_total');
  const order = ['HIT', 'MISS', 'REVALIDATED', 'STALE'];
  return outcomeShares(new Map(order.map((c) => [c, d(`cache="${c}"`)])), order);
}

/** nginx's $upstream_cache_status values, in the order they are reported. */
export const NGINX_CACHE_STATUSES: readonly string[] = ['HIT', 'MISS', 'BYPASS', 'EXPIRED', 'STALE', 'UPDATING', 'REVALIDATED'];
/** The `cache` field of deploy/edge/nginx.conf's JSON log_format; empty for answers that never looked at the cache. */
const CACHE_FIELD = /"cache":"([^"]*)"/;

/** Adds the cache outcome of every complete line of an nginx access log to `counts` ("none" where it is empty). */
export function countCacheField(lines: readonly string[], counts: Map<string, number>): Map<string, number> {
  for (const line of lines) {
    if (line === '') continue;
    const status = CACHE_FIELD.exec(line)?.[1] ?? 'unreadable';
    const key = status === '' ? 'none' : status;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The size of nginx's access log now: where `nginxCacheOutcomes` starts counting. */
export const accessLogMark = (accessLog: string): string => String(statSync(accessLog).size);

/** nginx's answers since `before` (an accessLogMark) by cache outcome, read from its access log, e.g. "HIT 100.0 %". */
export async function nginxCacheOutcomes(accessLog: string, before: string): Promise<string> {
  const counts = new Map<string, number>();
  let partial = '';
  // Streamed: after a series the log holds a line per request, hundreds of megabytes.
  for await (const chunk of createReadStream(accessLog, { start: Number(before), encoding: 'utf8' })) {
    const lines = (partial + (chunk as string)).split('\n');
    partial = lines.pop() ?? '';
    countCacheField(lines, counts);
  }
  countCacheField([partial], counts);
  return outcomeShares(counts, NGINX_CACHE_STATUSES);
}
