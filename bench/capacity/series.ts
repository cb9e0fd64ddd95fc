/**
 * The series a capacity run measures: which servers to start, on which cores, with which settings,
 * and how to tell afterwards what the steps hit. Each is started, measured and stopped in turn.
 */
import { freePort } from '../../test/support/cli-process.js';
import { nginxVersion, startNginxEdge } from '../../test/support/nginx-process.js';
import { childProcesses, taskset } from '../../test/support/processes.js';
import { RECOMPRESSION_ENV, settleRecompression } from '../http/encodings.js';
import { record, startReplay } from '../http/replay.js';
import { benchBase, benchHost } from '../lib/host.js';
import { launchReady } from '../lib/launch.js';
import { sendEach } from '../lib/load.js';
import { cinedexCli, httpReady, startCinedex, startRaw } from '../lib/servers.js';
import { accessLogMark, edgeCacheOutcomes, metricsOf, nginxCacheOutcomes, recompressedSince, responseCacheHits } from './hits.js';
import type { SeriesKey } from './settings.js';

/** A started series: where to send load, whose CPU to count, and how to stop it. */
export interface Running {
  readonly base: string;
  readonly paths: readonly string[];
  /** The processes on core 0 whose CPU is the server's. */
  readonly serverPids: readonly (number | undefined)[];
  /** Sent on every request when given (`br` for the compressed series); the answers are read undecoded. */
  readonly acceptEncoding?: string;
  /** Our other processes (an origin on core 1). */
  readonly helperPids: readonly (number | undefined)[];
  /** After the warm-up, before the steps: the counters that show what the steps hit. */
  snapshot(): Promise<string>;
  /** What the steps hit, from the counters' movement since the snapshot. */
  describe(before: string): Promise<string>;
  stop(): Promise<void>;
}

export interface SeriesSpec {
  /** What CAPACITY_SERIES selects it by. */
  readonly key: SeriesKey;
  readonly name: string;
  /** One sentence for the report's method. */
  readonly what: string;
  /** Why it cannot run on this machine (software missing), checked before anything is measured; undefined when it can. */
  unavailable?(): string | undefined;
  start(): Promise<Running>;
}

const BR = 'br';

/** Stop quickly: the drain is for load balancers, there are none here. */
const API_ENV = { MOVIES_DRAIN_SECONDS: '0' };

/** `cinedex edge` relaying to `origin`, pinned to core 0 like the API series. */
async function startEdge(origin: string, extraEnv: NodeJS.ProcessEnv): Promise<{ base: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const base = benchBase(port);
  const run = await launchReady(
    cinedexCli,
    {
      what: 'cinedex edge',
      args: ['edge', '--origin', origin, '--port', String(port), '--host', benchHost, '--drain-seconds', '0'],
      env: { EDGE_LOG_LEVEL: 'info', ...extraEnv },
      cores: '0',
      stdout: 'ignore',
      stderr: 'inherit',
    },
    () => httpReady(`${base}/readyz`),
  );
  return { base, pid: run.pid, stop: () => run.stop() };
}

/** A real 20-movie answer, so the raw control serves a body of the API's size. */
const firstPage = async (base: string): Promise<Buffer> => Buffer.from(await (await fetch(`${base}/v1/movies?limit=20`)).arrayBuffer());

