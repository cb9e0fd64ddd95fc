import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import { percentile } from './stats.js';

export interface Throughput {
  readonly requestsPerSecond: number;
  readonly non2xx: number;
  readonly errors: number;
}

/** Requests per second at `connections` (autocannon), cycling through the paths. */
export async function throughput(base: string, paths: readonly string[], connections: number, seconds: number): Promise<Throughput> {
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    requests: paths.map((path) => ({ method: 'GET' as const, path })),
  });
  return { requestsPerSecond: result.requests.average, non2xx: result.non2xx, errors: result.errors };
}

export interface Latency {
  readonly p50Us: number;
  readonly p99Us: number;
  readonly requests: number;
  readonly failures: number;
}

/**
 * Per-request latency with microsecond resolution (autocannon reports whole milliseconds):
 * `connections` closed loops over keep-alive sockets, each timing its own requests.
 */
export async function latency(base: string, paths: readonly string[], connections: number, seconds: number): Promise<Latency> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL(base);
  const samples: number[] = [];
  let failures = 0;
  const end = performance.now() + seconds * 1000;
  const once = (path: string) =>
    new Promise<void>((resolve) => {
      const start = process.hrtime.bigint();
      const req = request({ host: url.hostname, port: url.port, path, agent }, (res) => {
        res.on('data', () => {});
        res.on('end', () => {
          if (res.statusCode !== 200) failures++;
          samples.push(Number(process.hrtime.bigint() - start) / 1000);
          resolve();
        });
      });
      req.on('error', () => {
        failures++;
        resolve();
      });
      req.end();
    });
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) await once(paths[next++ % paths.length] as string);
    }),
  );
  agent.destroy();
  samples.sort((a, b) => a - b);
  return { p50Us: percentile(samples, 50), p99Us: percentile(samples, 99), requests: samples.length, failures };
}
