import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/cli-process.js';
import { refusedPort } from '../support/refused-port.js';
import { startApi, type RunningApi } from '../support/api-server.js';

interface Page {
  items: { id: string; title: string; year: number }[];
  has_more: boolean;
  next_cursor: string | null;
  total?: number;
  facets?: Record<string, { value: string | number; count: number }[]>;
}

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

/** The server's own answer to a query, to hold the CLI's output against. */
async function served(query: string): Promise<Page> {
  const response = await fetch(`${api.base}/v1/movies?${query}`);
  assert.equal(response.status, 200, query);
  return (await response.json()) as Page;
}

/** The table's title cells in order, as far as the table shows them (long titles end in an ellipsis). */
function assertTitlesInOrder(stdout: string, titles: readonly string[]): void {
  const lines = stdout.split('\n').slice(1);
  titles.forEach((title, i) => {
    const cell = (lines[i] ?? '').split(/ {3}/)[0]?.trim() ?? '';
    assert.ok(cell.endsWith('…') ? title.startsWith(cell.slice(0, -1)) : cell === title, `row ${i}: "${cell}" is "${title}"`);
  });
}

test('cinedex search <q>: typo-tolerant free text, in the order the server ranks it', async () => {
  const out = await runCli(['search', 'matirx', '--url', api.base], {});
  assert.equal(out.code, 0, out.stderr);
  const page = await served('q=matirx');
  assert.ok(page.items.some((m) => m.title === 'The Matrix'));
  assertTitlesInOrder(
    out.stdout,
    page.items.map((m) => m.title),
  );
  assert.match(out.stdout, new RegExp(`^${page.items.length} movies$`, 'm'));
  assert.doesNotMatch(out.stdout, /match(es)?$/m, 'no total without --count');
});

test('--sort, --from, --to, --count and --facets: the total and a line per facet below the table', async () => {
  const args = ['--genre', 'Western', '--from', '1950', '--to', '1959', '--sort', 'title:asc', '--limit', '4'];
  const out = await runCli(['search', ...args, '--count', '--facets', 'genre,decade', '--facet-limit', '3', '--url', api.base], {});
  assert.equal(out.code, 0, out.stderr);
  const page = await served(
    'genre=Western&year_from=1950&year_to=1959&sort=title:asc&limit=4&count=true&facets=genre,decade&facet_limit=3',
  );
  assertTitlesInOrder(
    out.stdout,
    page.items.map((m) => m.title),
  );
  assert.ok(page.items.every((m) => m.year >= 1950 && m.year <= 1959));
  assert.ok((page.total ?? 0) > 100, 'a real total');
  assert.match(out.stdout, new RegExp(`^4 movies\n${page.total} matches$`, 'm'));
  const genre = (page.facets?.genre ?? []).map((v) => `${v.value} ${v.count}`).join(' · ');
  const decade = (page.facets?.decade ?? []).map((v) => `${v.value}s ${v.count}`).join(' · ');
  assert.match(genre, /^Western \d+ · /, 'the genre facet leaves out its own filter');
  assert.ok(out.stdout.includes(`\ngenre:  ${genre}\ndecade: ${decade}\n`), out.stdout);
});

test('--json: the movies array as before, or the page object with --count or --facets (every page with --all)', async () => {
  const plain = await runCli(['search', 'godfather', '--limit', '2', '--json', '--url', api.base], {});
  assert.equal(plain.code, 0, plain.stderr);
  assert.deepEqual(JSON.parse(plain.stdout), (await served('q=godfather&limit=2')).items);

  const out = await runCli(
    ['search', '--year', '1919', '--count', '--facets', 'cast', '--all', '--limit', '100', '--json', '--url', api.base],
    {},
  );
  assert.equal(out.code, 0, out.stderr);
  const page = JSON.parse(out.stdout) as Page;
  const first = await served('year=1919&count=true&facets=cast&limit=100');
  assert.equal(page.total, first.total);
  assert.equal(page.items.length, first.total);
  assert.equal(new Set(page.items.map((m) => m.id)).size, page.items.length, 'no movie twice');
  assert.deepEqual(page.items.slice(0, 100), first.items);
  assert.deepEqual(page.facets, first.facets);
  assert.deepEqual([page.has_more, page.next_cursor], [false, null]);
});

