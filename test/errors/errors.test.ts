import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodedError } from '../../src/errors/errors.js';
import {
  ApiKeyFileError,
  ConfigError,
  EdgeStartError,
  IngestThreadError,
  ObjectTooLargeError,
  ObjectUnreadableError,
  PreconditionFailedError,
  PublishConflictError,
  QueryError,
  SearchError,
  SeedError,
  SnapshotError,
  StartupError,
  StaticFilesError,
  StoreError,
  UpstreamError,
} from '../../src/errors/errors.js';

test('every error of the catalogue has its class name, its stable code, and keeps its cause', () => {
  const cause = new Error('what went wrong underneath');
  // The codes are a contract with logs, alerts and scripts: this list changes only on purpose.
  const cases: [CodedError, string, string][] = [
    [new ConfigError('m', { cause }), 'ConfigError', 'CONFIG_ERROR'],
    [new QueryError('year', 'm', { cause }), 'QueryError', 'INVALID_QUERY'],
    [new StoreError('m', { cause }), 'StoreError', 'STORE_ERROR'],
    [new PreconditionFailedError('m', { cause }), 'PreconditionFailedError', 'PRECONDITION_FAILED'],
    [new SnapshotError('m', { cause }), 'SnapshotError', 'INVALID_SNAPSHOT'],
    [new PublishConflictError('m', { cause }), 'PublishConflictError', 'PUBLISH_CONFLICT'],
    [new SeedError('INVALID_GZIP', 'm', { cause }), 'SeedError', 'INVALID_GZIP'],
    [new ApiKeyFileError('m', { cause }), 'ApiKeyFileError', 'API_KEYS_INVALID'],
    [new StaticFilesError('m', { cause }), 'StaticFilesError', 'STATIC_FILES_MISSING'],
    [new UpstreamError('UPSTREAM_UNREACHABLE', 'm', 'ECONNREFUSED', { cause }), 'UpstreamError', 'UPSTREAM_UNREACHABLE'],
    [new StartupError('m', { cause }), 'StartupError', 'STARTUP_FAILED'],
    [new EdgeStartError('m', { cause }), 'EdgeStartError', 'EDGE_START_FAILED'],
    [new SearchError('m', { cause }), 'SearchError', 'SEARCH_FAILED'],
  ];
  const unreadable = new ObjectUnreadableError('inbox/a.json', 'InvalidObjectState', { cause });
  assert.equal(unreadable.code, 'OBJECT_UNREADABLE');
  assert.equal(unreadable.name, 'ObjectUnreadableError');
  assert.equal(unreadable.cause, cause);
  assert.ok(unreadable instanceof StoreError, 'callers that catch a store failure catch this one too');
  for (const [error, name, code] of cases) {
    assert.ok(error instanceof Error, name);
    assert.equal(error.name, name);
    assert.equal(error.code, code, name);
    assert.equal(error.cause, cause, `${name} keeps its cause`);
    assert.equal(String(error), `${name}: m`, 'a log line or a stack starts with the class name');
  }
});

test('errors with nothing underneath still carry their code and details', () => {
  const tooLarge = new ObjectTooLargeError('inbox/a.json', 200, 100);
  assert.ok(tooLarge instanceof StoreError, 'callers that catch a store failure catch this one too');
  assert.equal(tooLarge.name, 'ObjectTooLargeError');
  assert.equal(tooLarge.code, 'OBJECT_TOO_LARGE');
  assert.equal(tooLarge.message, 'object inbox/a.json is 200 bytes, more than the limit of 100 bytes');
  assert.ok(new PreconditionFailedError('m') instanceof StoreError);
  const thread = new IngestThreadError('the ingestion thread exited (code 1)', 'INGEST_THREAD_EXITED');
  assert.equal(thread.name, 'IngestThreadError');
  assert.equal(thread.code, 'INGEST_THREAD_EXITED');
  const refused = new SnapshotError('m', { reason: 'unknown-format', version: '7-abc' });
  assert.equal(refused.reason, 'unknown-format');
  assert.equal(refused.version, '7-abc');
  assert.equal(new SnapshotError('m').reason, 'damaged', 'a refusal is for damage unless it says otherwise');
  assert.equal(new QueryError('year', 'm').parameter, 'year');
});
