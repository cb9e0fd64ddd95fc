import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { benchHost } from '../lib/host.js';

/**
 * The honest ceiling for cinedex's answers: node:http writing answers recorded from a running
 * cinedex (status, the same headers in the same order, the same bodies), looked up by request
 * target in a Map. Anything cinedex costs above this is its own work, not node's or the answers' size.
 * argv: port, recording file (JSON: [target, status, flat headers, base64 body][]).
 */
type Recorded = [string, number, string[], string];
const [port, file] = process.argv.slice(2);
const answers = new Map<string, { status: number; headers: string[]; body: Buffer }>();
for (const [target, status, headers, body] of JSON.parse(readFileSync(file as string, 'utf8')) as Recorded[]) {
  answers.set(target, { status, headers, body: Buffer.from(body, 'base64') });
}
const missing = Buffer.from('{"detail":"not recorded"}');
const server = createServer((req, res) => {
  const answer = answers.get(req.url ?? '');
  if (answer === undefined) {
    res.writeHead(404, ['content-type', 'application/json', 'content-length', String(missing.length)]);
    res.end(missing);
    return;
  }
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(port), benchHost);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
