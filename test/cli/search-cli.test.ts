import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, freePort } from '../support/cli-process.js';
import { startApi, type RunningApi } from '../support/api-server.js';

let api: RunningApi;
before(async () => {
  api = await startApi();
});
after(() => api.app.close());

test('cinedex search prints a table of matches', async () => {
  const out = await runCli(
    ['search', '--title', 'mission', '--cast', 'Tom Cruise', '--genre', 'Action', '--year', '1996', '--url', api.base],
    {},
  );
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /^TITLE\s+YEAR\s+GENRES\s+CAST/m);
  assert.match(out.stdout, /Mission: Impossible\s+1996\s+Action\s+Tom Cruise/);
  assert.match(out.stdout, /1 movie$/m);
});

test('--json and --all follow every page', async () => {
  const out = await runCli(['search', '--year', '1919', '--limit', '100', '--all', '--json', '--url', api.base], {});
  assert.equal(out.code, 0, out.stderr);
  const rows = JSON.parse(out.stdout) as { year: number }[];
  assert.equal(rows.length, 634);
  assert.ok(rows.every((r) => r.year === 1919));
});

test('a server error and an unreachable server are one clear line and exit 1', async () => {
  const bad = await runCli(['search', '--limit', '500', '--url', api.base], {});
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr.trim(), 'cinedex: the server answered 400 Bad Request: limit must be a whole number from 1 to 100, got "500"');
  const notNumber = await runCli(['search', '--year', 'abc', '--url', api.base], {});
  assert.equal(notNumber.code, 1);
  assert.match(notNumber.stderr, /^error: option '--year <year>' argument 'abc' is invalid\. it must be a whole number, such as 1996\.$/m);
  const port = await freePort();
  const down = await runCli(['search', '--title', 'x', '--url', `http://127.0.0.1:${port}`], {});
  assert.equal(down.code, 1);
  assert.match(
    down.stderr.trim(),
    new RegExp(
      `^cinedex: cannot reach the cinedex server at http://127.0.0.1:${port} \\(ECONNREFUSED\\)\\. Is it running\\? Set --url or CINEDEX_URL\\.$`,
    ),
  );
});

test('a bad setting stops `cinedex serve` with one line naming it', async () => {
  const out = await runCli(['serve', '--port', 'abc'], {});
  assert.equal(out.code, 1);
  assert.equal(out.stderr.trim(), 'cinedex: PORT must be an integer from 0 to 65535, got "abc"');
  const missing = await runCli(['seed', '--seed', '/nonexistent/movies.json', '--data-dir', '/tmp/cinedex-missing-seed'], {});
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^cinedex: could not read the seed file \/nonexistent\/movies\.json \(ENOENT\)\. Set MOVIES_SEED/);
});
