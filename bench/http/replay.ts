/**
 * The honest ceiling for cinedex's own answers: its answers recorded from a running cinedex, then
 * replayed by plain node:http (replay-server.ts) with the same headers in the same order.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControl, type Control } from '../lib/servers.js';

/** One recorded answer: request target, status, flat headers in wire order (node adds date and connection), body. */
export type RecordedAnswer = readonly [string, number, readonly string[], Buffer];

/**
 * Each target's answer as cinedex wrote it: status, headers in wire order (node's own date and connection headers left
 * out), body, as sent (compressed when `acceptEncoding` asks for it).
 */
export async function record(base: string, targets: readonly string[], acceptEncoding?: string): Promise<RecordedAnswer[]> {
  const out: RecordedAnswer[] = [];
  for (const target of new Set(targets)) {
    out.push(
      await new Promise<RecordedAnswer>((resolve, reject) => {
        request(`${base}${target}`, { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const headers: string[] = [];
            for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
              const name = (res.rawHeaders[i] as string).toLowerCase();
              if (name !== 'date' && name !== 'connection' && name !== 'keep-alive')
                headers.push(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
            }
            resolve([target, res.statusCode ?? 0, headers, Buffer.concat(chunks)]);
          });
        })
          .on('error', reject)
          .end();
      }),
    );
  }
  return out;
}

/** node:http replaying answers recorded from cinedex: the ceiling for cinedex's own answers. */
export async function startReplay(answers: readonly RecordedAnswer[]): Promise<Control> {
  const file = join(mkdtempSync(join(tmpdir(), 'cinedex-replay-')), 'answers.json');
  writeFileSync(file, JSON.stringify(answers.map(([target, status, headers, body]) => [target, status, headers, body.toString('base64')])));
  return startControl(fileURLToPath(new URL('replay-server.js', import.meta.url)), file, async (base) => (await fetch(base)).status > 0);
}
