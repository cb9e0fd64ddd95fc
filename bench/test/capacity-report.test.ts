import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessLogMark, countCacheField, nginxCacheOutcomes, outcomeShares } from '../capacity/hits.js';
import type { SeriesResult, Step } from '../capacity/measure.js';
import { latencyPlot, SERIES_COLORS } from '../capacity/plot.js';
import { commonPassedRate, readingSection } from '../capacity/report-reading.js';
import { renderReport } from '../capacity/report.js';
import type { SavedRun } from '../capacity/saved-run.js';
import { seriesSpecs } from '../capacity/series.js';
import { settingsFromEnv } from '../capacity/settings.js';
import { edgeNginxConf } from '../../test/support/nginx-process.js';

/** A step as measure.ts records it; only what the report reads matters. */
function step(offered: number, passed: boolean, serverCpuUs: number, serverCore = 0.5): Step {
  return {
    offered,
    scheduled: offered * 4,
    sent: offered * 4,
    achieved: offered,
    ok: offered * 4,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    aborted: false,
    p50Ms: 0.1,
    p90Ms: 0.5,
    p99Ms: passed ? 2 : 20,
    p999Ms: passed ? 4 : 40,
    maxMs: 50,
    sendLagP99Ms: 0.2,
    maxInFlight: 10,
    generatorCpu: 0.5,
    passed,
    serverCpuUs,
    serverCore,
    otherCores: 0.01,
    attempts: 1,
    disturbed: false,
  };
}

function series(key: string, name: string, sustained: number, steps: Step[], hits = 'HIT 100.0 %'): SeriesResult {
  return { key, name, what: `${name} measured`, steps, sustained, ceilingNotFound: steps.every((s) => s.passed), hits };
}

const edgeHit = series('edge-hit', 'edge, cache hit', 20_000, [
  step(10_000, true, 30),
  step(20_000, true, 27),
  step(25_000, false, 26, 0.81),
]);
const nginxHit = series(
  'nginx-hit',
  'nginx edge, cache hit',
  30_000,
  [step(10_000, true, 14), step(20_000, true, 12.5), step(30_000, true, 11), step(40_000, false, 10, 0.62)],
  "HIT 100.0 % (nginx/1.22.1's access log)",
);
const edgeMiss = series('edge-miss', 'edge, cache miss', 2_000, [step(2_000, true, 220), step(5_000, false, 200)], 'MISS 100.0 %');
const api = series(
  'api',
  'API, query mix (cached answers)',
  15_000,
  [step(15_000, true, 46), step(20_000, false, 44)],
  'response cache: 100.0 % hits',
);
const apiBr = series(
  'api-br',
  'API, query mix in br (cached answers)',
  14_000,
  [step(10_000, true, 44), step(14_000, true, 41), step(15_000, false, 40, 0.97)],
  'response cache: 100.0 % hits; second tier: 0 recompressed',
);
const raw = series('raw', 'raw node:http (control)', 40_000, [step(40_000, true, 19), step(50_000, false, 18)], 'fixed body');
const settings = settingsFromEnv({});

