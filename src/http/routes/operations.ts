import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import { PROBLEM_TYPES, problem } from '../../node-http/problem.js';
import { JSON_CONTENT_TYPE, NOT_READY, sendAnswer, sendProblem } from '../answer.js';
import { livenessSchema, readinessSchema, statusSchema } from '../schemas.js';

/** Liveness, readiness, metrics and status: what operators and Kubernetes ask. */
export function operationsRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/healthz', { schema: livenessSchema }, (_request, reply) => {
    reply.header('cache-control', 'no-store');
    reply.send({ status: 'ok' });
  });

  app.get('/readyz', { schema: readinessSchema }, (_request, reply) => {
    if (ctx.isDraining()) {
      return sendProblem(reply, problem(503, PROBLEM_TYPES.notReady, 'Service Unavailable', 'shutting down: this instance is draining'));
    }
    const dataset = ctx.reader.dataset;
    if (!dataset) {
      return sendProblem(reply, problem(503, PROBLEM_TYPES.notReady, 'Service Unavailable', 'catalogue not loaded yet'));
    }
    reply.header('cache-control', 'no-store');
    reply.send({ status: 'ready', version: dataset.index.version });
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', ctx.metrics.registry.contentType).header('cache-control', 'no-store');
    return reply.send(await ctx.metrics.registry.metrics());
  });

  app.get('/v1/status', { schema: statusSchema }, (_request, reply) => {
    const dataset = ctx.reader.dataset;
    if (!dataset) return sendAnswer(reply, NOT_READY);
    const run = dataset.lastRun;
    reply.header('cache-control', 'no-store').header('content-type', JSON_CONTENT_TYPE);
    reply.send(
      JSON.stringify({
        version: dataset.index.version,
        movies: dataset.index.size,
        snapshotCreatedAt: dataset.pointer?.createdAt ?? null,
        loadedAt: ctx.reader.loadedAt?.toISOString() ?? null,
        lastIngestionRun: run
          ? {
              ...run.summary,
              objects: run.objects.map((o) => ({
                key: o.key,
                provider: o.provider,
                status: o.status,
                ...(o.reason ? { reason: o.reason } : {}),
                recordsApplied: o.recordsApplied,
                recordsRejected: o.recordsRejected,
                rejections: o.rejections,
              })),
            }
          : null,
        ...(dataset.segments ? { segments: dataset.segments } : {}),
        ...(dataset.synonyms !== undefined
          ? { synonyms: dataset.synonyms && { ...dataset.synonyms, rules: dataset.index.synonyms.size } }
          : {}),
        ...ctx.status(),
      }),
    );
  });
}
