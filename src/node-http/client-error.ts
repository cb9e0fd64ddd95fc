import type { Socket } from 'node:net';
import { PROBLEM_TYPES, problem, rawProblemResponse } from './problem.js';

/**
 * node's `clientError`: failures before a request exists (oversized headers, garbage, a request
 * that never finished arriving), answered as problems like every other error, then the socket closes.
 */
export function clientErrorHandler(maxHeaderBytes: number): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const p =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? problem(
            431,
            PROBLEM_TYPES.headersTooLarge,
            'Request Header Fields Too Large',
            `the request line and headers exceed ${maxHeaderBytes} bytes; send a shorter URL or fewer headers`,
          )
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? problem(408, PROBLEM_TYPES.badRequest, 'Request Timeout', 'the request was not received in time')
          : problem(400, PROBLEM_TYPES.badRequest, 'Bad Request', 'the request is not valid HTTP/1.1');
    socket.end(rawProblemResponse(p));
  };
}
