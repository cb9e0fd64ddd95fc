import { cpuQuantity } from '../support/kustomize.js';

/** Our own deployment policy, beyond schema validity. Returns every violation found. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

type Pod = { containers: Container[]; securityContext?: { runAsNonRoot?: boolean }; terminationGracePeriodSeconds?: number };
type Container = {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { readOnlyRootFilesystem?: boolean; runAsNonRoot?: boolean; allowPrivilegeEscalation?: boolean };
  startupProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  livenessProbe?: { httpGet?: { path: string } };
};

/** A Deployment that answers clients behind a Service of the same name, and must stay up through rollouts and drains. */
export interface ServingWorkload {
  readonly name: string;
  readonly minReplicas: number;
}

export const API_WORKLOAD: ServingWorkload = { name: 'cinedex-api', minReplicas: 3 };
/** Two edge pods: one keeps answering while the PDB lets the other go. */
export const EDGE_WORKLOAD: ServingWorkload = { name: 'cinedex-edge', minReplicas: 2 };

export interface PolicyOptions {
  readonly production?: boolean;
  /** The serving Deployments the rendered overlay must contain; the API's by default. */
  readonly serving?: readonly ServingWorkload[];
}

function podOf(o: K8sObject): Pod | undefined {
  const spec = o.spec as Record<string, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
  if (o.kind === 'Deployment' || o.kind === 'Job') return spec?.template?.spec;
  if (o.kind === 'CronJob') return spec?.jobTemplate?.spec?.template?.spec;
  return undefined;
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export function checkPolicy(objects: readonly K8sObject[], options: PolicyOptions = {}): string[] {
  const serving = options.serving ?? [API_WORKLOAD];
  const problems = checkContainers(objects);
  for (const workload of serving) problems.push(...checkServing(objects, workload, options));
  const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === API_WORKLOAD.name);
  if (api) {
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('cinedex-config'));
    const drain = Number(config?.data?.MOVIES_DRAIN_SECONDS ?? 5);
    if (((podOf(api) as Pod).terminationGracePeriodSeconds ?? 30) <= drain + 5) problems.push(`terminationGracePeriodSeconds must exceed the drain (${drain} s) plus time to finish requests`);
  }
  const servingPods = serving.map((w) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === w.name)).filter((o) => o !== undefined);
  for (const o of objects) {
    const s = o.spec as Record<string, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (o.kind === 'PodDisruptionBudget' && !servingPods.some((d) => matches(s?.selector?.matchLabels ?? { none: 'x' }, labelsOf(d)))) problems.push(`PDB ${o.metadata.name} selects no serving pods`);
    // A fixed minAvailable lets a drain take every pod the HPA added at once; maxUnavailable bounds it.
    if (o.kind === 'PodDisruptionBudget' && s?.maxUnavailable !== 1) problems.push(`${o.metadata.name}: PDB must allow exactly one pod away at a time (maxUnavailable: 1)`);
    if (o.kind === 'HorizontalPodAutoscaler' && (s?.scaleTargetRef?.kind !== 'Deployment' || !serving.some((w) => w.name === s?.scaleTargetRef?.name))) problems.push(`HPA ${o.metadata.name} does not target a serving Deployment`);
    if (o.kind === 'CronJob' && s?.concurrencyPolicy !== 'Forbid') problems.push(`CronJob ${o.metadata.name} may run concurrently`);
  }
  problems.push(...checkIngestion(objects));
  return problems;
}

const isWatcher = (c: Container) => c.args?.[0] === 'ingest' && c.args.includes('--watch');