describe('what the steps hit, from nginx', () => {
  test('the committed access log records the cache status in the field the bench counts', () => {
    assert.match(readFileSync(edgeNginxConf, 'utf8'), /"cache":"\$upstream_cache_status"/);
  });

  test('access log lines are counted by their cache field; an empty one is "none"', () => {
    const counts = countCacheField(
      [
        '{"url":"/v1/movies?title=a","status":200,"cache":"HIT","upstreamStatus":""}',
        '{"url":"/v1/movies?title=b","status":200,"cache":"MISS","upstreamStatus":"200"}',
        '{"url":"/v1/movies?title=a","status":200,"cache":"HIT","upstreamStatus":""}',
        '{"url":"/v1/movies","status":405,"cache":"","upstreamStatus":""}',
        '',
      ],
      new Map(),
    );
    assert.deepEqual(Object.fromEntries(counts), { HIT: 2, MISS: 1, none: 1 });
    assert.equal(outcomeShares(counts, ['HIT', 'MISS']), 'HIT 50.0 %, MISS 25.0 %, none 25.0 %');
    assert.equal(outcomeShares(new Map([['MISS', 0]])), 'no answers');
  });

  test('only the lines written after the mark count, however the file is read in chunks', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'cinedex-nginx-log-')), 'stdout.log');
    const line = (cache: string) => `{"url":"/v1/movies?title=${'x'.repeat(200)}","cache":"${cache}","seconds":0.000}\n`;
    writeFileSync(log, line('MISS').repeat(3000)); // the warm-up's misses
    const mark = accessLogMark(log);
    // Over a megabyte after the mark: several stream chunks, lines split across them.
    appendFileSync(log, line('HIT').repeat(5999) + line('STALE'));
    assert.equal(await nginxCacheOutcomes(log, mark), 'HIT 100.0 %, STALE 0.0 %');
    assert.equal(await nginxCacheOutcomes(log, '0'), 'HIT 66.7 %, MISS 33.3 %, STALE 0.0 %');
  });
});

