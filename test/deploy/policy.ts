/** Our own deployment policy, beyond schema validity. Returns every violation found. */
import { cpuQuantity } from '../../bench/capacity/manifests.js';

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
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { readOnlyRootFilesystem?: boolean; runAsNonRoot?: boolean; allowPrivilegeEscalation?: boolean };
  startupProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  livenessProbe?: { httpGet?: { path: string } };
};

function podOf(o: K8sObject): Pod | undefined {
  const spec = o.spec as Record<string, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
  if (o.kind === 'Deployment' || o.kind === 'Job') return spec?.template?.spec;
  if (o.kind === 'CronJob') return spec?.jobTemplate?.spec?.template?.spec;
  return undefined;
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export function checkPolicy(objects: readonly K8sObject[], options: { production?: boolean } = {}): string[] {
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
  const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'cinedex-api');
  if (!api) return [...problems, 'no cinedex-api Deployment'];
  const spec = api.spec as { replicas: number; strategy?: { rollingUpdate?: { maxUnavailable?: number } }; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } };
  const pod = podOf(api) as Pod;
  const podLabels = spec.template.metadata.labels;
  const container = pod.containers[0] as Container;
  if (spec.replicas < 3) problems.push(`cinedex-api has ${spec.replicas} replicas, fewer than 3`);
  if (spec.strategy?.rollingUpdate?.maxUnavailable !== 0) problems.push('cinedex-api rolling update may take pods away (maxUnavailable must be 0)');
  if (!matches(spec.selector.matchLabels, podLabels)) problems.push('cinedex-api selector does not match its pods');
  if (container.startupProbe?.httpGet?.path !== '/readyz') problems.push('cinedex-api has no startup probe on /readyz');
  if (container.readinessProbe?.httpGet?.path !== '/readyz') problems.push('cinedex-api has no readiness probe on /readyz');
  if (container.livenessProbe?.httpGet?.path !== '/healthz') problems.push('cinedex-api has no liveness probe on /healthz');
  // The HPA's utilisation target is of the request: a request below the limit makes it scale out early (docs/capacity.md).
  if (options.production && cpuQuantity(container.resources?.requests?.cpu) !== cpuQuantity(container.resources?.limits?.cpu)) problems.push('cinedex-api CPU request differs from its limit');
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('cinedex-config'));
  const drain = Number(config?.data?.MOVIES_DRAIN_SECONDS ?? 5);
  if ((pod.terminationGracePeriodSeconds ?? 30) <= drain + 5) problems.push(`terminationGracePeriodSeconds must exceed the drain (${drain} s) plus time to finish requests`);
  for (const o of objects) {
    const s = o.spec as Record<string, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (o.kind === 'Service' && o.metadata.name === 'cinedex-api' && !matches(s?.selector ?? { none: 'x' }, podLabels)) problems.push('Service selector does not match the API pods');
    if (o.kind === 'PodDisruptionBudget' && !matches(s?.selector?.matchLabels ?? { none: 'x' }, podLabels)) problems.push('PDB selector does not match the API pods');
    // A fixed minAvailable lets a drain take every pod the HPA added at once; maxUnavailable bounds it.
    if (o.kind === 'PodDisruptionBudget' && s?.maxUnavailable !== 1) problems.push('PDB must allow exactly one pod away at a time (maxUnavailable: 1)');
    if (o.kind === 'HorizontalPodAutoscaler' && (s?.scaleTargetRef?.kind !== 'Deployment' || s?.scaleTargetRef?.name !== 'cinedex-api')) problems.push('HPA does not target the API Deployment');
    if (o.kind === 'CronJob' && s?.concurrencyPolicy !== 'Forbid') problems.push(`CronJob ${o.metadata.name} may run concurrently`);
  }
  return problems;
}
