/**
 * Paired rounds: several servers loaded at the same time, so that on a shared machine every one of them sees the
 * same moment's load and their CPU per request can be divided one by another within a round (docs/investigations/cached-answer.md,
 * issue 21's "Second pass").
 */
import { mark, otherCores, serverUse } from './cpu.js';
import { closedLoop, type LoadResult } from './load.js';
import { hasProc, mainThreadWaits } from './proc.js';

export interface PairedServer {
  readonly pid: number;
  readonly base: string;
  readonly paths: readonly string[];
  readonly acceptEncoding?: string;
}

export interface PairedRound {
  /** Answers per server, in the order given. */
  readonly requests: number[];
  /** CPU µs per answer per server (its process's CPU from /proc over the round). */
  readonly cpuUs: number[];
  /** Times each server's main thread slept and was woken again, per answer (NaN without /proc). */
  readonly wakeupsPerRequest: number[];
  /** Cores used meanwhile by processes not ours; undefined without /proc. */
  readonly others: number | undefined;
}

/** Rounds loaded so far: each starts its servers' loads one place further round the list. */
let rounds = 0;

/**
 * Every server loaded at once for `seconds`, `connections` each. The loads start in an order that turns by one
 * server each round: with the order fixed, the server whose load started first (the one listed first) measured
 * dearer than its twin round after round (docs/investigations/cached-answer.md, issue 21, 2026-12-05), in the closed loop, where a
 * server sent its requests a little later answers fewer per turn of its event loop.
 */
export async function loadAtOnce(servers: readonly PairedServer[], connections: number, seconds: number): Promise<PairedRound> {
  const pids = servers.map((s) => s.pid);
  const before = servers.map((s) => mark([s.pid], []));
  const everyone = mark([], pids);
  const waits = pids.map(mainThreadWaits);
  const first = rounds++ % Math.max(1, servers.length);
  const started = new Array<Promise<LoadResult>>(servers.length);
  for (let k = 0; k < servers.length; k++) {
    const i = (first + k) % servers.length;
    const s = servers[i] as PairedServer;
    started[i] = closedLoop(s.base, s.paths, connections, seconds, s.acceptEncoding);
  }
  const runs = await Promise.all(started);
  const after = servers.map((s) => mark([s.pid], []));
  return {
    requests: runs.map((r) => r.requests),
    cpuUs: servers.map(
      (_, i) => serverUse(before[i] as ReturnType<typeof mark>, after[i] as ReturnType<typeof mark>, runs[i]?.requests ?? 0).cpuUs,
    ),
    wakeupsPerRequest: pids.map((pid, i) =>
      hasProc() && (runs[i]?.requests ?? 0) > 0 ? (mainThreadWaits(pid) - (waits[i] ?? 0)) / (runs[i]?.requests ?? NaN) : NaN,
    ),
    others: otherCores(everyone, mark([], pids)),
  };
}
