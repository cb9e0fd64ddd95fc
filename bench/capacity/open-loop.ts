/**
 * An open-loop (constant arrival rate, wrk2-style) HTTP load generator. Its client is a lean keep-alive
 * HTTP/1.1 client on node:net by default (`netTransport`), or node:http's own with a keep-alive Agent.
 *
 * Why not autocannon: a closed loop sends the next request only when an answer comes back, so when
 * the server stalls the client stops offering load and the stall is counted once instead of once per
 * request that should have been sent meanwhile (coordinated omission). Here request i is due at
 * start + i / rate whatever happens, and its latency runs from that intended time: a request that
 * waits for a free socket, or behind a late generator, is charged for the wait.
 *
 * Run as a script (`node dist/bench/capacity/open-loop.js --worker`, with IPC) it takes runs from its
 * parent, so the generator can live in its own small process pinned to its own core.
 */
import { createTransport, type Transport, type TransportKind } from '../lib/http-client.js';
import { isMain } from '../lib/script.js';
import { summary } from '../lib/stats.js';

export interface OpenLoopOptions {
  /** `http://host:port`, no trailing slash. */
  readonly base: string;
  /** Request paths, cycled from `firstPath`. */
  readonly paths: readonly string[];
  /** Offered requests per second. */
  readonly rate: number;
  readonly seconds: number;
  /** Connections at most; beyond it due requests wait in the generator's queue (their wait counts). Default 128. */
  readonly maxSockets?: number;
  /** After the last send, how long unanswered requests may still take before they count as timeouts. Default 5000. */
  readonly drainMs?: number;
  /** A request more than this late to be sent ends the run early: the server is far past its capacity. Default 3000. */
  readonly abortLateMs?: number;
  readonly firstPath?: number;
  /** The client: `net` (default, lean) or `http` (node:http's Agent). */
  readonly transportKind?: TransportKind;
  /** Sent on every request when given (the answers are then read as they come, undecoded). */
  readonly acceptEncoding?: string;
  /** Poll the schedule on every event-loop turn (default) rather than on 1 ms timers: exact sends, one busy core. */
  readonly spin?: boolean;
  /** Reuse connections across runs (one series); otherwise one is made for the run and closed after it. */
  readonly transport?: Transport;
}

export interface OpenLoopResult {
  readonly offered: number;
  /** Requests the schedule called for, answered or not. */
  readonly scheduled: number;
  readonly sent: number;
  /** Answers received (any status) per second, over the run's duration or until the last answer if that came later. */
  readonly achieved: number;
  readonly ok: number;
  readonly non2xx: number;
  /** Socket errors. */
  readonly errors: number;
  /** Unanswered when the run ended (drain deadline or abort), sent or not. */
  readonly timeouts: number;
  readonly aborted: boolean;
  /** From intended send time to the end of the answer, in ms; unanswered requests count with what they had waited. */
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  /** How late the generator itself sent (intended → request written), p99 in ms: its own health. */
  readonly sendLagP99Ms: number;
  readonly maxInFlight: number;
  /** Generator CPU over the run, as a share of one core. */
  readonly generatorCpu: number;
}

/** Intended send time of request `i`, in ms after the start. */
export function intendedAt(i: number, rate: number): number {
  return (i * 1000) / rate;
}

/** How many requests are due `elapsedMs` after the start (request 0 is due at once). */
export function dueBy(elapsedMs: number, rate: number, total: number): number {
  if (elapsedMs < 0) return 0;
  return Math.min(total, Math.floor((elapsedMs * rate) / 1000) + 1);
}

export interface Slo {
  readonly p99Ms: number;
  /** Achieved at least this share of offered. */
  readonly minAchievedRatio: number;
}

export const DEFAULT_SLO: Slo = { p99Ms: 5, minAchievedRatio: 0.98 };

/** Whether a run sustained its offered rate: p99 under the bound, the rate actually delivered, and not one failed request. */
export function sustains(r: OpenLoopResult, slo: Slo = DEFAULT_SLO): boolean {
  return (
    !r.aborted &&
    r.p99Ms < slo.p99Ms &&
    r.achieved >= slo.minAchievedRatio * r.offered &&
    r.non2xx === 0 &&
    r.errors === 0 &&
    r.timeouts === 0
  );
}

