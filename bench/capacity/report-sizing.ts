/**
 * The report's replica sizing: replicas for a few peaks from the measured per-core rates, the same with
 * edges in front, and what the Kubernetes manifests say, measured against it.
 */
import { fmt, table } from '../lib/markdown.js';
import type { Manifests } from './manifests.js';
import type { SeriesResult } from './measure.js';
import { cpuAt, int } from './report-format.js';
import { mixedRate, replicasFor } from './sizing.js';

/** What the sizing works from: the measured rates, the manifests and the planning assumptions. */
interface Plan {
  readonly api: SeriesResult | undefined;
  readonly cold: SeriesResult | undefined;
  readonly hit: SeriesResult | undefined;
  readonly miss: SeriesResult | undefined;
  /** nginx's hits on one core: the other edge. */
  readonly nginx: SeriesResult | undefined;
  readonly manifests: readonly Manifests[];
  /** The production overlay; absent when kubectl could not render it. */
  readonly prod: Manifests | undefined;
  /** CPU per pod: the base Deployment's limit. */
  readonly cores: number;
  /** The base HPA's minimum. */
  readonly minReplicas: number;
  /** Share of its rate a pod is planned to run at (the HPA's target); the rest is headroom. */
  readonly util: number;
  /** Pods on top, so that losing one keeps the peak within the SLO. */
  readonly spare: number;
  /** The peaks the tables show, req/s. */
  readonly peaks: readonly number[];
}

/** Replicas for `peak` at `perCore` req/s per core, with the plan's cores, utilisation, spare and minimum. */
function podsFor(plan: Plan, peak: number, perCore: number): number {
  return replicasFor({ peak, perCore, coresPerPod: plan.cores, utilisation: plan.util, spare: plan.spare, minReplicas: plan.minReplicas });
}

/** "## Replica sizing" with its subsections, from the measured rates and the manifests. */
export function sizingSection(results: readonly SeriesResult[], manifests: readonly Manifests[]): string[] {
  const byKey = (key: string) => results.find((r) => r.key === key);
  const base = manifests[0];
  const plan: Plan = {
    api: byKey('api'),
    cold: byKey('api-cold'),
    hit: byKey('edge-hit'),
    miss: byKey('edge-miss'),
    nginx: byKey('nginx-hit'),
    manifests,
    prod: manifests.find((m) => m.source.startsWith('production')),
    cores: base && Number.isFinite(base.cpuLimit) ? base.cpuLimit : 1,
    minReplicas: base && Number.isFinite(base.hpaMin) ? base.hpaMin : 3,
    util: 0.6,
    spare: 1,
    peaks: [500, 5_000, 50_000],
  };
  return [...replicaSizing(plan), ...withEdges(plan), ...whatTheManifestsSay(plan)];
}

