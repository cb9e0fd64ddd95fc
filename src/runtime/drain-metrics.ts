import type { Registry } from 'prom-client';
import { Counter } from '../metrics/prom-client.js';

/**
 * `cinedex_drain_overrun_total`: stops that gave up on work still in progress (a serving drain
 * cutting requests, the queue watcher abandoning a run). The stopping process exports it in its
 * last seconds only, so Prometheus sees an overrun when it scrapes the process after the give-up
 * and before the exit: the watcher waits for that scrape (its metrics port stays open to the end);
 * a serving pod has closed its listener by then, and its error log line is the dependable record.
 */
export function registerDrainMetrics(registry: Registry): { overrun(): void } {
  const overruns = new Counter({
    name: 'cinedex_drain_overrun_total',
    help: 'Graceful stops that gave up on work in progress: requests cut after the close budget, or an ingestion run abandoned.',
    registers: [registry],
  });
  // A zero series from the start, so increase() sees the first overrun.
  overruns.inc(0);
  return { overrun: () => overruns.inc() };
}
