import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from 'aws-cdk-lib';
import { issuerOf, settingsFrom, SettingsError } from '../lib/settings.js';

const OIDC = 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123';

function settings(context: Record<string, unknown>) {
  return settingsFrom(new App({ context }).node);
}

function refused(context: Record<string, unknown>, key: string, message: RegExp): void {
  assert.throws(
    () => settings({ oidcProviderArn: OIDC, ...context }),
    (error: unknown) =>
      error instanceof SettingsError && error.code === 'INVALID_SETTINGS' && error.key === key && message.test(error.message),
    `${JSON.stringify(context)} is refused for ${key}`,
  );
}

test('only the OIDC provider is required; everything else has a default', () => {
  assert.deepEqual(settings({ oidcProviderArn: OIDC }), {
    name: 'cinedex',
    region: 'eu-west-1',
    replicas: [],
    providers: [],
    oidcProviderArn: OIDC,
    namespace: 'cinedex',
    servingServiceAccount: 'cinedex',
    ingestionServiceAccount: 'cinedex-ingest',
    inboxExpirationDays: 90,
    noncurrentVersionExpirationDays: 30,
    accessLogExpirationDays: 365,
    maxReceiveCount: 5,
    queueVisibilityTimeoutSeconds: 300,
  });
  assert.throws(
    () => settings({}),
    (error: unknown) => error instanceof SettingsError && error.key === 'oidcProviderArn' && /required/.test(error.message),
  );
});

test('values typed in cdk.json and the same values as `-c key=value` strings read alike', () => {
  const typed = settings({
    oidcProviderArn: OIDC,
    maxReceiveCount: 3,
    providers: [{ name: 'acme', account: '111122223333', externalId: 'x-1' }],
    replicas: [{ region: 'us-east-1' }],
  });
  const strings = settings({
    oidcProviderArn: OIDC,
    maxReceiveCount: '3',
    providers: '[{"name":"acme","account":"111122223333","externalId":"x-1"}]',
    replicas: '[{"region":"us-east-1"}]',
  });
  assert.deepEqual(strings, typed);
  assert.equal(typed.maxReceiveCount, 3);
  assert.deepEqual(typed.providers, [{ name: 'acme', account: '111122223333', externalId: 'x-1' }]);
  assert.deepEqual(typed.replicas, [{ region: 'us-east-1' }]);
});

test('values that would make invalid names, policies or queues are refused, naming the key', () => {
  refused({ name: 'Cinedex' }, 'name', /does not match/);
  refused({ region: 'europe' }, 'region', /does not match/);
  refused({ account: '1234' }, 'account', /does not match/);
  refused({ oidcProviderArn: 'arn:aws:iam::123456789012:role/x' }, 'oidcProviderArn', /does not match/);
  refused({ providers: [{ name: 'Acme' }] }, 'providers[0].name', /does not match/);
  refused({ providers: [{ name: 'acme/evil' }] }, 'providers[0].name', /does not match/);
  refused({ providers: [{ name: 'acme', role: 'admin' }] }, 'providers[0]', /unknown field role/);
  refused({ providers: [{ name: 'acme' }, { name: 'acme' }] }, 'providers', /acme appears twice/);
  refused({ providers: 'acme,globex' }, 'providers', /not a JSON list/);
  refused({ providers: { name: 'acme' } }, 'providers', /not a list/);
  refused({ replicas: [{ region: 'eu-west-1' }] }, 'replicas', /eu-west-1 appears twice/);
  refused({ replicas: ['us-east-1'] }, 'replicas[0]', /not an object/);
  refused({ maxReceiveCount: 0 }, 'maxReceiveCount', /whole number from 1 to 1000/);
  refused({ maxReceiveCount: '2.5' }, 'maxReceiveCount', /whole number/);
  refused({ inboxExpirationDays: 'soon' }, 'inboxExpirationDays', /whole number/);
  refused({ queueVisibilityTimeoutSeconds: 50_000 }, 'queueVisibilityTimeoutSeconds', /0 to 43200/);
});

test('the issuer is the OIDC provider ARN without its prefix: the key of the token claims IRSA checks', () => {
  assert.equal(issuerOf(OIDC), 'oidc.eks.eu-west-1.amazonaws.com/id/ABC123');
  assert.throws(() => issuerOf('oidc.eks.eu-west-1.amazonaws.com/id/ABC123'), SettingsError);
});
