import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { inboxLocationOf, parseInboxNotification, type InboxLocation } from '../../src/ingest/s3-events.js';

const INBOX: InboxLocation = { bucket: 'catalogue-bucket', prefix: 'inbox/' };

/**
 * A key as S3 writes it into an event: form-encoded, a space as `+`. AWS leaves `/` as it is, moto
 * encodes it too; both must read back.
 */
function s3EncodedKey(key: string, encodeSlash: boolean): string {
  const encoded = encodeURIComponent(key).replace(/%20/g, '+');
  return encodeSlash ? encoded : encoded.replace(/%2F/g, '/');
}

function record(bucket: string, key: string, options: { eventName?: string; eventTime?: string; size?: number; eTag?: string } = {}) {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    eventName: options.eventName ?? 'ObjectCreated:Put',
    eventTime: options.eventTime ?? '2026-12-04T09:24:13.146Z',
    s3: { bucket: { name: bucket }, object: { key, size: options.size ?? 10, eTag: options.eTag ?? 'd751713988987e9331980363e24189ce' } },
  };
}

const body = (...records: unknown[]) => JSON.stringify({ Records: records });

test("S3's test event is recognised as one", () => {
  const event = JSON.stringify({
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: '2026-12-04T09:24:13.001Z',
    Bucket: 'catalogue-bucket',
  });
  assert.deepEqual(parseInboxNotification(event, INBOX), { kind: 'test-event' });
});

test('a created object under the inbox becomes the object the inbox store would list', () => {
  const parsed = parseInboxNotification(body(record('catalogue-bucket', 'inbox/acme/2026-12-04.json', { size: 42, eTag: '"abc"' })), INBOX);
  assert.deepEqual(parsed, {
    kind: 'objects',
    objects: [{ key: 'acme/2026-12-04.json', size: 42, etag: 'abc', lastModified: new Date('2026-12-04T09:24:13.146Z') }],
    ignored: [],
  });
});

test('an event time without a zone (as moto writes it) is UTC, and microseconds are dropped', () => {
  const parsed = parseInboxNotification(
    body(record('catalogue-bucket', 'inbox/a/b.json', { eventTime: '2026-12-04T09:24:13.146843' })),
    INBOX,
  );
  assert.equal(parsed.kind, 'objects');
  assert.equal(parsed.objects[0]?.lastModified.toISOString(), '2026-12-04T09:24:13.146Z');
});

test('keys are URL-decoded with + as a space: every key reads back, encoded either way', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), fc.boolean(), (name, encodeSlash) => {
      const parsed = parseInboxNotification(body(record('catalogue-bucket', s3EncodedKey(`inbox/${name}`, encodeSlash))), INBOX);
      assert.equal(parsed.kind, 'objects');
      assert.deepEqual(
        parsed.objects.map((o) => o.key),
        [name],
      );
    }),
  );
  const parsed = parseInboxNotification(body(record('catalogue-bucket', 'inbox%2Facme%2Fa+file%2Bx+%C3%BC.json')), INBOX);
  assert.equal(parsed.kind === 'objects' && parsed.objects[0]?.key, 'acme/a file+x ü.json');
});

test('a record outside the inbox (another prefix or bucket) or not a creation is ignored, the others kept', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          bucket: fc.constantFrom('catalogue-bucket', 'other-bucket'),
          key: fc.oneof(
            fc.string({ maxLength: 12 }),
            fc.string({ maxLength: 12 }).map((k) => `inbox/${k}`),
            fc.constant('inbox'),
          ),
          eventName: fc.constantFrom('ObjectCreated:Put', 'ObjectCreated:CompleteMultipartUpload', 'ObjectRemoved:Delete'),
        }),
        { maxLength: 8 },
      ),
      (records) => {
        const parsed = parseInboxNotification(
          body(...records.map((r) => record(r.bucket, s3EncodedKey(r.key, false), { eventName: r.eventName }))),
          INBOX,
        );
        // The reference: a plain filter over the records as written.
        const kept = records.filter(
          (r) => r.bucket === 'catalogue-bucket' && r.key.startsWith('inbox/') && r.eventName.startsWith('ObjectCreated:'),
        );
        assert.equal(parsed.kind, 'objects');
        assert.deepEqual(
          parsed.objects.map((o) => o.key),
          kept.map((r) => r.key.slice('inbox/'.length)),
        );
        assert.equal(parsed.ignored.length, records.length - kept.length);
      },
    ),
  );
});

test('an inbox at the bucket root takes every key of its bucket', () => {
  const parsed = parseInboxNotification(body(record('b-root', 'acme/x.json'), record('other', 'acme/y.json')), {
    bucket: 'b-root',
    prefix: '',
  });
  assert.equal(parsed.kind, 'objects');
  assert.deepEqual(
    parsed.objects.map((o) => o.key),
    ['acme/x.json'],
  );
  assert.deepEqual(parsed.ignored, ['s3://other/acme/y.json is outside the inbox']);
});

test('a message that is not an S3 notification is invalid, with a reason', () => {
  const cases: [string, RegExp][] = [
    ['poison', /not JSON/],
    ['[1]', /not a JSON object/],
    ['{"hello": 1}', /no Records/],
    [body({ s3: {} }), /record 0: no eventName/],
    [body(record('catalogue-bucket', 'inbox/%E0%A4%A.json')), /not URL-encoded/],
    [body(record('catalogue-bucket', 'inbox/a.json', { eventTime: 'yesterday' })), /eventTime/],
    [body(record('catalogue-bucket', 'inbox/a.json', { eTag: '' })), /eTag/],
    [body(record('catalogue-bucket', 'inbox/a.json', { size: -1 })), /size/],
  ];
  for (const [message, reason] of cases) {
    const parsed = parseInboxNotification(message, INBOX);
    assert.equal(parsed.kind, 'invalid', message);
    assert.match(parsed.reason, reason);
  }
});

test('the inbox location is read from MOVIES_INBOX as the S3 store reads it', () => {
  assert.deepEqual(inboxLocationOf('s3://bucket/inbox'), { bucket: 'bucket', prefix: 'inbox/' });
  assert.deepEqual(inboxLocationOf('s3://bucket//inbox/x/'), { bucket: 'bucket', prefix: 'inbox/x/' });
  assert.deepEqual(inboxLocationOf('s3://bucket'), { bucket: 'bucket', prefix: '' });
  assert.deepEqual(inboxLocationOf('s3://bucket/'), { bucket: 'bucket', prefix: '' });
  assert.equal(inboxLocationOf('/var/lib/cinedex/inbox'), undefined);
});
