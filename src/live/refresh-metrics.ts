import type { Registry } from 'prom-client';
import { Counter, Gauge } from '../metrics/prom-client.js';
import type { SnapshotRefresher } from './refresher.js';

/** The refresher's counts as Prometheus series, read when scraped. */
export function registerRefreshMetrics(registry: Registry, refresher: SnapshotRefresher): void {
  new Counter({
    name: 'cinedex_snapshot_swaps_total',
    help: 'New data versions swapped in by this process.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(refresher.counts.swaps);
    },
  });
  new Counter({
    name: 'cinedex_snapshot_refusals_total',
    help: 'Snapshots this process refused to serve, by reason: unknown-format (a newer release wrote it), damaged, missing.',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(refresher.counts.refusals)) this.inc({ reason }, n);
    },
  });
  new Counter({
    name: 'cinedex_snapshot_refresh_failures_total',
    help: 'Checks of the pointer that failed to read the store (retried at the next check).',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(refresher.counts.failures);
    },
  });
  new Gauge({
    name: 'cinedex_snapshot_refused_info',
    help: 'The version this process refuses to serve, while the pointer names it (value is always 1).',
    labelNames: ['version', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      const error = refresher.state.lastError;
      if (error?.reason && error.version) this.set({ version: error.version, reason: error.reason }, 1);
    },
  });
  new Gauge({
    name: 'cinedex_snapshot_load_seconds',
    help: 'How long the last good load took, from reading the pointer to the swap.',
    registers: [registry],
    collect() {
      this.set(refresher.state.lastLoadSeconds ?? 0);
    },
  });
  new Gauge({
    name: 'cinedex_warm_seconds',
    help: 'How long warming the response cache for the last new version took, before it served.',
    registers: [registry],
    collect() {
      this.set(refresher.state.lastWarm?.seconds ?? 0);
    },
  });
  new Gauge({
    name: 'cinedex_warm_queries',
    help: 'Queries answered against the last new version before it served (its warmed cache entries).',
    registers: [registry],
    collect() {
      this.set(refresher.state.lastWarm?.queries ?? 0);
    },
  });
  new Counter({
    name: 'cinedex_warm_cut_short_total',
    help: 'Swaps whose warming hit MOVIES_WARM_DEADLINE (timeout) or failed (failure): they served with a colder cache.',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ reason: 'timeout' }, refresher.counts.warmTimeouts);
      this.inc({ reason: 'failure' }, refresher.counts.warmFailures);
    },
  });
}
