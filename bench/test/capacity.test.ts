import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { counter } from '../capacity/hits.js';
import { latencyOnlyFailure, nextRate, roundStep, sustainedRate, type Tried } from '../capacity/search.js';
import { loadRun } from '../capacity/saved-run.js';
import { settingsFromEnv } from '../capacity/settings.js';
import { mixedRate, replicasFor } from '../capacity/sizing.js';
import { readManifests } from '../capacity/manifests.js';
import { cpuQuantity } from '../../test/support/kustomize.js';
import type { OpenLoopResult } from '../capacity/open-loop.js';

/** Drives the search against a server that sustains exactly `capacity` and returns the rates it offered. */
function search(ladder: number[], capacity: number, refine: number): { offered: number[]; sustained: number } {
  const tried: Tried[] = [];
  for (let rate = nextRate(ladder, tried, refine); rate !== undefined; rate = nextRate(ladder, tried, refine)) {
    assert.ok(tried.length < 50, 'the search ends');
    tried.push({ rate, ok: rate <= capacity });
  }
  return { offered: tried.map((t) => t.rate), sustained: sustainedRate(tried) };
}

describe('capacity search', () => {
  const ladder = [1000, 2000, 5000, 10000, 20000];

  test('climbs the ladder to the first failure, then bisects between the last pass and it', () => {
    assert.deepEqual(search(ladder, 7000, 2), { offered: [1000, 2000, 5000, 10000, 7500, 6300], sustained: 6300 });
    assert.deepEqual(search(ladder, 7000, 0), { offered: [1000, 2000, 5000, 10000], sustained: 5000 });
  });

  test('bisection steps are round and finer at low rates', () => {
    assert.deepEqual(search([500, 1000, 2000], 1300, 3), { offered: [500, 1000, 2000, 1500, 1250, 1400], sustained: 1250 });
    assert.equal(roundStep(80), 50);
    assert.equal(roundStep(400), 100);
    assert.equal(roundStep(2400), 1000);
    assert.equal(roundStep(0.3), 1);
  });

  test('a first step that fails ends the search at 0; a ladder that never fails reports its top', () => {
    assert.deepEqual(search(ladder, 500, 2), { offered: [1000], sustained: 0 });
    assert.deepEqual(search(ladder, 1e9, 2), { offered: ladder, sustained: 20000 });
  });

  test('a pass above a failure does not count (noise cannot raise the result)', () => {
    assert.equal(
      sustainedRate([
        { rate: 1000, ok: true },
        { rate: 5000, ok: false },
        { rate: 3000, ok: true },
        { rate: 8000, ok: true },
      ]),
      3000,
    );
  });

  test('only a failure on latency alone is measured again', () => {
    const stalled = { offered: 1000, achieved: 1000, p99Ms: 120, errors: 0, non2xx: 0, timeouts: 0, aborted: false } as OpenLoopResult;
    assert.equal(latencyOnlyFailure(stalled), true);
    assert.equal(latencyOnlyFailure({ ...stalled, achieved: 970 }), false);
    assert.equal(latencyOnlyFailure({ ...stalled, non2xx: 1 }), false);
    assert.equal(latencyOnlyFailure({ ...stalled, timeouts: 1 }), false);
    assert.equal(latencyOnlyFailure({ ...stalled, aborted: true }), false);
  });
});

