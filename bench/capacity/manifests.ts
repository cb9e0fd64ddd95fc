/**
 * The Kubernetes manifests in deploy/k8s as numbers: CPU, replicas, HPA and PDB, for the capacity report's
 * replica sizing. Rendering the kustomize output and parsing CPU quantities are also what test/deploy's
 * policy checks need, and they import them from here so that the report and the tests read the same numbers.
 *
 * Why this lives in bench/: tsconfig compiles src, test and bench only. src/ is the shipped package, which
 * must neither run kubectl nor import yaml (a dev dependency); bench/ must not depend on test/ (test support is
 * not a library, and the benchmark should build without the tests' helpers). Tests already import from bench/
 * (test/bench), so test/deploy importing this module keeps every dependency dev-only and one-way.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { repoRoot } from './paths.js';

/** `kubectl kustomize` could not render a directory (kubectl missing, or a broken kustomization). */
export class KustomizeError extends Error {
  readonly code = 'KUSTOMIZE_FAILED';

  constructor(
    readonly dir: string,
    cause: unknown,
  ) {
    super(`kubectl kustomize ${dir} failed (is kubectl installed?): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'KustomizeError';
  }
}

/**
 * Every object `kubectl kustomize dir` renders, as plain data. Not validated: each caller types the
 * fields it reads (test/deploy validates the objects against the Kubernetes schemas itself).
 */
export function renderKustomize(dir: string): unknown[] {
  let text: string;
  try {
    // stderr is piped, not inherited: it belongs in the error, and a caller with a fallback wants silence.
    text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new KustomizeError(dir, error);
  }
  return parseAllDocuments(text).map((d) => d.toJS() as unknown);
}

/** A Kubernetes CPU quantity in cores: "500m" → 0.5, "1" → 1; NaN when absent. */
export function cpuQuantity(value: unknown): number {
  const text = String(value);
  return text.endsWith('m') ? Number(text.slice(0, -1)) / 1000 : Number(text);
}

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