/** The formula, and replicas per peak for the cached mix, half cold and all cold. */
function replicaSizing(plan: Plan): string[] {
  const { api, cold, manifests, prod, cores, minReplicas, util, peaks } = plan;
  const lines: string[] = [];
  lines.push('## Replica sizing', '');
  lines.push(
    'Per pod, with one serving process per pod (`MOVIES_WORKERS=1`, one CPU):',
    '',
    '```',
    'per-pod capacity = cores × sustained rate per core × utilisation target',
    'replicas         = max(minimum replicas, ceil(peak ÷ per-pod capacity) + 1)',
    '```',
    '',
    `with cores = ${cores} (the CPU limit), utilisation target = ${util * 100} % (the HPA's target; the rest is headroom for bursts,`,
    'GC and a noisy node), +1 so that losing a pod (node failure, eviction, a rolling update’s replacement not yet ready) keeps',
    `the peak within the SLO, and never below the Deployment’s minimum of ${minReplicas}. Which per-core rate applies depends on the`,
    'traffic: repeated queries within a data version are answered from the response cache (the fast lane); queries that are',
    'new to a pod take the cold path. The realistic mix after warm-up is the first; a long tail of unique queries is the second.',
    '',
  );
  if (api && cold) {
    const rows = peaks.map((peak) => {
      const hot = podsFor(plan, peak, api.sustained);
      const coldN = podsFor(plan, peak, cold.sustained);
      const half = podsFor(plan, peak, mixedRate(api.sustained, cold.sustained, 0.5));
      return [`${int(peak)}`, String(hot), String(half), String(coldN)];
    });
    lines.push(
      `Per-pod capacity: ${int(api.sustained * cores * util)} req/s on the cached query mix, ${int(cold.sustained * cores * util)} req/s on the`,
      `cold path (${int(api.sustained)} and ${int(cold.sustained)} req/s per core × ${util * 100} %).`,
      '',
      table(['peak req/s', 'replicas, cached mix', 'replicas, half cold', 'replicas, all cold'], rows),
      '',
      '"Half cold" uses a core’s rate for a mix: 1 ÷ (h ÷ hot rate + (1 − h) ÷ cold rate) with h = 0.5.',
      '',
      '**What that means**:',
      '',
      ...peaks.map((peak) => {
        const hot = podsFor(plan, peak, api.sustained);
        const coldN = podsFor(plan, peak, cold.sustained);
        const busy = Math.ceil(peak / (cold.sustained * cores * util));
        const range = hot === coldN ? `${hot} replicas` : `${hot} (cached mix) to ${coldN} (every query new) replicas`;
        const floor =
          coldN === minReplicas
            ? ` The minimum binds: ${busy === 1 ? 'one pod' : `${busy} pods`} would carry it even on the cold path; the rest is for availability.`
            : '';
        const short = manifests
          .filter((m) => Number.isFinite(m.hpaMax) && coldN > m.hpaMax)
          .map((m) => `more than the ${m.source} HPA maximum of ${m.hpaMax} when every query is new`);
        return `- ${int(peak)} req/s: ${range}.${floor}${short.length > 0 ? ` That is ${short.join(' and ')}.` : ''}`;
      }),
      `- Every row fits under the HPA maxima (${manifests.map((m) => `${m.hpaMax} in the ${m.source}`).join(', ')}) unless said otherwise above.`,
      ...(prod && prod.hpaMin > minReplicas
        ? [`- The production overlay runs at least ${prod.hpaMin} replicas, so there every row above is at least ${prod.hpaMin}.`]
        : []),
      '',
    );
  }
  return lines;
}