/** One queue consumer at most, never beside a CronJob that ingests too, and no serving pod consuming the queue. */
function checkIngestion(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const watchers = objects.filter((o) => o.kind === 'Deployment' && podOf(o)?.containers.some(isWatcher));
  for (const watcher of watchers) {
    const spec = watcher.spec as { replicas?: number; strategy?: { type?: string } };
    if (spec.replicas !== 1 || spec.strategy?.type !== 'Recreate') problems.push(`${watcher.metadata.name}: one queue consumer at a time (replicas 1, Recreate)`);
    const queue = podOf(watcher)?.containers.find(isWatcher)?.env?.find((e) => e.name === 'MOVIES_INBOX_QUEUE')?.value ?? '';
    if (!/^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com\/\d{12}\/[\w-]+$/.test(queue)) problems.push(`${watcher.metadata.name}: MOVIES_INBOX_QUEUE is not a queue URL (${queue})`);
  }
  const ingestingCronJobs = objects.filter((o) => o.kind === 'CronJob' && podOf(o)?.containers.some((c) => c.args?.[0] === 'ingest'));
  if (watchers.length > 0 && ingestingCronJobs.length > 0) problems.push(`CronJob ${ingestingCronJobs[0]?.metadata.name} ingests beside the queue watcher`);
  for (const o of objects) {
    const serving = podOf(o)?.containers.filter((c) => c.args?.[0] === 'serve') ?? [];
    if (serving.some((c) => c.env?.some((e) => e.name === 'MOVIES_INBOX_QUEUE'))) problems.push(`${o.metadata.name}: a serving pod would consume the inbox queue`);
  }
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('cinedex-config'));
  if (config?.data?.MOVIES_INBOX_QUEUE !== undefined) problems.push(`${config.metadata.name} sets MOVIES_INBOX_QUEUE: the API pods read it and would consume the queue`);
  return problems;
}

/** Every container of every workload: bounded, unprivileged, read-only, pinned. */
function checkContainers(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const pod = podOf(o);
    if (!pod) continue;
    for (const c of pod.containers) {
      const where = `${o.kind}/${o.metadata.name} container ${c.name}`;
      for (const kind of ['requests', 'limits'] as const) {
        for (const resource of ['cpu', 'memory']) if (!c.resources?.[kind]?.[resource]) problems.push(`${where}: no ${resource} ${kind}`);
      }
      if (!(pod.securityContext?.runAsNonRoot || c.securityContext?.runAsNonRoot)) problems.push(`${where}: may run as root`);
      if (!c.securityContext?.readOnlyRootFilesystem) problems.push(`${where}: root filesystem is writable`);
      if (c.securityContext?.allowPrivilegeEscalation !== false) problems.push(`${where}: privilege escalation allowed`);
      const tag = c.image.includes('@') ? 'digest' : c.image.split(':')[1];
      if (!tag || tag === 'latest') problems.push(`${where}: image ${c.image} is not pinned`);
    }
  }
  return problems;
}

function labelsOf(deployment: K8sObject): Record<string, string> {
  return (deployment.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
}

/** Replicas, rollout, probes, CPU sizing, and a Service and a PDB of its name selecting its pods. */
function checkServing(objects: readonly K8sObject[], workload: ServingWorkload, options: PolicyOptions): string[] {
  const { name } = workload;
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
  if (!deployment) return [`no ${name} Deployment`];
  const problems: string[] = [];
  const spec = deployment.spec as {
    replicas: number;
    strategy?: { rollingUpdate?: { maxUnavailable?: number } };
    selector: { matchLabels: Record<string, string> };
  };
  const podLabels = labelsOf(deployment);
  const container = (podOf(deployment) as Pod).containers[0] as Container;
  if (spec.replicas < workload.minReplicas) problems.push(`${name} has ${spec.replicas} replicas, fewer than ${workload.minReplicas}`);
  if (spec.strategy?.rollingUpdate?.maxUnavailable !== 0) problems.push(`${name} rolling update may take pods away (maxUnavailable must be 0)`);
  if (!matches(spec.selector.matchLabels, podLabels)) problems.push(`${name} selector does not match its pods`);
  if (container.startupProbe?.httpGet?.path !== '/readyz') problems.push(`${name} has no startup probe on /readyz`);
  if (container.readinessProbe?.httpGet?.path !== '/readyz') problems.push(`${name} has no readiness probe on /readyz`);
  if (container.livenessProbe?.httpGet?.path !== '/healthz') problems.push(`${name} has no liveness probe on /healthz`);
  // The HPA's utilisation target is of the request: a request below the limit makes it scale out early (docs/capacity.md).
  if (options.production && cpuQuantity(container.resources?.requests?.cpu) !== cpuQuantity(container.resources?.limits?.cpu)) problems.push(`${name} CPU request differs from its limit`);
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === name);
  if (!matches((service?.spec?.selector as Record<string, string> | undefined) ?? { none: 'x' }, podLabels)) problems.push(`Service selector does not match the ${name} pods`);
  const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === name);
  const pdbSelector = (pdb?.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels;
  if (!matches(pdbSelector ?? { none: 'x' }, podLabels)) problems.push(`PDB selector does not match the ${name} pods`);
  return problems;
}
