/**
 * Where a cached answer's CPU goes (`node dist/bench/http/profile.js [dir]`, after `npm run build`): cinedex
 * and node:http replaying cinedex's own answers, each under the repeated mix with V8's sampling profiler on
 * (`--cpu-prof`), side by side in the same rounds. Prints each function's self time in µs per request for
 * both, largest difference first, and leaves the two `.cpuprofile` files in `dir`: Chrome DevTools
 * (Performance, "Load profile") and speedscope draw them as flame graphs.
 *
 * The profiler sees the main thread's JavaScript and the native code it calls; time V8 spends in its
 * runtime on behalf of that code shows as `(program)` or `(garbage collector)`. The profiles also hold
 * start-up: only the samples taken during the measured runs are counted.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/cli-process.js';
import { seedPath } from '../../test/support/paths.js';
import { benchBase } from '../lib/host.js';
import { launchReady, pinSelf } from '../lib/launch.js';
import { closedLoop, sendEach } from '../lib/load.js';
import { startServe } from '../lib/servers.js';
import { runIfMain } from '../lib/script.js';
import { benchPaths } from '../lib/workload.js';
import { record } from './replay.js';

interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const ROUNDS = 3;
const SECONDS = 4;

export async function profileHttp(dir: string): Promise<string> {
  pinSelf(1);
  const paths = benchPaths();
  const profiled = (name: string) => ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${join(dir, name)}`];
  const cinedex = await startServe({
    env: {
      MOVIES_SEED: seedPath,
      MOVIES_DATA_DIR: mkdtempSync(join(tmpdir(), 'cinedex-profile-')),
      MOVIES_INGEST_INTERVAL: '0',
      LOG_LEVEL: 'warn',
    },
    cores: '0',
    nodeArgs: profiled('cinedex'),
  });
  const answers = await record(cinedex.base, paths);
  const file = join(mkdtempSync(join(tmpdir(), 'cinedex-replay-')), 'answers.json');
  writeFileSync(file, JSON.stringify(answers.map(([target, status, headers, body]) => [target, status, headers, body.toString('base64')])));
  const port = await freePort();
  const replayBase = benchBase(port);
  const replay = await launchReady(
    fileURLToPath(new URL('replay-server.js', import.meta.url)),
    { what: 'replay', args: [String(port), file], cores: '0', nodeArgs: profiled('replay'), stdout: 'ignore', stderr: 'inherit' },
    async () => (await fetch(replayBase)).status > 0,
  );
  const servers = { cinedex: cinedex.base, replay: replayBase };
  // Profile timestamps are µs of the system's monotonic clock, which process.hrtime reads too, in any process.
  const now = () => Number(process.hrtime.bigint() / 1000n);
  const windows: Record<string, [number, number][]> = { cinedex: [], replay: [] };
  const requests: Record<string, number> = { cinedex: 0, replay: 0 };
  for (const base of Object.values(servers)) await sendEach(base, paths, 16);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, base] of Object.entries(servers)) {
      await closedLoop(base, paths, 4, 1);
      const from = now();
      const run = await closedLoop(base, paths, 16, SECONDS);
      windows[name]?.push([from, now()]);
      requests[name] = (requests[name] ?? 0) + run.requests;
    }
  }
  await cinedex.stop();
  await replay.stop();
  const perRequest = Object.fromEntries(
    Object.keys(servers).map((name) => [name, selfTimes(join(dir, name), windows[name] ?? [], requests[name] ?? 1)]),
  );
  const c = perRequest.cinedex ?? new Map<string, number>();
  const r = perRequest.replay ?? new Map<string, number>();
  const names = [...new Set([...c.keys(), ...r.keys()])].sort(
    (a, b) => Math.abs((c.get(b) ?? 0) - (r.get(b) ?? 0)) - Math.abs((c.get(a) ?? 0) - (r.get(a) ?? 0)),
  );
  const total = (m: Map<string, number>) => [...m.values()].reduce((s, v) => s + v, 0);
  const rows = names
    .slice(0, 30)
    .map(
      (n) => `| ${n} | ${(c.get(n) ?? 0).toFixed(2)} | ${(r.get(n) ?? 0).toFixed(2)} | ${((c.get(n) ?? 0) - (r.get(n) ?? 0)).toFixed(2)} |`,
    );
  return (
    `Main thread, µs per request (self time, sampled): cinedex ${total(c).toFixed(1)}, replay ${total(r).toFixed(1)}; profiles in ${dir}\n\n` +
    '| function | cinedex | replay | difference |\n| --- | --- | --- | --- |\n' +
    `${rows.join('\n')}\n`
  );
}

/** Self time per function over the samples inside `windows`, in µs per request; idle left out. */
function selfTimes(dir: string, windows: readonly [number, number][], requests: number): Map<string, number> {
  const name = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (name === undefined) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, name), 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const out = new Map<string, number>();
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    const frame = frames.get(id);
    if (frame === undefined || frame.functionName === '(idle)' || !windows.some(([a, b]) => t >= a && t <= b)) return;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, '')}:${frame.lineNumber + 1}`;
    out.set(key, (out.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / requests);
  });
  return out;
}

runIfMain(import.meta.url, async () => {
  const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'cinedex-profiles-'));
  mkdirSync(dir, { recursive: true });
  return profileHttp(dir);
});
