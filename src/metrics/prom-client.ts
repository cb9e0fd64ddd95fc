import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';

/**
 * prom-client's metric classes, each required from its own file. prom-client's index also loads the
 * Pushgateway, the cluster aggregator and the default metrics with @opentelemetry/api: ~90 modules and
 * ~80 ms of CPU, against ~6 ms for these four, which is most of what the serving path uses. The files
 * are the ones the index requires, so a class is the same whichever way it was reached (instanceof, the
 * registry's checks); prom-client 15 ships no "exports" map that would forbid the paths. The types are
 * the package's own.
 */
const require = createRequire(import.meta.url);

export const Registry = require('prom-client/lib/registry') as typeof PromClient.Registry;
export const Counter = require('prom-client/lib/counter') as typeof PromClient.Counter;
export const Gauge = require('prom-client/lib/gauge') as typeof PromClient.Gauge;
export const Histogram = require('prom-client/lib/histogram') as typeof PromClient.Histogram;

/**
 * prom-client's default process_ and nodejs_ metrics in `registry`, loading the rest of prom-client to
 * do it: `cinedex serve` asks once it is ready, so the default metrics start then (the GC and event-loop
 * series count from there; process_cpu_seconds_total and the start time are the process's whole).
 */
export async function collectDefaultMetrics(registry: PromClient.Registry): Promise<void> {
  (await import('prom-client')).collectDefaultMetrics({ register: registry });
}
