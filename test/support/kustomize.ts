/**
 * The Kubernetes manifests of deploy/k8s as kubectl renders them, and CPU quantities as numbers: what
 * the deployment policy tests (test/deploy) and the capacity benchmark's replica sizing (bench/capacity)
 * both read, so that the two read the same numbers. Dev-only: src/ must neither run kubectl nor import
 * yaml (a dev dependency).
 */
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

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
