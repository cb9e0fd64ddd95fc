import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_TYPES_FILE, clientTypesFrom } from '../../scripts/client-types.js';
import { startApi, type RunningApi } from '../support/api-server.js';
import { repoRoot } from '../support/paths.js';

/** The client's types are the served OpenAPI document's: generated again here, they must equal the committed file. */
let api: RunningApi;
let served: { paths: Record<string, { get: { operationId?: string; parameters: { name: string; in: string }[] } }> };
before(async () => {
  api = await startApi({ empty: true });
  const response = await fetch(`${api.base}/openapi.json`);
  assert.equal(response.status, 200);
  served = (await response.json()) as typeof served;
});
after(() => api.app.close());

test(`${CLIENT_TYPES_FILE} is what openapi-typescript makes of the served document (else: npm run client:types)`, async () => {
  const committed = readFileSync(join(repoRoot, CLIENT_TYPES_FILE), 'utf8');
  assert.ok(committed.split('\n').length > 100, 'the committed file holds the generated types');
  assert.equal(await clientTypesFrom(served), committed, `${CLIENT_TYPES_FILE} is behind the API: run \`npm run client:types\``);
});

test('a parameter the document gains changes the generated types, so the check above cannot miss it', async () => {
  const grown = structuredClone(served);
  const list = grown.paths['/v1/movies']?.get;
  assert.equal(list?.operationId, 'listMovies');
  assert.ok(!list?.parameters.some((p) => p.name === 'language'), 'a parameter the API does not have yet');
  list?.parameters.push({ name: 'language', in: 'query', schema: { type: 'string', enum: ['en', 'fr'] } } as never);
  const types = await clientTypesFrom(grown);
  assert.notEqual(types, readFileSync(join(repoRoot, CLIENT_TYPES_FILE), 'utf8'));
  assert.match(types, /language\?: "en" \| "fr";/);
});

test('every API operation has an operationId, and the shapes of answers are named schemas', () => {
  for (const [path, item] of Object.entries(served.paths)) assert.match(item.get.operationId ?? '', /^[a-z][A-Za-z]+$/, path);
  const types = readFileSync(join(repoRoot, CLIENT_TYPES_FILE), 'utf8');
  for (const name of ['Movie', 'Problem', 'HistoryEntry', 'GenreCount', 'MoviePageItem', 'Highlight', 'Facets', 'FacetValue'])
    assert.match(types, new RegExp(`^ {8}${name}: \\S`, 'm'), name);
});
