/**
 * br against identity, paired (`node dist/bench/http/br-paired.js [--repeated] [--identity-header]` after `npm run build`): two
 * cinedex processes of one build on core 0, one asked every query with `Accept-Encoding: br` and the other
 * without, loaded at the same time with the same paths, round after round; each round's ratio is the br
 * server's CPU per request over the identity server's in that round, and the figure is the median of the
 * rounds' ratios. With BENCH_BEFORE_CLI, that build's pair runs beside in the same rounds.
 *
 * The paths are never-seen queries by default (a fresh slice each round: every answer computed and, in br,
 * compressed by the first tier), or with `--repeated` the query mix itself, whose answers both servers hold
 * before the rounds (the br server's recompressed by the second tier first, as in bench/http/encodings.ts).
 *
 * Why paired: on this shared machine others' load moves by several times within a minute, so servers
 * measured in turn (bench/http/encodings.ts's alternating slices) see different machines, and their
 * ratio moved from 1.09× to 1.34× between runs. Loaded at once, both see the same machine at the same
 * moment (docs/investigations/cached-answer.md, issue 21's "Second pass"). The price: each runs at a fraction of its
 * rate, so costs paid per turn of the event loop weigh more than at saturation, alike for both.
 */
import { pinSelf } from '../lib/launch.js';
import { sendEach } from '../lib/load.js';
import { loadAtOnce, type PairedRound } from '../lib/paired.js';
import { fmt, table } from '../lib/markdown.js';
import { runIfMain } from '../lib/script.js';
import { cinedexCli, startCinedex, type Serving } from '../lib/servers.js';
import { median, percentile } from '../lib/stats.js';
import { benchPaths } from '../lib/workload.js';
import { BEFORE_CLI } from '../settings.js';
import { RECOMPRESSION_ENV, settleRecompression } from './encodings.js';
import { neverSeen } from './never-seen.js';

const ROUNDS = 30;
const ROUND_SECONDS = 3;
/** Per server: with four servers on one core, more would only queue. */
const CONNECTIONS = 8;
/** Load on every server at once before the rounds: a cinedex's first seconds of never-seen queries cost several times its steady state. */
const WARM_SECONDS = 30;
/**
 * CPU comes from /proc in 10 ms ticks: a server that answered fewer requests than this in a round (the
 * machine taken by others) has too few ticks for a ratio, and the round is left out.
 */
const MIN_REQUESTS = 500;
/** More paths a round than a server answers in it, so that none is asked twice. */
const PATHS_PER_ROUND = 10000;

interface Pair {
  readonly build: string;
  readonly identity: Serving;
  readonly br: Serving;
}

interface RoundFigures {
  /** CPU µs per request, per server. */
  readonly identity: number;
  readonly br: number;
}

/**
 * What the identity servers' clients send: no Accept-Encoding (as curl and Node's http client), or with
 * `--identity-header` an explicit `Accept-Encoding: identity`, so that both clients send the same number of
 * headers and the comparison is of the answers alone.
 */
const IDENTITY_HEADER = process.argv.includes('--identity-header') ? 'identity' : undefined;

/** What the rounds ask: never-seen queries, or the mix held by both servers. */
interface Workload {
  readonly name: string;
  /** The servers' environment beyond the bench's. */
  readonly env: NodeJS.ProcessEnv;
  /** Each round asks paths never asked before, which a server must not run out of. */
  readonly fresh: boolean;
  /** Before the warm-up: a repeated mix is asked until both servers hold its answers, br's recompressed. */
  prepare(pair: Pair): Promise<void>;
  readonly warm: readonly string[];
  round(n: number): readonly string[];
}

function neverSeenWorkload(paths: readonly string[]): Workload {
  const unseen = neverSeen(paths);
  return {
    name: 'never-seen queries',
    env: {},
    fresh: true,
    prepare: async () => {},
    warm: unseen.slice(ROUNDS * PATHS_PER_ROUND),
    round: (n) => unseen.slice(n * PATHS_PER_ROUND, (n + 1) * PATHS_PER_ROUND),
  };
}

function repeatedWorkload(paths: readonly string[]): Workload {
  return {
    name: 'the repeated mix',
    // A second tier with more budget settles the mix sooner; the state it reaches is the default's.
    env: RECOMPRESSION_ENV,
    fresh: false,
    async prepare(pair) {
      await sendEach(pair.identity.base, paths, 16);
      console.log(`  ${pair.build}: ${await settleRecompression(pair.br.base, paths, ['br'])} br answers recompressed`);
    },
    warm: paths,
    round: () => paths,
  };
}

