/**
 * Closed-loop load: `connections` clients, each sending its next request when the previous answer is
 * in. Every request takes the next path of the list, whichever connection sends it (one counter for
 * all), so a list of unique paths is sent once each. The HTTP and scale scenarios run it for a fixed
 * time (`closedLoop`); the soak runs one load across its phases and decides what each answer counts
 * for (`steadyLoad`).
 *
 * The client is http-client.ts's lean node:net transport: node:http's own client (and autocannon,
 * when each request's path is chosen at send time) costs more CPU per request than the servers it
 * measures, and on one core it could not keep them busy.
 *
 * A closed loop under-counts stalls (a stalled connection sends nothing meanwhile); the capacity
 * scenario's open loop (capacity/open-loop.ts) does not.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { netTransport } from './http-client.js';
import { percentile } from './stats.js';

/** Where each answer goes: `sentAt` in epoch ms; `status` is undefined when the exchange failed at the socket. */
export type AnswerSink = (sentAt: number, latencyMs: number, status: number | undefined) => void;

export interface SteadyLoad {
  /** Answers from now on go to `sink`. */
  measureInto(sink: AnswerSink): void;
  /** Stops sending; resolves when every answer in flight is in. */
  stop(): Promise<void>;
}

/** Starts the load; it runs until stopped. `acceptEncoding`, when given, goes on every request. */
export function steadyLoad(
  base: string,
  paths: readonly string[],
  connections: number,
  sink: AnswerSink,
  acceptEncoding?: string,
): SteadyLoad {
  const transport = netTransport(base, connections, acceptEncoding);
  let current = sink;
  let stopping = false;
  let next = 0;
  const origin = performance.timeOrigin;
  const loops = Array.from(
    { length: connections },
    () =>
      new Promise<void>((resolve) => {
        const loop = (): void => {
          if (stopping) return resolve();
          const sentAt = performance.now();
          transport.send(paths[next++ % paths.length] as string, (status) => {
            current(origin + sentAt, performance.now() - sentAt, status);
            loop();
          });
        };
        loop();
      }),
  );
  let stopped: Promise<void> | undefined;
  return {
    measureInto(to) {
      current = to;
    },
    stop() {
      stopping = true;
      stopped ??= Promise.all(loops).then(() => transport.close());
      return stopped;
    },
  };
}

export interface LoadResult {
  /** Answers received, per second of the run. */
  readonly requestsPerSecond: number;
  /** Answers received in the run (any status). */
  readonly requests: number;
  readonly non2xx: number;
  /** Exchanges that failed at the socket. */
  readonly errors: number;
  /** Per answer, from send to the end of the body, in µs. */
  readonly p50Us: number;
  readonly p99Us: number;
}

/** The load for `seconds`, then until the answers in flight are in; latency percentiles over every answer. */
export async function closedLoop(
  base: string,
  paths: readonly string[],
  connections: number,
  seconds: number,
  acceptEncoding?: string,
): Promise<LoadResult> {
  const samples: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  const load = steadyLoad(
    base,
    paths,
    connections,
    (_sentAt, latencyMs, status) => {
      if (status === undefined) errors++;
      else {
        samples.push(latencyMs * 1000);
        if (status < 200 || status >= 300) non2xx++;
      }
    },
    acceptEncoding,
  );
  await sleep(seconds * 1000);
  await load.stop();
  const elapsed = (performance.now() - started) / 1000;
  samples.sort((a, b) => a - b);
  return {
    requestsPerSecond: samples.length / elapsed,
    requests: samples.length,
    non2xx,
    errors,
    p50Us: percentile(samples, 50),
    p99Us: percentile(samples, 99),
  };
}

/**
 * Sends every path of the list once over `connections`, then stops: a response cache warmed with the
 * whole mix, whatever the machine's speed (a timed warm-up on a busy machine may not reach its end).
 */
export async function sendEach(base: string, paths: readonly string[], connections: number, acceptEncoding?: string): Promise<void> {
  let answered = 0;
  let allIn: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allIn = resolve));
  const load = steadyLoad(
    base,
    paths,
    connections,
    () => {
      if (++answered >= paths.length) allIn();
    },
    acceptEncoding,
  );
  await done;
  await load.stop();
}