test('invalid --from, --to, --sort, --facets and --facet-limit are one clear line, and exit 1', async () => {
  const cases: [string[], RegExp][] = [
    [['--from', 'abc'], /^error: option '--from <year>' argument 'abc' is invalid\. it must be a whole number, such as 1996\.$/m],
    [['--to', '19.5'], /^error: option '--to <year>' argument '19\.5' is invalid\. it must be a whole number, such as 1996\.$/m],
    [
      ['--sort', 'rating'],
      /^error: option '--sort <order>' argument 'rating' is invalid\. Allowed choices are year:desc, year:asc, title:asc, title:desc, relevance\.$/m,
    ],
    [
      ['--facets', 'genre,rating'],
      /^error: option '--facets <list>' argument 'genre,rating' is invalid\. the facets are genre, year, decade, cast; "rating" is not one of them\.$/m,
    ],
    [['--facet-limit', 'many'], /^error: option '--facet-limit <n>' argument 'many' is invalid\./m],
  ];
  for (const [args, message] of cases) {
    const out = await runCli(['search', ...args, '--url', api.base], {});
    assert.equal(out.code, 1, args.join(' '));
    assert.match(out.stderr, message);
    assert.equal(out.stdout, '');
  }
  const reversed = await runCli(['search', '--from', '2000', '--to', '1990', '--url', api.base], {});
  assert.equal(reversed.code, 1);
  assert.equal(
    reversed.stderr.trim(),
    'cinedex: the server answered 400 Bad Request: year_from (2000) is after year_to (1990); give the earlier year first',
  );
  const unranked = await runCli(['search', '--sort', 'relevance', '--url', api.base], {});
  assert.equal(unranked.code, 1);
  assert.match(unranked.stderr.trim(), /^cinedex: the server answered 400 Bad Request: sort=relevance needs q/);
});

test('a server error and an unreachable server are one clear line and exit 1', async () => {
  const bad = await runCli(['search', '--limit', '500', '--url', api.base], {});
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr.trim(), 'cinedex: the server answered 400 Bad Request: limit must be a whole number from 1 to 100, got "500"');
  const notNumber = await runCli(['search', '--year', 'abc', '--url', api.base], {});
  assert.equal(notNumber.code, 1);
  assert.match(notNumber.stderr, /^error: option '--year <year>' argument 'abc' is invalid\. it must be a whole number, such as 1996\.$/m);
  // Held refusing for the whole run: a port found free could be taken by another test file's server meanwhile.
  const { port, release } = await refusedPort();
  try {
    const down = await runCli(['search', '--title', 'x', '--url', `http://127.0.0.1:${port}`], {});
    assert.equal(down.code, 1);
    assert.match(
      down.stderr.trim(),
      new RegExp(
        `^cinedex: cannot reach the cinedex server at http://127.0.0.1:${port} \\(ECONNREFUSED\\)\\. Is it running\\? Set --url or CINEDEX_URL\\.$`,
      ),
    );
  } finally {
    await release();
  }
});

test('a bad setting stops `cinedex serve` with one line naming it', async () => {
  const out = await runCli(['serve', '--port', 'abc'], {});
  assert.equal(out.code, 1);
  assert.equal(out.stderr.trim(), 'cinedex: PORT must be an integer from 0 to 65535, got "abc"');
  const missing = await runCli(['seed', '--seed', '/nonexistent/movies.json', '--data-dir', '/tmp/cinedex-missing-seed'], {});
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^cinedex: could not read the seed file \/nonexistent\/movies\.json \(ENOENT\)\. Set MOVIES_SEED/);
});
