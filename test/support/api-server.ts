import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildServer, type ServerOptions } from '../../src/http/server.js';
import { LiveCatalogue } from '../../src/serve/live-catalogue.js';
import { seedIndex } from './seed-index.js';

export interface RunningApi {
  readonly app: FastifyInstance;
  readonly base: string;
  readonly live: LiveCatalogue;
  readonly port: number;
}

/** The real API on a real socket (127.0.0.1, ephemeral port), serving the seed unless told otherwise. */
export async function startApi(options: Partial<ServerOptions> & { empty?: boolean } = {}): Promise<RunningApi> {
  const live = options.catalogue ?? new LiveCatalogue();
  if (!options.catalogue && !options.empty) live.swap(seedIndex().index);
  const app = await buildServer({ catalogue: live, cursorSecret: 'test-secret', logger: pino({ level: 'silent' }), cacheMaxAgeSeconds: 10, ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return { app, base: `http://127.0.0.1:${port}`, live, port };
}
