import type { Registry } from 'prom-client';
import { Histogram } from '../metrics/prom-client.js';

/** One labelled series of a ScrapedHistogram: plain numbers, written by the request and read by the scrape. */
export class HistogramSeries {
  /** Observations per bucket (not cumulative), the last slot for those above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    private readonly bounds: readonly number[],
    readonly labels: Readonly<Record<string, string>>,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    (this.counts[i] as number)++;
    this.sum += value;
    this.count++;
  }
}

interface ExportedValue {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly sharedLabels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly metricName: string;
}

/**
 * A Prometheus histogram whose observations cost an array increment: prom-client's own `observe`
 * hashes the label object and allocates on every call, a visible share of a cached answer's CPU.
 * Series are plain numbers (HistogramSeries), read only when Prometheus scrapes, and exported in
 * exactly prom-client's shape (same names, label order and cumulative buckets), so the registry, the
 * dashboards and the alerts see the same metric.
 */
export class ScrapedHistogram<L extends string> extends Histogram<L> {
  private readonly series = new Map<string, HistogramSeries>();
  private readonly bounds: readonly number[];
  private readonly metricName: string;
  private readonly helpText: string;
  private readonly beforeRead: (() => void) | undefined;

  constructor(config: {
    readonly name: string;
    readonly help: string;
    readonly labelNames: readonly L[];
    readonly buckets: readonly number[];
    readonly registry: Registry;
    /** Called before the series are read or reset: observations held elsewhere (RequestCounters) are added first. */
    readonly beforeRead?: () => void;
  }) {
    super({
      name: config.name,
      help: config.help,
      labelNames: config.labelNames,
      buckets: [...config.buckets],
      registers: [config.registry],
    });
    this.beforeRead = config.beforeRead;
    this.bounds = config.buckets;
    this.metricName = config.name;
    this.helpText = config.help;
  }

  /** Zeroes every series in place: their holders keep writing to them. */
  override reset(): void {
    // prom-client's constructor calls this too, before this class's fields exist.
    // Held observations were made before the reset: added now, they are zeroed with the rest.
    this.beforeRead?.();
    const all = (this.series as Map<string, HistogramSeries> | undefined)?.values() ?? [];
    for (const series of all) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }

  /** The series for these label values, made on first use; callers keep it rather than look it up per observation. */
  seriesOf(labels: Readonly<Record<L, string>>, key: string): HistogramSeries {
    let series = this.series.get(key);
    if (series === undefined) {
      series = new HistogramSeries(this.bounds, labels);
      this.series.set(key, series);
    }
    return series;
  }

  /** What prom-client's registry reads at a scrape (and `get()` builds on). */
  getForPromString(): { name: string; help: string; type: 'histogram'; values: ExportedValue[]; aggregator: 'sum' } {
    this.beforeRead?.();
    const name = this.metricName;
    const bucketName = `${name}_bucket`;
    const values: ExportedValue[] = [];
    for (const series of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += series.counts[i] as number;
        values.push({ labels: { le }, sharedLabels: series.labels, value: cumulative, metricName: bucketName });
      });
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: series.labels, value: series.count, metricName: bucketName },
        { labels: {}, sharedLabels: series.labels, value: series.sum, metricName: `${name}_sum` },
        { labels: {}, sharedLabels: series.labels, value: series.count, metricName: `${name}_count` },
      );
    }
    return { name, help: this.helpText, type: 'histogram', values, aggregator: 'sum' };
  }
}
