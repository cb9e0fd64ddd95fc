/**
 * A repeated query in br against identity, on ONE server (`node dist/bench/http/br-one-server.js` after
 * `npm run build`): one cinedex on core 0 holds the mix's answers in both representations (br recompressed by
 * the second tier first); the load on core 1 asks it the mix in blocks, one kind of client a block, and each
 * block's CPU per request is the server's own CPU over it (every thread's, from /proc's schedstat: nanoseconds,
 * not 10 ms ticks) divided by the answers.
 *
 * Why one server: the paired bench (br-paired.ts) runs a br server beside an identity server, and two pairs of
 * the same build measured br at 1.06× and 0.97× identity in the same rounds (docs/investigations/compression.md): what each
 * process is (its heap, its JIT's feedback, which one started first) weighs as much as what it answers. Here every
 * kind of client is answered by the same process, with the same heap and the same compiled code, block after block.
 *
 * The kinds: no `Accept-Encoding` (curl, Node's http client), `Accept-Encoding: identity` asked twice in each
 * round (the second is a control: its ratio to the first is what this bench cannot resolve), and
 * `Accept-Encoding: br`. Each round runs the four blocks in another of their 24 orders, so every kind comes after
 * every other as often (in a rotation the control always followed identity, and measured 1.03× it). The figure
 * is the median of the rounds' ratios: br over identity asked with the header (both requests carry the same
 * headers, so only the answers differ) and over identity asked without.
 */
import { pinSelf } from '../lib/launch.js';
import { closedLoop, sendEach } from '../lib/load.js';
import { fmt, table } from '../lib/markdown.js';
import { processCpuNs } from '../lib/proc.js';
import { runIfMain } from '../lib/script.js';
import { startCinedex } from '../lib/servers.js';
import { median, percentile } from '../lib/stats.js';
import { benchPaths } from '../lib/workload.js';
import { RECOMPRESSION_ENV, settleRecompression } from './encodings.js';

const ROUNDS = 24;
const BLOCK_SECONDS = 2;
const CONNECTIONS = 4;
const WARM_SECONDS = 10;

interface Kind {
  readonly name: string;
  readonly acceptEncoding: string | undefined;
}

const NONE: Kind = { name: 'no Accept-Encoding', acceptEncoding: undefined };
const IDENTITY: Kind = { name: '`identity`', acceptEncoding: 'identity' };
const CONTROL: Kind = { name: '`identity` again (control)', acceptEncoding: 'identity' };
const BR: Kind = { name: '`br`', acceptEncoding: 'br' };
const KINDS: readonly Kind[] = [NONE, IDENTITY, CONTROL, BR];

/** Every order of `items`. */
function orders<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((first, i) => orders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [first, ...rest]));
}

export async function benchBrOneServer(paths: readonly string[]): Promise<string> {
  pinSelf(1);
  const server = await startCinedex(RECOMPRESSION_ENV, 0);
  try {
    await sendEach(server.base, paths, 16);
    console.log(`  ${await settleRecompression(server.base, paths, ['br'])} br answers recompressed`);
    for (const kind of KINDS) await closedLoop(server.base, paths, CONNECTIONS, WARM_SECONDS / KINDS.length, kind.acceptEncoding);
    const perKind = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
    const ratios = { identity: [] as number[], none: [] as number[], control: [] as number[] };
    const everyOrder = orders(KINDS);
    for (let round = 0; round < ROUNDS; round++) {
      const cpu = new Map<Kind, number>();
      for (const kind of everyOrder[round % everyOrder.length] ?? KINDS) {
        const before = processCpuNs(server.pid);
        const run = await closedLoop(server.base, paths, CONNECTIONS, BLOCK_SECONDS, kind.acceptEncoding);
        const us = (processCpuNs(server.pid) - before) / 1000 / run.requests;
        if (run.non2xx > 0 || run.errors > 0) throw new Error(`${kind.name}: ${run.non2xx} answers not 2xx, ${run.errors} failed`);
        cpu.set(kind, us);
        perKind.get(kind)?.push(us);
      }
      const of = (k: Kind): number => cpu.get(k) ?? NaN;
      ratios.identity.push(of(BR) / of(IDENTITY));
      ratios.none.push(of(BR) / of(NONE));
      ratios.control.push(of(CONTROL) / of(IDENTITY));
      console.log(`  round ${round + 1}: ` + KINDS.map((k) => `${k.name} ${fmt(of(k), 1)}`).join(', ') + ' µs/req');
    }
    const spread = (xs: number[]): string => {
      const sorted = [...xs].sort((a, b) => a - b);
      return `${fmt(percentile(sorted, 25), 3)}× – ${fmt(percentile(sorted, 75), 3)}×`;
    };
    return (
      `### A repeated query, br against identity, one server (blocks of ${BLOCK_SECONDS} s, ${ROUNDS} rounds)\n\n` +
      table(
        ['client', 'CPU µs / request (median of rounds)'],
        KINDS.map((k) => [k.name, fmt(median(perKind.get(k) ?? []), 2)]),
      ) +
      '\n\n' +
      table(
        ['ratio', 'median of rounds', 'middle half of rounds'],
        [
          ['br × identity asked with the header', `${fmt(median(ratios.identity), 3)}×`, spread(ratios.identity)],
          ['br × identity asked without', `${fmt(median(ratios.none), 3)}×`, spread(ratios.none)],
          ['identity again × identity (control)', `${fmt(median(ratios.control), 3)}×`, spread(ratios.control)],
        ],
      ) +
      `\n\nOne cinedex on core 0 holding the mix (${paths.length} paths) in identity and in br (recompressed), the load on core 1, ` +
      `${CONNECTIONS} connections, closed loop; each block's CPU is the server's every thread from /proc/<pid>/task/*/schedstat.\n`
    );
  } finally {
    await server.stop();
  }
}

runIfMain(import.meta.url, () => benchBrOneServer(benchPaths()));