describe('replica sizing', () => {
  const base = { perCore: 10_000, coresPerPod: 1, utilisation: 0.6, spare: 1, minReplicas: 3 };

  test('ceil(peak ÷ per-pod capacity) + spare, never below the minimum', () => {
    assert.equal(replicasFor({ ...base, peak: 500 }), 3);
    assert.equal(replicasFor({ ...base, peak: 12_000 }), 3); // 2 + 1
    assert.equal(replicasFor({ ...base, peak: 12_001 }), 4); // 3 + 1
    assert.equal(replicasFor({ ...base, peak: 50_000 }), 10); // ceil(8.33) + 1
    assert.equal(replicasFor({ ...base, peak: 50_000, coresPerPod: 2 }), 6); // ceil(4.17) + 1
    assert.equal(replicasFor({ ...base, peak: 1, perCore: 0 }), Infinity);
  });

  test('a core’s rate for a mix of hits and misses is the harmonic blend', () => {
    assert.equal(mixedRate(20_000, 2_000, 1), 20_000);
    assert.equal(mixedRate(20_000, 2_000, 0), 2_000);
    // 0.9 × 50 µs + 0.1 × 500 µs = 95 µs per request.
    assert.ok(Math.abs(mixedRate(20_000, 2_000, 0.9) - 1e6 / 95) < 1e-6);
  });
});

describe('inputs', () => {
  test('Prometheus counters are summed over the matching samples', () => {
    const text = [
      '# HELP cinedex_edge_responses_total x',
      'cinedex_edge_responses_total{cache="HIT",status_code="200"} 90',
      'cinedex_edge_responses_total{cache="HIT",status_code="404"} 5',
      'cinedex_edge_responses_total{cache="MISS",status_code="200"} 5',
      'cinedex_edge_responses_total_other{cache="HIT"} 1000',
    ].join('\n');
    assert.equal(counter(text, 'cinedex_edge_responses_total', 'cache="HIT"'), 95);
    assert.equal(counter(text, 'cinedex_edge_responses_total', 'cache='), 100);
    assert.equal(counter(text, 'cinedex_response_cache_lookups_total', 'result="hit"'), 0);
  });

  test('the manifests are read for CPU, replicas and the HPA', () => {
    assert.equal(cpuQuantity('500m'), 0.5);
    assert.equal(cpuQuantity('1'), 1);
    assert.equal(cpuQuantity(2), 2);
    const m = readManifests(
      [
        {
          kind: 'Deployment',
          metadata: { name: 'cinedex-api' },
          spec: { replicas: 3, template: { spec: { containers: [{ resources: { requests: { cpu: '500m' }, limits: { cpu: '1' } } }] } } },
        },
        {
          kind: 'HorizontalPodAutoscaler',
          spec: {
            minReplicas: 3,
            maxReplicas: 12,
            metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { averageUtilization: 60 } } }],
          },
        },
        { kind: 'ConfigMap', metadata: { name: 'cinedex-config-abc' }, data: { MOVIES_WORKERS: '1' } },
        { kind: 'PodDisruptionBudget', spec: { minAvailable: 2 } },
      ],
      'base',
    );
    assert.deepEqual(m, {
      source: 'base',
      cpuRequest: 0.5,
      cpuLimit: 1,
      replicas: 3,
      hpaMin: 3,
      hpaMax: 12,
      hpaTarget: 0.6,
      workers: 1,
      pdbMinAvailable: 2,
      pdbMaxUnavailable: NaN,
    });
    assert.ok(Number.isNaN(readManifests([{ kind: 'PodDisruptionBudget', spec: { minAvailable: '50%' } }], 'x').pdbMinAvailable));
    assert.equal(readManifests([{ kind: 'PodDisruptionBudget', spec: { maxUnavailable: 1 } }], 'x').pdbMaxUnavailable, 1);
  });
});

describe('saved runs', () => {
  test('a saved run keeps the settings it was measured with; one saved before a setting existed takes the current value', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cinedex-capacity-test-')), 'run.json');
    const saved = { machine: 'm', date: '2026-01-01', minutes: 1, settings: { sloMs: 9, ladder: [100, 200] }, results: [] };
    writeFileSync(file, JSON.stringify(saved));
    const run = loadRun(file, settingsFromEnv({ CAPACITY_SLO_MS: '5', CAPACITY_RETRIES: '7' }));
    assert.equal(run.settings.sloMs, 9);
    assert.deepEqual(run.settings.ladder, [100, 200]);
    assert.equal(run.settings.retries, 7);
    assert.equal(run.machine, 'm');
  });
});