/** Every series, in the order they run; `paths` is the query mix offered to all but the raw control. */
export function seriesSpecs(paths: readonly string[]): SeriesSpec[] {
  // Taken from the first API series that runs; the raw control starts an API for it only when run alone.
  let pageBody: Buffer | undefined;
  const api = (key: SeriesKey, name: string, what: string, extraEnv: NodeJS.ProcessEnv): SeriesSpec => ({
    key,
    name,
    what,
    async start() {
      const { base, pid, stop } = await startCinedex({ ...API_ENV, ...extraEnv });
      // Each path answered once before the warm-up, as api-br's are: a timed warm-up alone left the mix at
      // 74 % response-cache hits on a loaded machine, so first answers were counted as cached ones.
      await sendEach(base, paths, 16).catch(async (error: unknown) => {
        await stop();
        throw error;
      });
      pageBody ??= await firstPage(base);
      return {
        base,
        paths,
        serverPids: [pid],
        helperPids: [],
        snapshot: () => metricsOf(base),
        describe: (before) => responseCacheHits(base, before),
        stop,
      };
    },
  });
  /**
   * The API asked in br: its answers settled first, as a server that has seen the mix for a while has them
   * (each recompressed at brotli 11 by the second tier), so that the steps measure cached br answers and no
   * recompression in the thread pool (which counts as the server's CPU) runs under them.
   */
  const apiBr = (key: SeriesKey, name: string, what: string): SeriesSpec => ({
    key,
    name,
    what,
    async start() {
      const { base, pid, stop } = await startCinedex({ ...API_ENV, ...RECOMPRESSION_ENV });
      const recompressed = await settleRecompression(base, paths, [BR]).catch(async (error: unknown) => {
        await stop();
        throw error;
      });
      console.log(`  ${recompressed} br answers recompressed before the warm-up`);
      return {
        base,
        paths,
        acceptEncoding: BR,
        serverPids: [pid],
        helperPids: [],
        snapshot: () => metricsOf(base),
        describe: async (before) => `${await responseCacheHits(base, before)}; ${await recompressedSince(base, before)}`,
        stop,
      };
    },
  });
  const edge = (key: SeriesKey, name: string, what: string, originEnv: NodeJS.ProcessEnv, edgeEnv: NodeJS.ProcessEnv): SeriesSpec => ({
    key,
    name,
    what,
    async start() {
      // The origin on the generator's core: the edge is alone on core 0.
      const origin = await startCinedex({ ...API_ENV, ...originEnv }, 1);
      const relay = await startEdge(origin.base, edgeEnv);
      return {
        base: relay.base,
        paths,
        serverPids: [relay.pid],
        helperPids: [origin.pid],
        snapshot: () => metricsOf(relay.base),
        describe: (before) => edgeCacheOutcomes(relay.base, before),
        stop: async () => {
          await relay.stop();
          await origin.stop();
        },
      };
    },
  });
  return [
    api(
      'api',
      'API, query mix (cached answers)',
      'cinedex serve; the 3,000 query paths cycled; after the warm-up these are response-cache hits answered by the fast lane',
      {},
    ),
    apiBr(
      'api-br',
      'API, query mix in br (cached answers)',
      'the same server and paths as the query mix, every request with `Accept-Encoding: br`; before the warm-up the mix was asked in br ' +
        `until the second tier had recompressed every answer it takes (MOVIES_RECOMPRESSION_MS=${RECOMPRESSION_ENV.MOVIES_RECOMPRESSION_MS} to get ` +
        'there sooner), so the steps are response-cache hits in br at their smallest',
    ),
    api(
      'api-cold',
      'API, cold path (no response cache)',
      'cinedex serve with MOVIES_RESPONSE_CACHE_BYTES=0: every request is parsed, searched, signed and serialised through Fastify',
      {
        MOVIES_RESPONSE_CACHE_BYTES: '0',
      },
    ),
    edge(
      'edge-hit',
      'edge, cache hit',
      'cinedex edge, warmed with the 3,000 paths; the origin says max-age=3600 (MOVIES_REFRESH_INTERVAL=3600), so every step is a HIT',
      { MOVIES_REFRESH_INTERVAL: '3600' },
      {},
    ),
    {
      key: 'nginx-hit',
      name: 'nginx edge, cache hit',
      what:
        'nginx with the committed deploy/edge/nginx.conf (its JSON access log, a line per request, written to a file) and one worker ' +
        'process, master and worker pinned to core 0 like cinedex edge, so the two are compared on one core; warmed with the 3,000 paths ' +
        'from the same origin (MOVIES_REFRESH_INTERVAL=3600, so every step is a HIT); CPU counted over the master and its worker',
      unavailable: () => (nginxVersion() === undefined ? 'nginx not found (install Debian’s nginx, or set NGINX_PATH)' : undefined),
      async start() {
        const origin = await startCinedex({ ...API_ENV, MOVIES_REFRESH_INTERVAL: '3600' }, 1);
        const nginx = await startNginxEdge(origin.base.replace('http://', ''), { workers: 1, ...(taskset ? { core: 0 } : {}) }).catch(
          async (error: unknown) => {
            await origin.stop();
            throw error;
          },
        );
        const workers = nginx.workerPids();
        if (workers.length !== 1) {
          await nginx.stop();
          await origin.stop();
          throw new Error(`nginx started ${workers.length} worker processes where it was told one`);
        }
        const version = nginxVersion() ?? 'nginx';
        return {
          base: nginx.base,
          paths,
          serverPids: [nginx.pid, ...workers],
          // The cache manager and loader: nginx's too, but idle here; left out of both the server's CPU and others'.
          helperPids: [
            origin.pid,
            ...childProcesses(nginx.pid)
              .map((c) => c.pid)
              .filter((pid) => !workers.includes(pid)),
          ],
          snapshot: async () => accessLogMark(nginx.accessLog),
          describe: async (before) => `${await nginxCacheOutcomes(nginx.accessLog, before)} (${version}'s access log)`,
          stop: async () => {
            await nginx.stop();
            await origin.stop();
          },
        };
      },
    },
    edge(
      'edge-miss',
      'edge, cache miss',
      'cinedex edge with EDGE_CACHE_MAX_BYTES=1 (nothing fits, nothing is stored): every request is relayed to the origin, which answers from its response cache; the latency includes the origin’s',
      {},
      { EDGE_CACHE_MAX_BYTES: '1' },
    ),
    {
      key: 'replay',
      name: 'node:http replaying cinedex answers (control)',
      what:
        "bench/http/replay-server.ts: cinedex's recorded answers to the 3,000 paths (same status, headers and bytes) looked up in a Map: " +
        "the ceiling for cinedex's own cached answers",
      async start() {
        const api = await startCinedex(API_ENV);
        pageBody ??= await firstPage(api.base);
        const answers = await record(api.base, paths).finally(() => api.stop());
        const { base, pid, stop } = await startReplay(answers);
        return {
          base,
          paths,
          serverPids: [pid],
          helperPids: [],
          snapshot: async () => '',
          describe: async () => `${answers.length} recorded answers`,
          stop,
        };
      },
    },
    {
      key: 'raw',
      name: 'raw node:http (control)',
      what: 'bench/lib/raw-server.ts: one fixed 20-movie body, no routing or logging: the platform ceiling, and the check that the generator keeps up',
      async start() {
        if (pageBody === undefined) {
          const api = await startCinedex(API_ENV);
          pageBody = await firstPage(api.base);
          await api.stop();
        }
        const body = pageBody;
        const { base, pid, stop } = await startRaw(body);
        return {
          base,
          paths: ['/'],
          serverPids: [pid],
          helperPids: [],
          snapshot: async () => '',
          describe: async () => `fixed body of ${body.length} bytes`,
          stop,
        };
      },
    },
  ];
}
