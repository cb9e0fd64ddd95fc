import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Histogram, Registry } from '../../src/metrics/prom-client.js';
import { ScrapedHistogram } from '../../src/http/scraped-histogram.js';
import { HttpMetrics, LATENCY_BUCKETS } from '../../src/http/metrics.js';
import type { CatalogueReader } from '../../src/snapshot/catalogue-reader.js';

const BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 1];
const SERIES = [
  { route: '/v1/movies', status_code: '200' },
  { route: '/v1/movies', status_code: '304' },
  { route: '/v1/genres', status_code: '200' },
];

// Values on the bounds themselves as well as between them: a bound belongs to its own bucket (le), not the next.
const value = fc.oneof(fc.constantFrom(...BUCKETS, 0, 2), fc.double({ min: 0, max: 2, noNaN: true }));

/**
 * A histogram's exposition lines as a set (Prometheus reads series in any order), without the series that counted
 * nothing: prom-client drops a series at reset and makes it at its first observation, ours keeps every held one at zero.
 */
function exported(lines: readonly string[], name: string): string[] {
  const labelsOf = (line: string): string => /(route="[^"]*",status_code="[^"]*")/.exec(line)?.[1] ?? '';
  const zero = new RegExp(`^${name}_count\\{.*\\} 0$`);
  const empty = new Set(lines.filter((line) => zero.test(line)).map(labelsOf));
  return lines.filter((line) => line !== '' && !empty.has(labelsOf(line))).sort();
}

test('ScrapedHistogram exports what prom-client’s Histogram exports for the same observations: buckets, sum, count, per series', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.nat({ max: SERIES.length - 1 }), value), { maxLength: 200 }),
      fc.boolean(),
      async (observations, resetMidway) => {
        const reference = new Registry();
        const scraped = new Registry();
        const model = new Histogram({
          name: 'h',
          help: 'h',
          labelNames: ['route', 'status_code'],
          buckets: BUCKETS,
          registers: [reference],
        });
        const ours = new ScrapedHistogram({
          name: 'h',
          help: 'h',
          labelNames: ['route', 'status_code'],
          buckets: BUCKETS,
          registry: scraped,
        });
        // Held series, as the lane holds them: a reset must zero these very objects.
        const held = SERIES.map((labels) => ours.seriesOf(labels, `${labels.route} ${labels.status_code}`));
        observations.forEach(([s, v], i) => {
          if (resetMidway && i === Math.floor(observations.length / 2)) {
            model.reset();
            ours.reset();
          }
          model.observe(SERIES[s] as (typeof SERIES)[number], v);
          held[s]?.observe(v);
        });
        assert.deepEqual(exported((await scraped.metrics()).split('\n'), 'h'), exported((await reference.metrics()).split('\n'), 'h'));
      },
    ),
    { numRuns: 200 },
  );
});

test('what the lane’s held counters add is what a scrape reads, whenever it scrapes and across a reset: latency per status, and the client count', async () => {
  const statuses = [200, 304, 400];
  await fc.assert(
    fc.asyncProperty(
      // Mostly one status, as hits are, and long enough to fill its counters' buffer more than once; a scrape may
      // come after any observation.
      fc.array(fc.tuple(fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, fc.nat({ max: statuses.length - 1 })), value, fc.boolean()), {
        minLength: 1,
        maxLength: 1200,
        size: 'max',
      }),
      // A quarter of the runs scrape as they go; the rest only at the end, so buffers fill with no scrape to empty them.
      fc.nat({ max: 3 }).map((n) => n === 0),
      fc.boolean(),
      async (observations, scrapesMidway, resetMidway) => {
        const metrics = new HttpMetrics({ dataset: undefined } as unknown as CatalogueReader, new Registry());
        const reference = new Registry();
        const model = new Histogram({
          name: 'http_request_duration_seconds',
          help: 'h',
          labelNames: ['route', 'status_code'],
          buckets: LATENCY_BUCKETS,
          registers: [reference],
        });
        const held = statuses.map((status) => metrics.countersOf('/v1/movies', status, 'anonymous'));
        let count = 0;
        for (const [i, [s, v, scrape]] of observations.entries()) {
          // A reset zeroes what was observed before it, held observations included; the client's count is never reset.
          if (resetMidway && i === Math.floor(observations.length / 2)) {
            metrics.registry.resetMetrics();
            model.reset();
          }
          held[s]?.observe(v);
          model.observe({ route: '/v1/movies', status_code: String(statuses[s]) }, v);
          count++;
          if (scrape && scrapesMidway) await metrics.registry.metrics();
        }
        const text = await metrics.registry.metrics();
        const ours = text.split('\n').filter((line) => line.startsWith('http_request_duration_seconds'));
        const theirs = (await reference.metrics()).split('\n').filter((line) => line.startsWith('http_request_duration_seconds'));
        assert.deepEqual(exported(ours, 'http_request_duration_seconds'), exported(theirs, 'http_request_duration_seconds'));
        assert.match(text, new RegExp(`^cinedex_requests_total\\{client="anonymous"\\} ${count}$`, 'm'));
      },
    ),
    // Shrinking a case of a thousand observations takes minutes; the first failing case is shown as found.
    { numRuns: 100, endOnFailure: true },
  );
});
