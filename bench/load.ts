/**
 * Closed-loop load for the HTTP benchmark: `connections` clients, each sending its next request
 * when the previous answer is in. Every request takes the next path of the list, whichever
 * connection sends it (one counter for all), so a list of unique paths is sent once each.
 *
 * The client is open-loop.ts's lean node:net transport: node:http's own client (and autocannon,
 * when each request's path is chosen at send time) costs more CPU per request than the servers it
 * measures, and on one core it could not keep them busy.
 */
import { netTransport } from './open-loop.js';
import { percentile } from './stats.js';

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

export async function closedLoop(base: string, paths: readonly string[], connections: number, seconds: number): Promise<LoadResult> {
  const transport = netTransport(base, connections);
  const samples: number[] = [];
  let next = 0;
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise<void>((resolve) => {
          const loop = (): void => {
            if (performance.now() >= end) return resolve();
            const sentAt = performance.now();
            transport.send(paths[next++ % paths.length] as string, (status) => {
              if (status === undefined) errors++;
              else {
                samples.push((performance.now() - sentAt) * 1000);
                if (status < 200 || status >= 300) non2xx++;
              }
              loop();
            });
          };
          loop();
        }),
    ),
  );
  transport.close();
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