export async function runOpenLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const cap = o.maxSockets ?? 128;
  const transport = o.transport ?? createTransport(o.transportKind ?? 'net', o.base, cap, o.acceptEncoding);
  const total = Math.max(1, Math.round(o.rate * o.seconds));
  const drainMs = o.drainMs ?? 5000;
  const abortLateMs = o.abortLateMs ?? 3000;
  const paths = o.paths;
  const firstPath = o.firstPath ?? 0;
  const latency = new Float64Array(total).fill(NaN);
  const lag = new Float64Array(total).fill(NaN);

  let next = 0; // next index to take off the schedule
  const waiting: number[] = []; // due, but every allowed connection is busy
  let waitingHead = 0;
  let sent = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let answered = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let lastAnswer = 0;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  const spin = o.spin ?? true;
  let finished = false;
  let aborted = false;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));

  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();

  const send = (i: number) => {
    lag[i] = performance.now() - t0 - intendedAt(i, o.rate);
    sent++;
    inFlight++;
    if (inFlight > maxInFlight) maxInFlight = inFlight;
    transport.send(paths[(firstPath + i) % paths.length] as string, (status) => {
      if (finished) return;
      const now = performance.now();
      latency[i] = now - t0 - intendedAt(i, o.rate);
      lastAnswer = now;
      inFlight--;
      answered++;
      if (status === undefined) errors++;
      else if (status >= 200 && status < 300) ok++;
      else non2xx++;
      pump();
    });
  };

  // Sends everything due, oldest first, as far as connections allow. It runs after every answer and,
  // while a send is due within 2 ms, on every turn of the event loop (setImmediate): node's timers
  // fire whole milliseconds late, which sent requests in bursts up to 1 ms behind schedule. The price
  // is a busy generator core, which is why it runs on its own core.
  function pump(): void {
    if (finished) return;
    const elapsed = performance.now() - t0;
    const due = dueBy(elapsed, o.rate, total);
    while (next < due) waiting.push(next++);
    while (waitingHead < waiting.length && inFlight < cap) send(waiting[waitingHead++] as number);
    if (waitingHead > 4096 && waitingHead * 2 > waiting.length) {
      waiting.splice(0, waitingHead);
      waitingHead = 0;
    }
    if (waitingHead < waiting.length && elapsed - intendedAt(waiting[waitingHead] as number, o.rate) > abortLateMs) {
      aborted = true;
      return end();
    }
    if (answered === total) return end();
    if (timer === undefined && immediate === undefined && (next < total || waitingHead < waiting.length)) {
      const wait = next < total ? intendedAt(next, o.rate) - elapsed : 1;
      if (spin && wait < 2) immediate = setImmediate(tick);
      else timer = setTimeout(tick, Math.max(1, Math.floor(wait)));
    }
  }
  function tick(): void {
    timer = undefined;
    immediate = undefined;
    pump();
  }

  const drainTimer = setTimeout(() => end(), o.seconds * 1000 + drainMs);
  function end(): void {
    if (finished) return;
    finished = true;
    clearTimeout(drainTimer);
    if (timer !== undefined) clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
    finish();
  }

  pump();
  await done;
  const endAt = performance.now();
  const cpu = process.cpuUsage(cpuBefore);
  // Answers still on their way would arrive on connections the next run reuses: a run that did not finish closes them.
  if (o.transport === undefined || inFlight > 0) transport.close();

  // Unanswered requests are charged what they had waited when the run ended: a lower bound, which is still far over any SLO.
  let timeouts = 0;
  for (let i = 0; i < total; i++) {
    if (Number.isNaN(latency[i] as number)) {
      timeouts++;
      latency[i] = Math.max(0, endAt - t0 - intendedAt(i, o.rate));
    }
  }
  const lat = summary(latency);
  const lags = summary(lag.filter((v) => !Number.isNaN(v)));
  // Over the nominal duration at least: on schedule, the last answer comes just before it ends.
  const span = Math.max(o.seconds * 1000, lastAnswer - t0);
  return {
    offered: o.rate,
    scheduled: total,
    sent,
    achieved: span > 0 ? (answered * 1000) / span : answered,
    ok,
    non2xx,
    errors,
    timeouts,
    aborted,
    p50Ms: lat.p50,
    p90Ms: lat.p90,
    p99Ms: lat.p99,
    p999Ms: lat.p999,
    maxMs: lat.max,
    sendLagP99Ms: lags.p99,
    maxInFlight,
    generatorCpu: (cpu.user + cpu.system) / 1000 / (endAt - t0),
  };
}

/** One message from the parent: a run, or the end of a series (its connections are closed). */
export type WorkerRequest =
  { readonly type: 'run'; readonly id: number; readonly options: Omit<OpenLoopOptions, 'transport'> } | { readonly type: 'reset' };
export type WorkerReply =
  | { readonly type: 'result'; readonly id: number; readonly result: OpenLoopResult }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

function worker(): void {
  const transports = new Map<string, Transport>();
  process.on('message', (message: WorkerRequest) => {
    if (message.type === 'reset') {
      for (const transport of transports.values()) transport.close();
      transports.clear();
      return;
    }
    const { options } = message;
    const kind = options.transportKind ?? 'net';
    const cap = options.maxSockets ?? 128;
    const key = `${kind} ${options.base} ${cap} ${options.acceptEncoding ?? 'identity'}`;
    let transport = transports.get(key);
    if (transport === undefined) transports.set(key, (transport = createTransport(kind, options.base, cap, options.acceptEncoding)));
    const reused = transport;
    runOpenLoop({ ...options, transport: reused }).then(
      (result) => {
        // A run that ended with answers outstanding closed its connections; the next run opens new ones.
        if (result.timeouts > 0) transports.delete(key);
        process.send?.({ type: 'result', id: message.id, result } satisfies WorkerReply);
      },
      (error: unknown) => process.send?.({ type: 'failed', id: message.id, message: String(error) } satisfies WorkerReply),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

if (isMain(import.meta.url) && process.argv.includes('--worker')) worker();
