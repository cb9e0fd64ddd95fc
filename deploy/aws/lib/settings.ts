import type { Node } from 'constructs';

/** A data provider: it may put files under `inbox/<name>/` and do nothing else. */
export interface ProviderSettings {
  /** Names the inbox prefix and the role: lower-case letters, digits and hyphens. */
  readonly name: string;
  /** The AWS account whose principals may assume the provider's role; the stack's own account when absent. */
  readonly account?: string;
  /** Required of the provider when it assumes the role; AWS's guard against the confused deputy for third parties. */
  readonly externalId?: string;
}

/** An extra region holding a read-only copy of `catalogue/`, with a cluster of its own when it names one. */
export interface ReplicaSettings {
  readonly region: string;
  /** The IAM OIDC provider of that region's EKS cluster; without it the region gets no serving role. */
  readonly oidcProviderArn?: string;
}

/** Everything a deployment chooses, read from CDK context (cdk.json, or `cdk synth -c key=value`). */
export interface Settings {
  /** Prefix of every name: buckets, queues, roles, the key alias. */
  readonly name: string;
  /** The account to deploy to; unresolved (a CloudFormation token) when absent, which synthesizes all the same. */
  readonly account?: string;
  /** The primary region: the bucket providers write to, the queue, ingestion. */
  readonly region: string;
  readonly replicas: readonly ReplicaSettings[];
  readonly providers: readonly ProviderSettings[];
  /** The IAM OIDC provider of the primary region's EKS cluster, trusted for the pods' roles (IRSA). */
  readonly oidcProviderArn: string;
  /** Where the pods run (deploy/k8s overlays use `cinedex`). */
  readonly namespace: string;
  /** The ServiceAccount of the API pods. */
  readonly servingServiceAccount: string;
  /** The ServiceAccount of ingestion (the CronJob, the seed Job, a queue consumer). */
  readonly ingestionServiceAccount: string;
  /** Inbox files are removed this long after they were written; ingestion must have read them by then. */
  readonly inboxExpirationDays: number;
  /** Overwritten or deleted objects stay recoverable (bucket versioning) this long. */
  readonly noncurrentVersionExpirationDays: number;
  readonly accessLogExpirationDays: number;
  /** Receives of one notification before it moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** How long a received notification stays hidden from other consumers: longer than an ingestion run. */
  readonly queueVisibilityTimeoutSeconds: number;
}

export const DEFAULTS = {
  name: 'cinedex',
  region: 'eu-west-1',
  replicas: [],
  providers: [],
  namespace: 'cinedex',
  servingServiceAccount: 'cinedex',
  ingestionServiceAccount: 'cinedex-ingest',
  inboxExpirationDays: 90,
  noncurrentVersionExpirationDays: 30,
  accessLogExpirationDays: 365,
  maxReceiveCount: 5,
  queueVisibilityTimeoutSeconds: 300,
} as const satisfies Omit<Settings, 'oidcProviderArn'>;

export class SettingsError extends Error {
  readonly code = 'INVALID_SETTINGS';
  constructor(
    readonly key: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`context ${key}: ${message}`, options);
  }
}

