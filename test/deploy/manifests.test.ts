import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as models from 'kubernetes-models';
import { KustomizeError, renderKustomize } from '../../bench/capacity/manifests.js';
import { repoRoot } from '../support/paths.js';
import { checkPolicy, type K8sObject } from './policy.js';

function render(overlay: string): K8sObject[] {
  return renderKustomize(join(repoRoot, 'deploy/k8s/overlays', overlay)) as K8sObject[];
}

/** The kubernetes-models class for an object's apiVersion and kind, e.g. apps/v1 Deployment → models.apps.v1.Deployment. */
function modelFor(o: K8sObject): (new (data: unknown) => { validate(): void }) | undefined {
  const [group, version] = o.apiVersion.includes('/') ? (o.apiVersion.split('/') as [string, string]) : ['', o.apiVersion];
  const key = group === '' ? 'v1' : group.replace(/\.([a-z])/g, (_, c: string) => c.toUpperCase()).replace(/\.k8s\.io$/i, 'K8sIo').replace(/K8sIo$/, 'K8sIo');
  const registry = models as unknown as Record<string, Record<string, Record<string, new (data: unknown) => { validate(): void }>>>;
  const groupModels = group === '' ? (registry.v1 as unknown as Record<string, new (data: unknown) => { validate(): void }>) : registry[key]?.[version as string];
  return groupModels?.[o.kind];
}

for (const overlay of ['local', 'production']) {
  test(`${overlay} overlay: every object is valid against the Kubernetes API schemas`, () => {
    const objects = render(overlay);
    assert.ok(objects.length >= 10);
    for (const o of objects) {
      const Model = modelFor(o);
      assert.ok(Model, `no schema model for ${o.apiVersion} ${o.kind}`);
      assert.doesNotThrow(() => new Model(o).validate(), `${o.kind}/${o.metadata.name}`);
    }
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'CronJob', 'Job', 'ConfigMap', 'ServiceAccount', 'NetworkPolicy', 'Ingress']) {
      assert.ok(kinds.has(kind), `${overlay} renders a ${kind}`);
    }
  });

  test(`${overlay} overlay: follows our policy`, () => {
    assert.deepEqual(checkPolicy(render(overlay), { production: overlay === 'production' }), []);
  });
}

test('the local overlay runs MinIO and points cinedex at it', () => {
  const objects = render('local');
  assert.ok(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === 'minio'));
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('cinedex-config'));
  assert.equal(config?.data?.AWS_ENDPOINT_URL, 'http://minio:9000');
  assert.match(config?.data?.MOVIES_STORE ?? '', /^s3:\/\//);
});

test('the policy checker catches what it is meant to catch', () => {
  const objects = structuredClone(render('production'));
  const api = objects.find((o) => o.kind === 'Deployment') as K8sObject & { spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  const container = api.spec.template.spec.containers[0];
  delete container.resources.limits;
  container.image = 'ghcr.io/cinedex/cinedex:latest';
  delete container.readinessProbe;
  api.spec.strategy.rollingUpdate.maxUnavailable = 1;
  api.spec.template.metadata.labels['app.kubernetes.io/component'] = 'other';
  const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget') as K8sObject & { spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  pdb.spec = { ...pdb.spec, maxUnavailable: undefined, minAvailable: 2 };
  const problems = checkPolicy(objects, { production: true }).join('\n');
  for (const expected of [/no cpu limits/, /not pinned/, /no readiness probe/, /maxUnavailable must be 0/, /selector does not match its pods/, /Service selector/, /PDB selector/, /PDB must allow exactly one pod/]) {
    assert.match(problems, expected);
  }
  const halfCpu = structuredClone(render('production'));
  const halfApi = halfCpu.find((o) => o.kind === 'Deployment') as K8sObject & { spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  halfApi.spec.template.spec.containers[0].resources.requests.cpu = '500m';
  assert.match(checkPolicy(halfCpu, { production: true }).join('\n'), /CPU request differs from its limit/);
  assert.throws(() => new (modelFor(api) as new (d: unknown) => { validate(): void })({ ...api, spec: { ...api.spec, replicas: 'three' } }).validate());
});

test('a directory kustomize cannot render fails with an error that names it', () => {
  const dir = join(repoRoot, 'deploy/k8s/overlays/no-such-overlay');
  assert.throws(() => renderKustomize(dir), (error: unknown) => error instanceof KustomizeError && error.code === 'KUSTOMIZE_FAILED' && error.message.includes(dir));
});
