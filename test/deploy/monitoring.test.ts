import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Registry } from 'prom-client';
import { parse, stringify } from 'yaml';
import { registerIngestMetrics } from '../../src/ingest/ingest-metrics.js';
import { renderKustomize } from '../support/kustomize.js';
import { repoRoot } from '../support/paths.js';
import type { K8sObject } from './policy.js';

const MONITORING = join(repoRoot, 'deploy/k8s/components/monitoring');
/** Debian's prometheus package installs it; PROMTOOL_PATH names another. */
const PROMTOOL = process.env.PROMTOOL_PATH || 'promtool';
const RUNBOOKS = 'https://github.com/cinedex/cinedex/blob/main/docs/operations.md#';

interface Rule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}
interface PrometheusRule {
  readonly spec: { readonly groups: readonly { readonly name: string; readonly rules: readonly Rule[] }[] };
}
interface Dashboard {
  readonly panels: readonly {
    readonly id: number;
    readonly type: string;
    readonly targets?: readonly { readonly refId: string; readonly expr: string }[];
  }[];
}

const prometheusRule = parse(readFileSync(join(MONITORING, 'prometheus-rule.yaml'), 'utf8')) as PrometheusRule;
const rules = prometheusRule.spec.groups.flatMap((g) => g.rules);
const dashboardText = readFileSync(join(MONITORING, 'dashboard.json'), 'utf8');
const dashboard = JSON.parse(dashboardText) as Dashboard;
const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ name: `panel ${p.id} ${t.refId}`, expr: t.expr })));

const work = mkdtempSync(join(tmpdir(), 'cinedex-monitoring-'));
after(() => rmSync(work, { recursive: true, force: true }));

function promtool(args: string[]): string {
  try {
    return execFileSync(PROMTOOL, args, { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error(`promtool not found (${PROMTOOL}): install Debian's prometheus package, or set PROMTOOL_PATH`, { cause: error });
    }
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: error });
  }
}

function writeRules(file: string, groups: unknown): void {
  writeFileSync(join(work, file), stringify({ groups }));
}

test("promtool accepts the PrometheusRule's rules, annotation templates included", () => {
  writeRules('all-rules.yaml', prometheusRule.spec.groups);
  assert.match(promtool(['check', 'rules', 'all-rules.yaml']), new RegExp(`SUCCESS: ${rules.length} rules found`));
  assert.ok(rules.length >= 10);
});

test('each alert fires on synthetic series where it should and stays quiet where it should not (promtool test rules)', () => {
  // promtool compares annotations too: the behaviour is tested here, the annotations by the tests below.
  const withoutAnnotations = prometheusRule.spec.groups.map((g) => ({ ...g, rules: g.rules.map(({ annotations: _, ...rule }) => rule) }));
  writeRules('rules.yaml', withoutAnnotations);
  writeFileSync(join(work, 'alerts.promtool.yaml'), readFileSync(join(repoRoot, 'test/deploy/alerts.promtool.yaml')));
  assert.match(promtool(['test', 'rules', 'alerts.promtool.yaml']), /SUCCESS/);
});

test('every alert has a case where it fires and one where it stays quiet', () => {
  const cases = (
    parse(readFileSync(join(repoRoot, 'test/deploy/alerts.promtool.yaml'), 'utf8')) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    }
  ).tests.flatMap((t) => t.alert_rule_test);
  for (const { alert } of rules) {
    const mine = cases.filter((c) => c.alertname === alert);
    assert.ok(
      mine.some((c) => c.exp_alerts.length > 0),
      `${alert} is seen firing`,
    );
    assert.ok(
      mine.some((c) => c.exp_alerts.length === 0),
      `${alert} is seen quiet`,
    );
  }
  assert.deepEqual(
    [...new Set(cases.map((c) => c.alertname))].sort(),
    rules.map((r) => r.alert).sort(),
    'no case for an alert that does not exist',
  );
});

