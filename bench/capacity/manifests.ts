/**
 * The Kubernetes manifests in deploy/k8s as numbers: CPU, replicas, HPA and PDB, for the capacity report's
 * replica sizing. Rendered and parsed by test/support/kustomize.ts, which the deployment tests use too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cpuQuantity, renderKustomize } from '../../test/support/kustomize.js';
import { repoRoot } from '../../test/support/paths.js';

export interface Manifests {
  readonly source: string;
  readonly cpuRequest: number;
  readonly cpuLimit: number;
  readonly replicas: number;
  readonly hpaMin: number;
  readonly hpaMax: number;
  readonly hpaTarget: number;
  readonly workers: number;
  /** The PodDisruptionBudget's minAvailable as a count (NaN when it is a percentage or absent). */
  readonly pdbMinAvailable: number;
  /** The PodDisruptionBudget's maxUnavailable as a count (NaN when it is a percentage or absent). */
  readonly pdbMaxUnavailable: number;
}

/** The fields the sizing reads; all optional, because a manifest set may lack any object. */
export type ManifestObject = { kind?: string; metadata?: { name?: string }; spec?: Record<string, unknown>; data?: Record<string, string> };

export function readManifests(objects: readonly ManifestObject[], source: string): Manifests {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'cinedex-api')?.spec as
    | { replicas: number; template: { spec: { containers: { resources: { requests: { cpu: string }; limits: { cpu: string } } }[] } } }
    | undefined;
  const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler')?.spec as
    | { minReplicas: number; maxReplicas: number; metrics: { resource?: { name: string; target: { averageUtilization?: number } } }[] }
    | undefined;
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name?.startsWith('cinedex-config'))?.data;
  const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget')?.spec as
    { minAvailable?: number | string; maxUnavailable?: number | string } | undefined;
  const resources = deployment?.template.spec.containers[0]?.resources;
  return {
    source,
    cpuRequest: cpuQuantity(resources?.requests.cpu),
    cpuLimit: cpuQuantity(resources?.limits.cpu),
    replicas: deployment?.replicas ?? NaN,
    hpaMin: hpa?.minReplicas ?? NaN,
    hpaMax: hpa?.maxReplicas ?? NaN,
    hpaTarget: (hpa?.metrics.find((m) => m.resource?.name === 'cpu')?.resource?.target.averageUtilization ?? NaN) / 100,
    workers: Number(config?.MOVIES_WORKERS ?? NaN),
    pdbMinAvailable: typeof pdb?.minAvailable === 'number' ? pdb.minAvailable : NaN,
    pdbMaxUnavailable: typeof pdb?.maxUnavailable === 'number' ? pdb.maxUnavailable : NaN,
  };
}

/**
 * The base and production manifests as kustomize renders them (kubectl), or the base files as written.
 * The local overlay is left out: it shrinks requests to fit a laptop cluster, where sizing is moot.
 */
export function loadManifests(k8s = join(repoRoot, 'deploy/k8s')): Manifests[] {
  try {
    return ['base', 'overlays/production'].map((dir) =>
      readManifests(renderKustomize(join(k8s, dir)) as ManifestObject[], dir === 'base' ? 'base' : 'production overlay'),
    );
  } catch {
    const base = ['deployment.yaml', 'hpa.yaml', 'configmap.yaml', 'pdb.yaml'].map(
      (f) => parse(readFileSync(join(k8s, 'base', f), 'utf8')) as ManifestObject,
    );
    return [readManifests(base, 'base')];
  }
}
