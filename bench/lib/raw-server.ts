import { createServer } from 'node:http';
import { benchHost } from './host.js';

/**
 * The platform's ceiling: node:http answering one fixed body with no routing, parsing or logging.
 * The body is given on stdin-free argv as a file path so it matches a real 20-movie page.
 */
const [port, bodyFile] = process.argv.slice(2);
const { readFileSync } = await import('node:fs');
const body = readFileSync(bodyFile as string);
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(port), benchHost);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