/** GitHub's anchor for a Markdown heading. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

test('every alert has a severity, a summary, a description, and a runbook section in docs/operations.md', () => {
  const operations = readFileSync(join(repoRoot, 'docs/operations.md'), 'utf8');
  const sections = new Map<string, string>();
  for (const part of operations.split(/^#{2,4} /m).slice(1)) {
    const [heading = '', ...body] = part.split('\n');
    sections.set(anchorOf(heading), body.join('\n'));
  }
  for (const { alert, labels, annotations } of rules) {
    assert.match(labels.severity ?? '', /^(critical|warning)$/, alert);
    assert.ok((annotations.summary ?? '').length > 10 && (annotations.description ?? '').length > 10, `${alert} says what happened`);
    assert.equal(annotations.runbook_url, `${RUNBOOKS}${alert.toLowerCase()}`, alert);
    const runbook = sections.get(alert.toLowerCase());
    assert.ok(runbook !== undefined, `docs/operations.md has a section "${alert}"`);
    for (const part of ['What it means', 'What to check', 'What to do']) assert.ok(runbook.includes(part), `${alert}'s runbook: ${part}`);
  }
});

const PROMQL_WORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
]);

/** The metric names a PromQL expression reads: what remains once strings, matchers, ranges, label lists and functions are gone. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/(?<![\w.$])([a-zA-Z_:][\w:]*)\b(?!\s*\()/g)]
    .map((m) => m[1] as string)
    .filter((w) => !PROMQL_WORDS.has(w.toLowerCase()));
}

/** The names src/ registers with prom-client, plus prom-client's default process_ and nodejs_ metrics. */
function exportedMetrics(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts'))
        for (const m of readFileSync(path, 'utf8').matchAll(/\bname: '((?:cinedex|http)_\w+)'/g)) names.add(m[1] as string);
    }
  };
  walk(join(repoRoot, 'src'));
  return names;
}

test('the metric-name reader sees through functions, matchers, ranges and label lists', () => {
  assert.deepEqual(
    metricNames(
      'histogram_quantile(0.95, sum by (le) (rate(a_bucket{job="x", route=~"/v1/.+"}[5m]))) / on (ns) group_left b > 1e3 and time() - c offset 5m',
    ),
    ['a_bucket', 'b', 'c'],
  );
});

test('the alerts and the dashboard read only metrics cinedex exports', () => {
  const exported = exportedMetrics();
  assert.ok(
    exported.has('http_request_duration_seconds') && exported.has('cinedex_snapshot_refused_info'),
    'src/ is where the names were read',
  );
  const known = new Set([...exported].flatMap((n) => [n, `${n}_bucket`, `${n}_count`, `${n}_sum`]));
  const expressions = [...rules.map((r) => ({ name: r.alert, expr: r.expr })), ...queries];
  assert.ok(queries.length >= 15, 'the dashboard has its queries');
  for (const { name, expr } of expressions) {
    const metrics = metricNames(expr);
    assert.ok(metrics.length > 0, `${name} reads a metric`);
    for (const metric of metrics)
      assert.ok(known.has(metric) || /^(process|nodejs)_/.test(metric), `${name}: ${metric} is not a cinedex metric`);
  }
});

test("the dashboard shows the compression tiers' work and rejected synonyms files", () => {
  const shown = new Set(queries.flatMap((q) => metricNames(q.expr)));
  for (const metric of [
    'cinedex_recompressions_total',
    'cinedex_recompressions_queued',
    'cinedex_response_cache_bytes',
    'cinedex_ingest_synonyms_rejected_total',
  ])
    assert.ok(shown.has(metric), `a dashboard panel reads ${metric}`);
});

test('every ingestion metric is described in docs/operations.md', () => {
  const operations = readFileSync(join(repoRoot, 'docs/operations.md'), 'utf8');
  const names = new Registry();
  registerIngestMetrics(names);
  const registered = names.getMetricsAsArray().map((m) => m.name);
  assert.ok(registered.includes('cinedex_ingest_synonyms_rejected_total'));
  for (const name of registered) assert.ok(operations.includes(`\`${name}`), `docs/operations.md names ${name}`);
});