/** How edges in front change the API's load, and how many edge cores that takes. */
function withEdges(plan: Plan): string[] {
  const { api, cold, hit, miss, nginx, cores, util, peaks } = plan;
  const lines: string[] = [];
  if (hit && miss && api) {
    const h = 0.9;
    const edgeRate = mixedRate(hit.sustained, miss.sustained, h);
    // nginx misses are not a series: its hits as measured, its misses at cinedex edge's rate, as the table's footnote says.
    const nginxRate = nginx && nginx.sustained > 0 ? mixedRate(nginx.sustained, miss.sustained, h) : undefined;
    lines.push(
      '### With edges in front',
      '',
      'An edge answers a share *h* of requests from its cache (its hit ratio), so the API behind it sees only the rest:',
      '',
      '```',
      'origin load = (1 − h) × traffic            (+ about one revalidation per cached URL per max-age, per edge)',
      'edge core   = 1 ÷ (h ÷ edge hit rate + (1 − h) ÷ edge miss rate)',
      '```',
      '',
      `A cinedex edge core sustained ${int(hit.sustained)} req/s on hits and ${int(miss.sustained)} req/s on misses here (a miss relays to the`,
      `origin and waits for it, so its latency includes the origin's). At h = ${h}, one cinedex edge core sustains about ${int(edgeRate)} req/s,`,
      'and the API sizing above applies to the origin load, e.g.:',
      '',
      table(
        [
          'peak req/s',
          `origin req/s at h = ${h}`,
          'API replicas (cached mix)',
          'API replicas (all cold)',
          `cinedex edge cores at ${util * 100} %`,
          ...(nginxRate !== undefined ? [`nginx edge cores at ${util * 100} % ¹`] : []),
        ],
        peaks.map((peak) => {
          const origin = (1 - h) * peak;
          return [
            int(peak),
            int(origin),
            String(podsFor(plan, origin, api.sustained)),
            cold ? String(podsFor(plan, origin, cold.sustained)) : 'n/a',
            String(Math.ceil(peak / (edgeRate * util))),
            ...(nginxRate !== undefined ? [String(Math.ceil(peak / (nginxRate * util)))] : []),
          ];
        }),
      ),
      '',
      ...(nginx && nginxRate !== undefined
        ? [
            `¹ nginx (one worker per core) sustained ${int(nginx.sustained)} req/s per core on hits against cinedex edge's ${int(hit.sustained)} ` +
              `(${fmt(cpuAt(nginx), 0)} µs of CPU per hit against ${fmt(cpuAt(hit), 0)} µs). Its misses are not measured here: the column takes ` +
              `them at cinedex edge's miss rate, which gives about ${int(nginxRate)} req/s per nginx core at h = ${h}. At that hit ratio the ` +
              `misses take ${fmt((100 * (1 - h)) / miss.sustained / ((1 - h) / miss.sustained + h / nginx.sustained), 0)} % of an nginx core's time, ` +
              'so what a miss costs nginx decides its column more than its hits do.',
            '',
          ]
        : []),
      'Edge cores are counted without the +1 and minimum: where edges run (per region or network), keep at least two for the same reasons.',
      ...(() => {
        const top = peaks[peaks.length - 1] ?? 0;
        const edgeCores = Math.ceil(top / (edgeRate * util));
        const apiCores = replicasFor({
          peak: top,
          perCore: api.sustained,
          coresPerPod: cores,
          utilisation: util,
          spare: 0,
          minReplicas: 0,
        });
        const nginxCores = nginxRate !== undefined ? Math.ceil(top / (nginxRate * util)) : undefined;
        const withNginx = nginxCores !== undefined ? ` (nginx edges ${nginxCores}, with their misses costed as cinedex edge's)` : '';
        return edgeCores >= apiCores
          ? [
              `Edges do not save CPU: at ${int(top)} req/s and h = ${h} cinedex edges alone need ${edgeCores} cores${withNginx}, where ${apiCores} API cores would answer the cached mix ` +
                `directly (a cinedex edge hit costs ${fmt(cpuAt(hit), 0)} µs of CPU, the API's cached answer ${fmt(cpuAt(api), 0)} µs, and every miss much more). ` +
                'They pay off for latency and availability far from the data rather than as a way to save CPU.',
            ]
          : [
              `At ${int(top)} req/s and h = ${h} cinedex edges need ${edgeCores} cores${withNginx} against ${apiCores} API cores for the cached mix served directly.`,
            ];
      })(),
      'The hit ratio is the lever: with cinedex’s max-age equal to the refresh interval (10 s by default), a URL asked for more than',
      'once per 10 s per edge is a hit; a long tail of one-off queries is not. The queries an edge absorbs are the repeated ones,',
      'which the API would have answered from its response cache anyway: what reaches the origin is mostly its cold path, so size',
      'the origin for (1 − h) × traffic at the cold rate (the "all cold" column).',
      '',
    );
  }
  return lines;
}

