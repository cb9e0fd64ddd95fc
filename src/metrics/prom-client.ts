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
 * How often node's event-loop delay monitor samples, behind `nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,p99}_seconds`
 * (prom-client's `eventLoopMonitoringPrecision`; its default is 10 ms). Each sample is a libuv timer firing, which wakes
 * an idle process: at 10 ms that was ~90 wake-ups and ~5 ms of CPU a second doing nothing, and below saturation a few
 * µs on every answer (docs/investigations/cached-answer.md, issue 21's fourth pass and 2026-12-05). A sample records the time between
 * two firings, so these series read the period plus the lag (an idle process's p50 is 0.1 s at 100 ms) and a stall
 * much shorter than the period is seen in proportion to its length; `nodejs_eventloop_lag_seconds`, measured at
 * scrape time, does not depend on it. No alert or dashboard of deploy/ reads them (docs/operations.md, "Alerts and dashboard").
 */
export const EVENT_LOOP_MONITORING_MS = 100;

/**
 * prom-client's default process_ and nodejs_ metrics in `registry`, loading the rest of prom-client to
 * do it: `cinedex serve` asks once it is ready, so the default metrics start then (the GC and event-loop
 * series count from there; process_cpu_seconds_total and the start time are the process's whole).
 */
export async function collectDefaultMetrics(registry: PromClient.Registry): Promise<void> {
  (await import('prom-client')).collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_MONITORING_MS });
}
