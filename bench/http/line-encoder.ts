/**
 * The request log line's encoder in a loop (`node dist/bench/http/line-encoder.js <lines> [encode|most|none]`), for
 * callgrind: instructions per line are the difference between two runs of different lengths over their difference
 * in lines, which holds whatever the machine's load (issue 21's twelfth pass and the `hit-line` pass,
 * docs/investigations/cached-answer.md). `encode` asks `most` and encodes each line, as the recorder does; `plain` the
 * same with the records marked plain (RequestRecord.plain), as the fast lane's cached answers are; `most` only asks;
 * `none` builds the records alone (what the others pay besides the line). The records are the bench mix's:
 * 3,000 query URLs as node hands them over (latin1 strings), 1,000 request ids, one client, method and route.
 * With `--print`, the first three lines are printed instead (a check that the driver encodes what it should).
 */
import { lineEncoder } from '../../src/http/request-line-bytes.js';
import type { RequestRecord } from '../../src/http/request-record.js';

const [linesArg = '100000', mode = 'encode', flag] = process.argv.slice(2);
const lines = Number(linesArg);
if (!Number.isSafeInteger(lines) || lines < 0 || !['encode', 'plain', 'most', 'none'].includes(mode))
  throw new Error('usage: line-encoder.js <lines> [encode|plain|most|none] [--print]');
const plain = mode === 'plain';

const { encode, most } = lineEncoder({ head: '{"level":30', chindings: () => ',"pid":12345,"role":"serve"', end: '}\n' });
const bytes = Buffer.allocUnsafe(1 << 20);
const urls = Array.from({ length: 3000 }, (_, i) =>
  Buffer.from(`/v1/movies?genre=drama&year_from=${1900 + (i % 100)}&limit=20&q=word${i}`).toString('latin1'),
);
const ids = Array.from({ length: 1000 }, (_, i) => `abcd1234-${i.toString(36)}`);
const record = (i: number): RequestRecord => ({
  reqId: ids[i % ids.length] ?? '',
  client: 'anonymous',
  method: 'GET',
  url: urls[i % urls.length] ?? '',
  route: '/v1/movies',
  status: 200,
  ms: 0.123 + (i % 7) / 1000,
  plain,
});

if (flag === '--print') {
  let at = 0;
  for (let i = 0; i < 3; i++) {
    const r = record(i);
    most(r);
    at = encode(bytes, at, 1765000000000 + i, r);
  }
  process.stdout.write(bytes.subarray(0, at));
} else {
  let at = 0;
  let sum = 0;
  for (let i = 0; i < lines; i++) {
    const r = record(i);
    if (at > 900_000) at = 0;
    if (mode === 'encode' || plain) {
      most(r);
      at = encode(bytes, at, 1765000000000 + i, r);
    } else if (mode === 'most') sum += most(r);
    else sum += r.url.length;
  }
  // Printed so that no mode's work can be left out as unused.
  console.log(`${mode} ${lines} lines, ${at + sum}`);
}
