import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/config.js';
import { Recompressor } from '../../src/http/recompressor.js';
import { buildServer, type ServerOptions } from '../../src/http/server.js';
import { LiveCatalogue } from '../../src/live/live-catalogue.js';
import { datasetOf, seedIndex } from './seed-index.js';

export interface RunningApi {
  readonly app: FastifyInstance;
  readonly base: string;
  readonly live: LiveCatalogue;
  readonly port: number;
}

/** The settings a server gets when nothing is configured: the tests serve with the product's defaults. */
export const DEFAULTS = loadConfig({});

/** The real API on a real socket (127.0.0.1, ephemeral port), serving the seed unless told otherwise. */
export async function startApi(
  options: Partial<Omit<ServerOptions, 'reader'>> & { live?: LiveCatalogue; empty?: boolean } = {},
): Promise<RunningApi> {
  const { live: given, empty, ...rest } = options;
  const live = given ?? new LiveCatalogue();
  if (!given && !empty) live.swap(datasetOf(seedIndex().index));
  const app = await buildServer({
    reader: live,
    cursorSecret: 'test-secret',
    logger: pino({ level: 'silent' }),
    cacheMaxAgeSeconds: 10,
    responseCacheBytes: DEFAULTS.responseCacheBytes,
    // The second compression tier off: a test that compares two answers' bytes must not race a swap between
    // them. Tests of the tier pass a recompressor of their own, and wait on it.
    recompressor: new Recompressor({ msPerSecond: 0 }),
    ...rest,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return { app, base: `http://127.0.0.1:${port}`, live, port };
}
