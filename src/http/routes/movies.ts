import type { FastifyInstance } from 'fastify';
import { sendAnswer } from '../answer.js';
import type { RouteContext } from '../context.js';
import { MOVIES_PATH } from '../movies-answer.js';
import { listMoviesSchema } from '../schemas.js';

/**
 * GET /v1/movies through Fastify: for requests the fast lane leaves here (API keys, rate limits,
 * HEAD). The answer is MoviesAnswers', exactly as the lane would have written it.
 */
export function moviesRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get(MOVIES_PATH, { schema: listMoviesSchema }, (request, reply) => {
    sendAnswer(reply, ctx.answers.answer(request.url, request.headers['if-none-match'], request.headers['accept-encoding']));
  });
}
