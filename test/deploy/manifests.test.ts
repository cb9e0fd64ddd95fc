import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as models from 'kubernetes-models';
import { KustomizeError, renderKustomize } from '../support/kustomize.js';
import { repoRoot } from '../support/paths.js';
import { checkPolicy, EDGE_WORKLOAD, type K8sObject, type PolicyOptions } from './policy.js';
import { LAST_SCRAPE_MS, WATCH_STOP_BUDGET_MS } from '../../src/cli/commands/ingest.js';

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

const APP_KINDS = ['Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'CronJob', 'Job', 'ConfigMap', 'ServiceAccount', 'NetworkPolicy', 'Ingress'];
const overlays: { name: string; minObjects: number; kinds: string[]; policy: PolicyOptions }[] = [
  { name: 'local', minObjects: 10, kinds: APP_KINDS, policy: { production: false } },
  // The queue watcher ingests there, in place of the CronJob.
  { name: 'production', minObjects: 10, kinds: APP_KINDS.filter((k) => k !== 'CronJob'), policy: { production: true } },
  // The nginx edge cache of another region: it relays to the API, so it runs none of the API's objects.
  { name: 'edge-region', minObjects: 4, kinds: ['Deployment', 'Service', 'PodDisruptionBudget', 'ConfigMap'], policy: { production: true, serving: [EDGE_WORKLOAD] } },
];

for (const overlay of overlays) {
  test(`${overlay.name} overlay: every object is valid against the Kubernetes API schemas`, () => {
    const objects = render(overlay.name);
    assert.ok(objects.length >= overlay.minObjects);
    for (const o of objects) {
      const Model = modelFor(o);
      assert.ok(Model, `no schema model for ${o.apiVersion} ${o.kind}`);
      assert.doesNotThrow(() => new Model(o).validate(), `${o.kind}/${o.metadata.name}`);
    }
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of overlay.kinds) {
      assert.ok(kinds.has(kind), `${overlay.name} renders a ${kind}`);
    }
  });

  test(`${overlay.name} overlay: follows our policy`, () => {
    assert.deepEqual(checkPolicy(render(overlay.name), overlay.policy), []);
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

type EdgeDeployment = K8sObject & {
  spec: {
    replicas: number;
    template: {
      spec: {
        containers: {
          command: string[];
          args: string[];
          resources: { requests: { cpu: string } };
          volumeMounts: { name: string; mountPath: string }[];
        }[];
        volumes: { name: string; configMap?: { name: string }; emptyDir?: object }[];
      };
    };
  };
};

test('the edge region runs the committed nginx.conf, with its origin, on the volumes its command line names', () => {
  const objects = render('edge-region');
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('cinedex-edge-nginx'));
  assert.equal(config?.data?.['nginx.conf'], readFileSync(join(repoRoot, 'deploy/edge/nginx.conf'), 'utf8'), 'the ConfigMap holds deploy/edge/nginx.conf unchanged');
  assert.match(config?.data?.['origin.conf'] ?? '', /^server cinedex-api\.cinedex\.svc\.cluster\.local:80;$/m);
  const edge = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'cinedex-edge') as EdgeDeployment;
  const pod = edge.spec.template.spec;
  const [container] = pod.containers;
  assert.ok(container);
  const argument = (flag: string) => container.args[container.args.indexOf(flag) + 1] ?? '';
  const volumeAt = (dir: string) => pod.volumes.find((v) => v.name === container.volumeMounts.find((m) => m.mountPath.replace(/\/$/, '') === dir.replace(/\/$/, ''))?.name);
  assert.deepEqual(container.command, ['nginx']);
  assert.equal(volumeAt(dirname(argument('-c')))?.configMap?.name, config?.metadata.name, 'nginx -c reads the generated ConfigMap');
  assert.ok(volumeAt(argument('-p'))?.emptyDir, 'the nginx prefix (pid, cache, temp files) is a writable emptyDir');
  assert.equal(objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'cinedex-api'), undefined, 'the edge region does not run the API');
});

test('the policy checker holds the edge to the same rules', () => {
  const objects = structuredClone(render('edge-region'));
  const edge = objects.find((o) => o.kind === 'Deployment') as EdgeDeployment;
  edge.spec.replicas = 1;
  edge.spec.template.spec.containers[0]!.resources.requests.cpu = '250m';
  const withoutPdb = objects.filter((o) => o.kind !== 'PodDisruptionBudget');
  const problems = checkPolicy(withoutPdb, { production: true, serving: [EDGE_WORKLOAD] }).join('\n');
  for (const expected of [/cinedex-edge has 1 replicas, fewer than 2/, /cinedex-edge CPU request differs from its limit/, /PDB selector does not match the cinedex-edge pods/]) {
    assert.match(problems, expected);
  }
  assert.match(checkPolicy(render('edge-region')).join('\n'), /no cinedex-api Deployment/, 'an overlay is checked for the API unless told otherwise');
});

type SeedJob = K8sObject & {
  spec: {
    template: {
      spec: { containers: { args: string[]; env?: { name: string }[]; envFrom: { configMapRef?: { name: string } }[] }[] };
    };
  };
};

test('the seed Job reads the copy bundled in the image: no overlay sets MOVIES_SEED, so seeding needs no internet', () => {
  for (const overlay of ['local', 'production']) {
    const objects = render(overlay);
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.name === 'cinedex-seed') as SeedJob | undefined;
    const container = job?.spec.template.spec.containers[0];
    assert.deepEqual(container?.args, ['seed'], `${overlay} runs the seed Job`);
    const configMaps = (container?.envFrom ?? []).flatMap((from) =>
      objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name === from.configMapRef?.name),
    );
    assert.ok(configMaps.length > 0, `${overlay}: the Job reads the cinedex ConfigMap`);
    for (const configMap of configMaps) assert.equal(configMap.data?.MOVIES_SEED, undefined, `${overlay}: ${configMap.metadata.name}`);
    assert.equal(container?.env?.find((e) => e.name === 'MOVIES_SEED'), undefined, `${overlay}: the Job's own env`);
  }
});