test('every dashboard query parses: promtool checks them as recording rules', () => {
  // Grafana's variables, replaced by values of the same kind.
  const concrete = (expr: string) => expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m').replace(/\$namespace/g, 'cinedex');
  writeRules('dashboard.yaml', [
    { name: 'dashboard', rules: queries.map((q, i) => ({ record: `cinedex_dashboard:query_${i}`, expr: concrete(q.expr) })) },
  ]);
  assert.match(promtool(['check', 'rules', 'dashboard.yaml']), new RegExp(`SUCCESS: ${queries.length} rules found`));
});

type Labelled = K8sObject & { metadata: { namespace?: string; labels?: Record<string, string> } };

/** The production overlay with the component added, as an overlay of one's own would do it. */
function renderWithMonitoring(): Labelled[] {
  const dir = mkdtempSync(join(work, 'overlay-'));
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: 'cinedex',
    resources: [relative(dir, join(repoRoot, 'deploy/k8s/overlays/production'))],
    components: [relative(dir, MONITORING)],
  };
  writeFileSync(join(dir, 'kustomization.yaml'), stringify(kustomization));
  return renderKustomize(dir) as Labelled[];
}

test("with the component, Prometheus scrapes the API Service's /metrics and Grafana finds the dashboard", () => {
  const objects = renderWithMonitoring();
  const monitor = objects.find((o) => o.kind === 'ServiceMonitor' && o.metadata.name === 'cinedex-api') as
    (Labelled & { spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string }[] } }) | undefined;
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'cinedex-api') as
    (Labelled & { spec: { ports: { name: string }[] } }) | undefined;
  assert.ok(monitor && service);
  assert.equal(monitor.metadata.namespace, 'cinedex');
  for (const [key, value] of Object.entries(monitor.spec.selector.matchLabels)) assert.equal(service.metadata.labels?.[key], value, key);
  assert.deepEqual(
    monitor.spec.endpoints.map((e) => [e.port, e.path]),
    [['http', '/metrics']],
  );
  assert.ok(
    service.spec.ports.some((p) => p.name === 'http'),
    'the Service has the port the ServiceMonitor names',
  );

  // Ingestion's metrics, from the queue watcher the production overlay runs.
  const watcherMonitor = objects.find((o) => o.kind === 'ServiceMonitor' && o.metadata.name === 'cinedex-ingest-watcher') as
    | (Labelled & { spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string }[] } })
    | undefined;
  const watcherService = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'cinedex-ingest-watcher') as
    | (Labelled & { spec: { ports: { name: string }[] } })
    | undefined;
  assert.ok(watcherMonitor && watcherService);
  for (const [key, value] of Object.entries(watcherMonitor.spec.selector.matchLabels)) {
    assert.equal(watcherService.metadata.labels?.[key], value, key);
  }
  assert.deepEqual(
    watcherMonitor.spec.endpoints.map((e) => [e.port, e.path]),
    [['metrics', '/metrics']],
  );
  assert.deepEqual(
    watcherService.spec.ports.map((p) => p.name),
    ['metrics'],
  );
  assert.notDeepEqual(watcherMonitor.spec.selector.matchLabels, monitor.spec.selector.matchLabels, 'each ServiceMonitor scrapes its own pods');

  const rule = objects.find((o) => o.kind === 'PrometheusRule') as (Labelled & PrometheusRule) | undefined;
  assert.equal(rule?.metadata.namespace, 'cinedex');
  assert.deepEqual(rule?.spec, prometheusRule.spec);

  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cinedex-grafana-dashboard') as Labelled | undefined;
  assert.equal(configMap?.metadata.labels?.grafana_dashboard, '1');
  assert.equal(configMap?.data?.['cinedex.json'], dashboardText);
});

test("the base and every overlay render without the Prometheus Operator's kinds: they apply where it is not installed", () => {
  for (const dir of ['base', 'overlays/local', 'overlays/production', 'overlays/edge-region']) {
    const objects = renderKustomize(join(repoRoot, 'deploy/k8s', dir)) as K8sObject[];
    assert.ok(objects.length > 0);
    assert.deepEqual(
      objects.filter((o) => o.apiVersion.startsWith('monitoring.coreos.com/')).map((o) => o.kind),
      [],
      dir,
    );
  }
});