async function startPair(build: string, cli: string, env: NodeJS.ProcessEnv): Promise<Pair> {
  const [identity, br] = await Promise.all([startCinedex(env, 0, cli), startCinedex(env, 0, cli)]);
  return { build, identity, br };
}

/** Every server answers `paths` at once, identity servers without Accept-Encoding and br servers with `br`. */
function loadAll(pairs: readonly Pair[], paths: readonly string[], seconds: number): Promise<PairedRound> {
  const servers = pairs.flatMap((p) => [
    { pid: p.identity.pid, base: p.identity.base, paths, acceptEncoding: IDENTITY_HEADER },
    { pid: p.br.pid, base: p.br.base, paths, acceptEncoding: 'br' },
  ]);
  return loadAtOnce(servers, CONNECTIONS, seconds);
}

export async function benchBrPaired(workload: Workload): Promise<string> {
  pinSelf(1);
  const beforeCli = BEFORE_CLI.read();
  const pairs = [await startPair('this build', cinedexCli, workload.env)];
  try {
    if (beforeCli !== undefined) pairs.push(await startPair('BENCH_BEFORE_CLI', beforeCli, workload.env));
    for (const pair of pairs) await workload.prepare(pair);
    console.log(`  warming every server with ${workload.name} for ${WARM_SECONDS} s`);
    await loadAll(pairs, workload.warm, WARM_SECONDS);
    const rounds: RoundFigures[][] = pairs.map(() => []);
    const others: number[] = [];
    let skipped = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const slice = workload.round(round);
      const r = await loadAll(pairs, slice, ROUND_SECONDS);
      if (workload.fresh && r.requests.some((n) => n >= slice.length))
        throw new Error('a server answered every never-seen path of its round: raise PATHS_PER_ROUND');
      const counted = r.requests.every((n) => n >= MIN_REQUESTS);
      if (counted) pairs.forEach((_, p) => rounds[p]?.push({ identity: r.cpuUs[2 * p] ?? NaN, br: r.cpuUs[2 * p + 1] ?? NaN }));
      else skipped++;
      if (r.others !== undefined) others.push(r.others);
      console.log(
        `  round ${round + 1}: ` +
          pairs
            .map(
              (pair, p) =>
                `${pair.build} identity ${fmt(r.cpuUs[2 * p] ?? NaN, 1)} br ${fmt(r.cpuUs[2 * p + 1] ?? NaN, 1)} µs/req (${r.requests[2 * p]}, ${r.requests[2 * p + 1]} requests)`,
            )
            .join('; ') +
          `; others ${r.others === undefined ? 'n/a' : fmt(r.others, 2)} cores${counted ? '' : ' (too few requests: not counted)'}`,
      );
    }
    return pairedTable(workload, pairs, rounds, others, skipped);
  } finally {
    await Promise.all(pairs.flatMap((p) => [p.identity.stop(), p.br.stop()]));
  }
}

function pairedTable(
  workload: Workload,
  pairs: readonly Pair[],
  rounds: readonly RoundFigures[][],
  others: readonly number[],
  skipped: number,
): string {
  const rows = pairs.map((pair, p) => {
    const mine = rounds[p] ?? [];
    const ratios = mine.map((r) => r.br / r.identity).sort((a, b) => a - b);
    return [
      pair.build,
      fmt(median(mine.map((r) => r.identity)), 1),
      fmt(median(mine.map((r) => r.br)), 1),
      `${fmt(median(ratios), 2)}×`,
      `${fmt(percentile(ratios, 25), 2)}× – ${fmt(percentile(ratios, 75), 2)}×`,
    ];
  });
  return (
    `### br against identity on ${workload.name}, paired (rounds of ${ROUND_SECONDS} s, medians)\n\n` +
    table(
      ['build', 'identity: CPU µs / request', 'br: CPU µs / request', 'br × identity (median of rounds)', 'middle half of rounds'],
      rows,
    ) +
    `\n\nBoth servers of a build on core 0 with the load on core 1, loaded at once (${CONNECTIONS} connections each) with the same ` +
    `paths each round, after ${WARM_SECONDS} s of ${workload.name}; the identity clients sent ` +
    `${IDENTITY_HEADER === undefined ? 'no Accept-Encoding' : '`Accept-Encoding: identity`'}; others used ${fmt(median(others), 2)} cores (median of rounds); ` +
    `${skipped} of ${ROUNDS} rounds left out, where a server answered fewer than ${MIN_REQUESTS} requests.\n`
  );
}

runIfMain(import.meta.url, () =>
  benchBrPaired(process.argv.includes('--repeated') ? repeatedWorkload(benchPaths()) : neverSeenWorkload(benchPaths())),
);