function assertSelects(selector: Record<string, string>, labels: Record<string, string>, what: string): void {
  assert.ok(Object.keys(selector).length > 0, `${what} selects by some label`);
  for (const [key, value] of Object.entries(selector)) assert.equal(labels[key], value, `${what}: ${key}`);
}

type WatcherDeployment = K8sObject & {
  spec: {
    replicas: number;
    strategy: { type: string };
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        serviceAccountName: string;
        terminationGracePeriodSeconds: number;
        containers: {
          args: string[];
          env: { name: string; value: string }[];
          envFrom: { configMapRef?: { name: string } }[];
          ports: { name: string; containerPort: number }[];
          readinessProbe: { httpGet: { path: string; port: string } };
          livenessProbe: { httpGet: { path: string; port: string } };
        }[];
      };
    };
  };
};

test('production ingests with one queue watcher, in place of the CronJob: its queue, its listing, its metrics port, its stop', () => {
  const objects = render('production');
  const watcher = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'cinedex-ingest-watcher') as WatcherDeployment | undefined;
  assert.ok(watcher);
  const pod = watcher.spec.template.spec;
  const [container] = pod.containers;
  assert.ok(container);
  assert.deepEqual(container.args, ['ingest', '--watch']);
  assert.equal([watcher.spec.replicas, watcher.spec.strategy.type].join(' '), '1 Recreate');
  assert.equal(pod.serviceAccountName, 'cinedex-ingest');
  const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
  assert.match(env.MOVIES_INBOX_QUEUE ?? '', /^https:\/\/sqs\.eu-west-1\.amazonaws\.com\/\d{12}\/cinedex-inbox$/);
  assert.ok(Number(env.MOVIES_INGEST_INTERVAL) >= 60, 'the reconciliation listing runs, whatever cinedex-config says for the API pods');
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === container.envFrom[0]?.configMapRef?.name);
  assert.equal(config?.data?.MOVIES_INGEST_INTERVAL, '0', 'the API pods do not list the inbox');
  const metricsPort = container.ports.find((p) => p.name === 'metrics');
  assert.equal(String(metricsPort?.containerPort), env.MOVIES_INGEST_METRICS_PORT);
  for (const probe of [container.readinessProbe, container.livenessProbe]) assert.deepEqual(probe.httpGet, { path: '/healthz', port: 'metrics' });
  assert.ok(
    pod.terminationGracePeriodSeconds * 1000 > WATCH_STOP_BUDGET_MS + LAST_SCRAPE_MS,
    "the kubelet's kill comes after the watcher has abandoned its run and been scraped",
  );
  assert.deepEqual(
    objects.filter((o) => o.kind === 'CronJob').map((o) => o.metadata.name),
    [],
    'the watcher lists the inbox itself',
  );

  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'cinedex-ingest-watcher') as
    | (K8sObject & { spec: { selector: Record<string, string>; publishNotReadyAddresses: boolean; ports: { targetPort: string }[] } })
    | undefined;
  assert.ok(service);
  assertSelects(service.spec.selector, watcher.spec.template.metadata.labels, 'the Service');
  assert.deepEqual(
    service.spec.ports.map((p) => p.targetPort),
    ['metrics'],
  );
  assert.equal(service.spec.publishNotReadyAddresses, true, 'a stopping watcher is still scraped');
  const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'cinedex-ingest-watcher') as
    | (K8sObject & { spec: { podSelector: { matchLabels: Record<string, string> }; ingress: { ports: { port: number }[] }[] } })
    | undefined;
  assert.ok(policy);
  assertSelects(policy.spec.podSelector.matchLabels, watcher.spec.template.metadata.labels, 'the NetworkPolicy');
  assert.deepEqual(
    policy.spec.ingress.flatMap((rule) => rule.ports.map((p) => p.port)),
    [metricsPort?.containerPort],
  );
});

test('the local overlay (MinIO: no queue) keeps the CronJob and runs no watcher', () => {
  const objects = render('local');
  assert.ok(objects.some((o) => o.kind === 'CronJob' && o.metadata.name === 'cinedex-ingest'));
  assert.equal(objects.find((o) => o.metadata.name === 'cinedex-ingest-watcher'), undefined);
});

test('the policy checker keeps the queue to one consumer, and off the serving pods', () => {
  const objects = structuredClone(render('production'));
  const watcher = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'cinedex-ingest-watcher') as WatcherDeployment;
  watcher.spec.replicas = 2;
  watcher.spec.template.spec.containers[0]!.env.find((e) => e.name === 'MOVIES_INBOX_QUEUE')!.value = 'set-by-the-overlay';
  const cronJob = render('local').find((o) => o.kind === 'CronJob') as K8sObject;
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('cinedex-config')) as K8sObject;
  config.data = { ...config.data, MOVIES_INBOX_QUEUE: 'https://sqs.eu-west-1.amazonaws.com/123456789012/cinedex-inbox' };
  const problems = checkPolicy([...objects, cronJob], { production: true }).join('\n');
  for (const expected of [/one queue consumer at a time/, /MOVIES_INBOX_QUEUE is not a queue URL \(set-by-the-overlay\)/, /ingests beside the queue watcher/, /would consume the queue/]) {
    assert.match(problems, expected);
  }
});
