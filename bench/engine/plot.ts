/**
 * The extract tier's cost (`npm run bench:engine:plot`, and a section of `npm run bench`): the plot
 * set's queries against the 2023 catalogue in process, per query; and what indexing the extracts adds
 * to the segment, in bytes and in ready time (checksum, header, views, the index object), beside the
 * same catalogue's segment without them (what a format-1 segment holds), measured in one run.
 */
import type { ExtractIndex, IndexData } from '../../src/engine/index-data.js';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { searchMovies } from '../../src/engine/search.js';
import { encodeSegment } from '../../src/snapshot/segment-codec.js';
import { decodeSegment } from '../../src/snapshot/segment-reader.js';
import { seed2023Path } from '../../test/support/paths.js';
import { engineRequest, settle, timeEach } from '../lib/in-process.js';
import { fmt, table } from '../lib/markdown.js';
import { runIfMain } from '../lib/script.js';
import { median, percentile } from '../lib/stats.js';
import { loadMovies } from '../lib/workload.js';
import { loadPlotSet } from '../relevance/relevance-set.js';

/** The index as it was before issue 18's plot search and facet search: the same arrays, theirs empty. */
function withoutExtracts(data: IndexData): IndexData {
  const none: ExtractIndex = {
    terms: { bytes: new Uint8Array(0), offsets: new Uint32Array(1) },
    postings: { offsets: new Uint32Array(1), values: new Int32Array(0) },
    frequencies: new Uint8Array(0),
    lengths: new Uint16Array(0),
    documents: 0,
    totalLength: 0,
  };
  return { ...data, words: { ...data.words, castNames: { offsets: new Uint32Array(1), values: new Int32Array(0) } }, extract: none };
}

/** Median milliseconds, over `rounds`, from the segment's bytes to an index ready to answer. */
function readyMs(bytes: Buffer, rounds: number): number {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    const index = new SegmentIndex(decodeSegment(bytes).index);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (index.size === 0) throw new Error('the segment decoded empty');
  }
  return median(times);
}

export async function benchPlotEngine(rounds = 20): Promise<string> {
  const movies = loadMovies(seed2023Path);
  const segment = SegmentIndex.build('bench-2023', movies);
  const index = CatalogueIndex.of('bench-2023', [{ index: segment, deletes: [] }]);
  const withExtract = encodeSegment(segment.data, {}).bytes;
  const before = encodeSegment(withoutExtracts(segment.data), {}).bytes;
  const requests = loadPlotSet().map(({ q }) => engineRequest({ q, limit: '20' }));
  timeEach(requests, 3, (r) => searchMovies(index, r));
  await settle();
  const samples = timeEach(requests, rounds, (r) => searchMovies(index, r));
  // CPU time as well: on a machine shared with other work, wall time counts the waits for a core.
  const cpu: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const r of requests) {
      const start = process.cpuUsage();
      searchMovies(index, r);
      const used = process.cpuUsage(start);
      cpu.push(used.user + used.system);
    }
  }
  cpu.sort((x, y) => x - y);
  const readyBefore = readyMs(before, 5);
  const readyAfter = readyMs(withExtract, 5);
  const mb = (n: number) => fmt(n / 1e6, 1);
  return [
    `## Plot queries on the 2023 catalogue (${movies.length.toLocaleString('en-US')} movies; in process, per query)\n`,
    table(
      ['time', 'p50 µs', 'p99 µs', 'max µs'],
      [
        ['wall', fmt(percentile(samples, 50), 0), fmt(percentile(samples, 99), 0), fmt(samples.at(-1) ?? NaN, 0)],
        ['CPU', fmt(percentile(cpu, 50), 0), fmt(percentile(cpu, 99), 0), fmt(cpu.at(-1) ?? NaN, 0)],
      ],
    ),
    '',
    `${requests.length} queries, ${samples.length} samples each way.`,
    '',
    'Target: p99 under 2 ms.',
    '',
    table(
      ['segment of the 2023 catalogue', 'MB', 'ready ms (median of 5)'],
      [
        ['without the extract index (before)', mb(before.length), fmt(readyBefore, 0)],
        ['with it (after)', mb(withExtract.length), fmt(readyAfter, 0)],
      ],
    ),
    '',
  ].join('\n');
}

runIfMain(import.meta.url, () => benchPlotEngine());
