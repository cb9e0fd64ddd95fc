import type { FastifyReply } from 'fastify';
import { PROBLEM_TYPES, problem, sendProblem } from '../problem.js';

/** Data routes before the first catalogue is indexed: a retryable 503, not an empty answer. */
export function notReady(reply: FastifyReply): void {
  reply.header('retry-after', '5');
  sendProblem(reply, problem(503, PROBLEM_TYPES.notReady, 'Service Unavailable', 'the catalogue is still loading; retry in a few seconds'));
}
