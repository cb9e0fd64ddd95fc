import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PARAMETERS } from '../../src/query/parse-query.js';
import { startApi, type RunningApi } from '../support/api-server.js';

/**
 * The OpenAPI document of GET /v1/movies says what the server does. Every bound, enum and default
 * is read from the served document and tried on the served API: the documented edge is answered,
 * one step past it is a 400 naming the parameter. A document that drifts from the parser fails here.
 */
interface Schema {
  type?: string | string[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  maxItems?: number;
  enum?: string[];
  default?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  $ref?: string;
}
interface Parameter {
  name: string;
  in: string;
  description?: string;
  schema: Schema;
}
interface Document {
  paths: Record<
    string,
    { get: { description: string; parameters: Parameter[]; responses: Record<string, { content: Record<string, { schema: Schema }> }> } }
  >;
  components: { schemas: Record<string, Schema> };
}
interface Page {
  items: { title: string; cast: string[]; _highlight?: unknown }[];
  has_more: boolean;
  next_cursor: string | null;
  total?: number;
  facets?: Record<string, { value: string | number; count: number }[]>;
}

let api: RunningApi;
let doc: Document;
let params: Map<string, Parameter>;
before(async () => {
  api = await startApi();
  doc = (await (await fetch(`${api.base}/openapi.json`)).json()) as Document;
  params = new Map((doc.paths['/v1/movies']?.get.parameters ?? []).map((p) => [p.name, p]));
});
after(() => api.app.close());

function param(name: string): Parameter {
  const p = params.get(name);
  assert.ok(p, `the document has ${name}`);
  return p;
}

async function list(query: string): Promise<{ status: number; body: unknown; type: string }> {
  const res = await fetch(`${api.base}/v1/movies?${query}`);
  return { status: res.status, body: await res.json(), type: res.headers.get('content-type') ?? '' };
}

async function accepted(query: string): Promise<Page> {
  const res = await list(query);
  assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.body)}`);
  return res.body as Page;
}

async function refused(query: string, parameter: string): Promise<void> {
  const res = await list(query);
  assert.equal(res.status, 400, query);
  assert.match(res.type, /^application\/problem\+json/);
  assert.equal((res.body as { parameter?: string }).parameter, parameter, query);
}

const repeat = (name: string, value: string, times: number) => Array.from({ length: times }, () => `${name}=${value}`).join('&');

describe('GET /v1/movies as the OpenAPI document describes it', () => {
  test('documents exactly the parameters the server takes, all in the query', () => {
    assert.deepEqual([...params.keys()].sort(), [...PARAMETERS].sort());
    for (const p of params.values()) assert.equal(p.in, 'query', p.name);
  });

  test('integer bounds: the documented minimum and maximum are answered, one past either is a 400', async () => {
    const bounded = [...params.values()].filter((p) => p.schema.type === 'integer');
    assert.deepEqual(bounded.map((p) => p.name).sort(), ['facet_limit', 'limit', 'year', 'year_from', 'year_to']);
    for (const { name, schema } of bounded) {
      assert.ok(schema.minimum !== undefined && schema.maximum !== undefined, `${name} has both bounds`);
      await accepted(`${name}=${schema.minimum}`);
      await accepted(`${name}=${schema.maximum}`);
      await refused(`${name}=${schema.minimum - 1}`, name);
      await refused(`${name}=${schema.maximum + 1}`, name);
    }
  });

  test('the documented defaults of limit and facet_limit are the page and facet sizes without them', async () => {
    const page = await accepted('facets=cast');
    assert.equal(page.items.length, param('limit').schema.default);
    assert.equal(page.facets?.cast?.length, param('facet_limit').schema.default);
  });

  test('string and list lengths: the documented maximum is answered, one more is a 400', async () => {
    for (const name of ['title', 'q']) {
      const max = param(name).schema.maxLength;
      assert.ok(max !== undefined, `${name} has maxLength`);
      await accepted(`${name}=${'a'.repeat(max)}`);
      await refused(`${name}=${'a'.repeat(max + 1)}`, name);
    }
    for (const name of ['cast', 'genre']) {
      const { maxItems, items } = param(name).schema;
      assert.ok(maxItems !== undefined && items?.maxLength !== undefined, `${name} has maxItems and items.maxLength`);
      await accepted(repeat(name, 'Drama', maxItems));
      await refused(repeat(name, 'Drama', maxItems + 1), name);
      await accepted(`${name}=${'a'.repeat(items.maxLength)}`);
      await refused(`${name}=${'a'.repeat(items.maxLength + 1)}`, name);
    }
  });

  test('q: the word limit its description states is the one enforced', async () => {
    const words = Number(/at most (\d+) words/.exec(param('q').description ?? '')?.[1]);
    assert.ok(words > 0, 'q states its word limit');
    const q = (n: number) => Array.from({ length: n }, () => 'godfather').join('+');
    await accepted(`q=${q(words)}`);
    await refused(`q=${q(words + 1)}`, 'q');
  });

  test('sort: every documented order is answered with q; relevance is refused without q, as documented', async () => {
    const orders = param('sort').schema.enum ?? [];
    assert.ok(orders.includes('relevance') && orders.length > 1);
    for (const order of orders) await accepted(`q=godfather&sort=${encodeURIComponent(order)}`);
    for (const order of orders.filter((o) => o !== 'relevance')) await accepted(`sort=${encodeURIComponent(order)}`);
    assert.match(param('sort').description ?? '', /relevance needs q/);
    await refused('sort=relevance', 'sort');
    await refused('sort=rating', 'sort');
  });

  test('facets: the names the description lists are the Facets schema, and each one asked for is answered', async () => {
    const facetsSchema = doc.components.schemas.Facets;
    const names = Object.keys(facetsSchema?.properties ?? {});
    assert.ok(names.length > 0);
    for (const name of names) assert.match(param('facets').description ?? '', new RegExp(`\\b${name}\\b`));
    const page = await accepted(`facets=${names.join(',')}&facet_limit=3`);
    assert.deepEqual(Object.keys(page.facets ?? {}).sort(), [...names].sort());
    for (const name of names) {
      const values = page.facets?.[name] ?? [];
      assert.ok(values.length > 0 && values.length <= 3, name);
      for (const v of values) assert.ok(v.count >= 1 && (typeof v.value === 'string' || Number.isInteger(v.value)), name);
    }
    assert.equal((await accepted('title=godfather')).facets, undefined, 'no facets unless asked for');
    await refused('facets=rating', 'facets');
  });

  test('count and highlight are booleans that add total and _highlight, and nothing else is a boolean', async () => {
    assert.deepEqual(
      [...params.values()].filter((p) => p.schema.type === 'boolean').map((p) => [p.name, p.schema.default]),
      [
        ['count', false],
        ['highlight', false],
      ],
    );
    assert.equal(typeof (await accepted('count=true&year=1999')).total, 'number');
    assert.equal((await accepted('count=false&year=1999')).total, undefined);
    await refused('count=yes', 'count');
    const marked = await accepted('q=godfather&highlight=true&limit=3');
    assert.ok(marked.items.length > 0 && marked.items.every((m) => m._highlight !== undefined));
    assert.ok((await accepted('q=godfather&limit=3')).items.every((m) => m._highlight === undefined));
    assert.ok(
      (await accepted('highlight=true&limit=3')).items.every((m) => m._highlight === undefined),
      'nothing without q',
    );
    await refused('highlight=1', 'highlight');
  });

  test('the 200 answer documents total, facets and partial beside the required items, has_more and next_cursor', () => {
    const schema = doc.paths['/v1/movies']?.get.responses['200']?.content['application/json']?.schema;
    assert.deepEqual(schema?.required, ['items', 'has_more', 'next_cursor']);
    assert.deepEqual(Object.keys(schema?.properties ?? {}).sort(), ['facets', 'has_more', 'items', 'next_cursor', 'partial', 'total']);
    assert.equal(schema?.properties?.items?.items?.$ref, '#/components/schemas/MoviePageItem');
    assert.equal(schema?.properties?.facets?.$ref, '#/components/schemas/Facets');
    assert.match(doc.paths['/v1/movies']?.get.description ?? '', /cursors work for every sort/);
  });
});