/** The manifests' CPU, replicas, HPA and PDB, and where they disagree with the sizing. */
function whatTheManifestsSay(plan: Plan): string[] {
  const { api, cold, manifests, prod, util, spare, peaks } = plan;
  const lines: string[] = [];
  lines.push('### What the manifests say', '');
  lines.push(
    table(
      [
        'manifests',
        'CPU request',
        'CPU limit',
        'MOVIES_WORKERS',
        'replicas',
        'HPA min–max',
        'HPA CPU target',
        'HPA scales out at',
        'PDB',
        'capacity at HPA max, cached mix / cold',
      ],
      manifests.map((m) => [
        m.source,
        fmt(m.cpuRequest, 2),
        fmt(m.cpuLimit, 2),
        String(m.workers),
        String(m.replicas),
        `${m.hpaMin}–${m.hpaMax}`,
        `${fmt(m.hpaTarget * 100, 0)} % of the request`,
        `${fmt(m.hpaTarget * m.cpuRequest, 2)} CPU per pod`,
        Number.isFinite(m.pdbMaxUnavailable)
          ? `maxUnavailable ${m.pdbMaxUnavailable}`
          : Number.isFinite(m.pdbMinAvailable)
            ? `minAvailable ${m.pdbMinAvailable}`
            : 'n/a',
        api && cold
          ? `${int(m.hpaMax * api.sustained * m.cpuLimit * util)} / ${int(m.hpaMax * cold.sustained * m.cpuLimit * util)} req/s`
          : 'n/a',
      ]),
    ),
    '',
  );
  const notes: string[] = [];
  for (const m of manifests) {
    const effective = m.hpaTarget * m.cpuRequest;
    if (Math.abs(m.cpuRequest - m.cpuLimit) > 1e-9) {
      notes.push(
        `- **${m.source}: the HPA target is relative to the CPU request (${fmt(m.cpuRequest, 2)}), not the limit (${fmt(m.cpuLimit, 2)}).** ` +
          `It scales out when pods average ${fmt(effective, 2)} CPU, i.e. ${fmt((100 * effective) / m.cpuLimit, 0)} % of what a pod may use, so it runs about ` +
          `${fmt(util / (effective / m.cpuLimit), 1)}× the replicas the sizing above plans` +
          (cold
            ? ` (at ${int(peaks[peaks.length - 1] ?? 0)} req/s on the cold path it would want ${Math.ceil((peaks[peaks.length - 1] ?? 0) / cold.sustained / effective)} pods and stop at its maximum of ${m.hpaMax}, pegged with no room left)`
            : '') +
          `; and a pod may burst to ${fmt(m.cpuLimit / m.cpuRequest, 1)}× its request, which the scheduler did not reserve, so on a packed node the extra is not there. ` +
          `Set the request equal to the limit (as the production overlay does) and keep the 60 % target.`,
      );
    }
    if (m.workers > m.cpuLimit)
      notes.push(
        `- **${m.source}: MOVIES_WORKERS=${m.workers} processes share a ${m.cpuLimit}-CPU limit**: they would contend for one core's quota.`,
      );
    const allowedDown = m.hpaMax - m.pdbMinAvailable;
    if (Number.isFinite(allowedDown) && allowedDown > spare) {
      notes.push(
        `- **${m.source}: the PodDisruptionBudget's \`minAvailable: ${m.pdbMinAvailable}\` is a fixed count**, sized for the minimum of ${m.hpaMin} replicas. ` +
          `Once the HPA has scaled out for a peak (up to ${m.hpaMax}), a node drain or cluster upgrade may evict all but ${m.pdbMinAvailable} pods at once, ` +
          `far more than the one spare pod the sizing keeps. Use \`maxUnavailable: 1\` (or a percentage) so voluntary disruptions cost at most the spare.`,
      );
    }
    if (m.hpaMin !== m.replicas)
      notes.push(
        `- ${m.source}: the Deployment's replicas (${m.replicas}) differ from the HPA minimum (${m.hpaMin}); the HPA wins once it acts.`,
      );
  }
  if (api && cold) {
    for (const m of manifests) {
      const need = peaks.filter(
        (p) =>
          replicasFor({ peak: p, perCore: cold.sustained, coresPerPod: m.cpuLimit, utilisation: util, spare, minReplicas: m.hpaMin }) >
          m.hpaMax,
      );
      if (need.length > 0)
        notes.push(
          `- ${m.source}: HPA maxReplicas ${m.hpaMax} is too few for ${need.map(int).join(', ')} req/s on the cold path; raise it or put edges in front.`,
        );
    }
  }
  if (prod === undefined) notes.push('- kubectl was not found, so only the base manifests were read.');
  notes.push(
    '- The +1 covers one lost pod. With `topologySpreadConstraints` across zones, losing a whole zone of three loses a third of the pods:',
    '  to ride that out at peak, plan ceil(replicas × 3 ÷ 2). Rolling updates do not need it: `maxUnavailable: 0`, `maxSurge: 1` add a pod first.',
  );
  lines.push(...notes, '');
  return lines;
}