const NAME = /^[a-z][a-z0-9-]{1,18}[a-z0-9]$/;
const PROVIDER = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;
const ACCOUNT = /^\d{12}$/;
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/(.+)$/;
const KUBERNETES_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// IAM's own alphabet and length for sts:ExternalId.
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** The settings in a construct tree's context, defaults filled in, every value checked. */
export function settingsFrom(node: Node): Settings {
  const read = (key: string): unknown => node.tryGetContext(key);
  const region = text(read('region'), 'region', REGION, DEFAULTS.region);
  const account = optionalText(read('account'), 'account', ACCOUNT);
  const replicas = list(read('replicas'), 'replicas').map((entry, i) => replicaOf(entry, `replicas[${i}]`));
  const regions = [region, ...replicas.map((r) => r.region)];
  const repeated = regions.find((r, i) => regions.indexOf(r) !== i);
  if (repeated) throw new SettingsError('replicas', `${repeated} appears twice (the primary region counts too)`);
  const providers = list(read('providers'), 'providers').map((entry, i) => providerOf(entry, `providers[${i}]`));
  const names = providers.map((p) => p.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new SettingsError('providers', `${twice} appears twice`);
  const days = (key: keyof typeof DEFAULTS & `${string}Days`) => whole(read(key), key, 1, 3650, DEFAULTS[key]);
  return {
    name: text(read('name'), 'name', NAME, DEFAULTS.name),
    ...(account ? { account } : {}),
    region,
    replicas,
    providers,
    oidcProviderArn: text(read('oidcProviderArn'), 'oidcProviderArn', OIDC_PROVIDER_ARN),
    namespace: text(read('namespace'), 'namespace', KUBERNETES_NAME, DEFAULTS.namespace),
    servingServiceAccount: text(read('servingServiceAccount'), 'servingServiceAccount', KUBERNETES_NAME, DEFAULTS.servingServiceAccount),
    ingestionServiceAccount: text(
      read('ingestionServiceAccount'),
      'ingestionServiceAccount',
      KUBERNETES_NAME,
      DEFAULTS.ingestionServiceAccount,
    ),
    inboxExpirationDays: days('inboxExpirationDays'),
    noncurrentVersionExpirationDays: days('noncurrentVersionExpirationDays'),
    accessLogExpirationDays: days('accessLogExpirationDays'),
    // SQS's own bounds.
    maxReceiveCount: whole(read('maxReceiveCount'), 'maxReceiveCount', 1, 1000, DEFAULTS.maxReceiveCount),
    queueVisibilityTimeoutSeconds: whole(
      read('queueVisibilityTimeoutSeconds'),
      'queueVisibilityTimeoutSeconds',
      0,
      43_200,
      DEFAULTS.queueVisibilityTimeoutSeconds,
    ),
  };
}

/** The issuer an OIDC provider ARN names (`oidc.eks.<region>.amazonaws.com/id/<id>`): the prefix of its token's claims. */
export function issuerOf(oidcProviderArn: string): string {
  const issuer = OIDC_PROVIDER_ARN.exec(oidcProviderArn)?.[1];
  if (!issuer) throw new SettingsError('oidcProviderArn', `${oidcProviderArn} is not an IAM OIDC provider ARN`);
  return issuer;
}

function text(raw: unknown, key: string, pattern: RegExp, fallback?: string): string {
  const value = raw ?? fallback;
  if (value === undefined) throw new SettingsError(key, 'is required');
  if (typeof value !== 'string' || !pattern.test(value)) throw new SettingsError(key, `${JSON.stringify(value)} does not match ${pattern}`);
  return value;
}

function optionalText(raw: unknown, key: string, pattern: RegExp): string | undefined {
  return raw === undefined ? undefined : text(raw, key, pattern);
}

function whole(raw: unknown, key: string, min: number, max: number, fallback: number): number {
  // `-c key=5` arrives as the string "5"; cdk.json gives a number.
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : (raw ?? fallback);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SettingsError(key, `${JSON.stringify(raw)} is not a whole number from ${min} to ${max}`);
  }
  return value;
}

/** A list from cdk.json, or the same list as JSON text from `-c key='[...]'`. */
function list(raw: unknown, key: string): unknown[] {
  let value: unknown = raw ?? [];
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new SettingsError(key, 'is not a JSON list', { cause: error });
    }
  }
  if (!Array.isArray(value)) throw new SettingsError(key, `${JSON.stringify(raw)} is not a list`);
  return value;
}

function fieldsOf(entry: unknown, key: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    throw new SettingsError(key, `${JSON.stringify(entry)} is not an object`);
  const unknown = Object.keys(entry).find((k) => !allowed.includes(k));
  if (unknown) throw new SettingsError(key, `unknown field ${unknown} (known: ${allowed.join(', ')})`);
  return entry as Record<string, unknown>;
}

function providerOf(entry: unknown, key: string): ProviderSettings {
  const fields = fieldsOf(entry, key, ['name', 'account', 'externalId']);
  const name = text(fields.name, `${key}.name`, PROVIDER);
  const account = optionalText(fields.account, `${key}.account`, ACCOUNT);
  const externalId = optionalText(fields.externalId, `${key}.externalId`, EXTERNAL_ID);
  return { name, ...(account ? { account } : {}), ...(externalId ? { externalId } : {}) };
}

function replicaOf(entry: unknown, key: string): ReplicaSettings {
  const fields = fieldsOf(entry, key, ['region', 'oidcProviderArn']);
  const region = text(fields.region, `${key}.region`, REGION);
  const oidcProviderArn = optionalText(fields.oidcProviderArn, `${key}.oidcProviderArn`, OIDC_PROVIDER_ARN);
  return { region, ...(oidcProviderArn ? { oidcProviderArn } : {}) };
}