describe('nginx and cinedex edge side by side in the report', () => {
  test('the nginx series runs right after cinedex edge’s hits, and every series has a colour of its own', () => {
    const keys = seriesSpecs([]).map((s) => s.key);
    assert.equal(keys.indexOf('nginx-hit'), keys.indexOf('edge-hit') + 1);
    for (const key of keys) assert.match(SERIES_COLORS[key] ?? '', /^#[0-9A-F]{6}$/i, key);
    assert.equal(new Set(keys.map((key) => SERIES_COLORS[key])).size, keys.length);
    const svg = latencyPlot([edgeHit, nginxHit], 5);
    assert.ok(svg.includes(SERIES_COLORS['nginx-hit'] as string) && svg.includes('nginx edge, cache hit'));
  });

  test('the comparison of CPU at equal load is made at the highest step both passed', () => {
    assert.equal(commonPassedRate(nginxHit, edgeHit), 20_000);
    assert.equal(commonPassedRate(nginxHit, series('x', 'x', 0, [step(10_000, false, 1)])), undefined);
  });

  test('the reading states both rates at the SLO and both CPU costs per request', () => {
    const text = readingSection([edgeHit, nginxHit, raw], settings).join('\n');
    const bullet = text.split('\n').find((l) => l.startsWith('- **nginx against cinedex edge'));
    assert.ok(bullet, text);
    assert.match(bullet, /nginx with one worker process sustained 30,000 req\/s with p99 under 5 ms, at 11\.0 µs/);
    assert.match(bullet, /cinedex edge 20,000 req\/s at 27\.0 µs: nginx sustained 1\.50× its rate/);
    assert.match(
      bullet,
      /At 20,000\/s, the highest step both passed, a hit cost 12\.5 µs of CPU on nginx and 27\.0 µs on cinedex edge \(0\.46×\)/,
    );
    assert.match(bullet, /nginx's p99 gave out with its core 62 % busy \(cinedex edge's: 81 %\)/);
  });

  test('an nginx rate near the raw control’s is called a lower bound set by the generator', () => {
    const close = series('nginx-hit', 'nginx edge, cache hit', 38_000, [step(38_000, true, 10), step(40_000, false, 10, 0.55)]);
    const bullet = readingSection([edgeHit, close, raw], settings).find((l) => l.startsWith('- **nginx against'));
    assert.match(bullet ?? '', /within 10 % of the raw control's \(40,000 req\/s\).*lower bound/);
    assert.doesNotMatch(bullet ?? '', /gave out/);
  });

  test('the summary puts the two edges’ hits in adjacent rows, and the edge sizing gains an nginx column', () => {
    const run: SavedRun = {
      machine: 'test machine',
      date: '2026-01-01',
      minutes: 1,
      settings,
      results: [api, edgeHit, nginxHit, edgeMiss, raw],
    };
    const md = renderReport(run, 'capacity-latency.svg', []);
    const rows = md.split('\n').filter((l) => l.startsWith('| edge, cache hit |') || l.startsWith('| nginx edge, cache hit |'));
    assert.equal(rows.length, 2);
    assert.match(
      rows[1] ?? '',
      /^\| nginx edge, cache hit \| \*\*30,000\*\* \| 0\.10 \/ 2\.00 \| 11\.0 \|.*nginx\/1\.22\.1's access log\) \|$/,
    );
    assert.equal(md.indexOf(rows[1] as string) - md.indexOf(rows[0] as string), (rows[0] as string).length + 1, 'adjacent rows');
    assert.match(md, /\| cinedex edge cores at 60 % \| nginx edge cores at 60 % ¹ \|/);
    assert.match(md, /¹ nginx \(one worker per core\) sustained 30,000 req\/s per core on hits against cinedex edge's 20,000/);
    assert.match(md, /nginx is a master and one worker process, both on core 0/);
  });

  test('without an nginx series the report says nothing of nginx but where logs go', () => {
    const run: SavedRun = { machine: 'm', date: '2026-01-01', minutes: 1, settings, results: [api, edgeHit, edgeMiss, raw] };
    const md = renderReport(run, 'capacity-latency.svg', []);
    assert.deepEqual(
      md.split('\n').filter((l) => /nginx/i.test(l)),
      ['- Logs go to /dev/null (nginx’s access log to a file); in a container they go to a pipe read by the runtime, which costs a'],
    );
  });
});

describe('the query mix in br beside it in identity', () => {
  test('the br series runs right after the identity one and reads the same paths', () => {
    const specs = seriesSpecs(['/v1/movies?limit=20']);
    const keys = specs.map((s) => s.key);
    assert.equal(keys.indexOf('api-br'), keys.indexOf('api') + 1);
    assert.match(specs.find((s) => s.key === 'api-br')?.what ?? '', /Accept-Encoding: br/);
  });

  test('the reading states both rates and compares CPU per request at the highest step both passed', () => {
    const lines = readingSection([api, apiBr, raw], settings);
    const bullet = lines.find((l) => l.startsWith('- **API on cached answers in br**'));
    assert.ok(bullet, lines.join('\n'));
    assert.match(bullet, /14,000 req\/s at 41\.0 µs of CPU per request; in identity 15,000 req\/s at 46\.0 µs \(0\.93× the rate\)/);
    // api passed 15,000 only, br 10,000 and 14,000: no rate in common.
    assert.doesNotMatch(bullet, /highest step both passed/);
    const both = series('api', 'API, query mix (cached answers)', 15_000, [step(10_000, true, 50), step(15_000, true, 46)]);
    const again = readingSection([both, apiBr], settings).find((l) => l.startsWith('- **API on cached answers in br**'));
    assert.match(
      again ?? '',
      /At 10,000\/s, the highest step both passed, a br answer cost 44\.0 µs of CPU and an identity answer 50\.0 µs \(0\.88×\)/,
    );
  });

  test('the summary has a row for it under the identity row, and its line in the plot', () => {
    const run: SavedRun = { machine: 'm', date: '2026-01-01', minutes: 1, settings, results: [api, apiBr, raw] };
    const md = renderReport(run, 'capacity-latency.svg', []);
    const rows = md.split('\n').filter((l) => l.startsWith('| API, query mix'));
    assert.equal(rows.length, 2);
    assert.match(rows[1] ?? '', /^\| API, query mix in br \(cached answers\) \| \*\*14,000\*\* \| .* second tier: 0 recompressed \|$/);
    const svg = latencyPlot([api, apiBr], 5);
    assert.ok(svg.includes(SERIES_COLORS['api-br'] as string) && svg.includes('API, query mix in br (cached answers)'));
  });
});
