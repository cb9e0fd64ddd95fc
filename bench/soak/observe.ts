/**
 * What the soak watches besides latency, all from outside the server: each serving process's
 * /v1/status (asked on a new connection each time, which node:cluster's primary hands to the workers
 * in turn) and its /metrics. Memory and CPU come from /proc (../lib/proc.ts).
 */
import { get } from 'node:http';

export interface Fetched {
  readonly status: number;
  readonly body: string;
}

/** GET on a connection of its own (no keep-alive): the cluster's primary gives each new connection to the next worker. */
export function freshGet(base: string, path: string, timeoutMs = 10_000): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = get(`${base}${path}`, { agent: false, headers: { connection: 'close' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${path} took more than ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** One look at one serving process's /v1/status. */
export interface StatusSample {
  /** Epoch ms when the answer came in. */
  readonly at: number;
  readonly pid: number;
  readonly version: string;
  readonly snapshotCreatedAt?: number;
  readonly loadedAt?: number;
  readonly lastCheck?: number;
  /** Inbox keys of the ingestion run that made this version; undefined when the status does not say (null: no run yet). */
  readonly ingested?: readonly string[];
  /** Every number under a key containing "warm", by its path (`warm.lastMs`): what the warmed swaps will report. */
  readonly warm: Readonly<Record<string, number>>;
}

function epoch(value: unknown): number | undefined {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** Numbers whose path has a key naming warming, at any depth. */
export function warmFields(value: unknown, path = '', inWarm = false, out: Record<string, number> = {}): Record<string, number> {
  if (typeof value === 'number' && inWarm) out[path] = value;
  else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) warmFields(inner, path ? `${path}.${key}` : key, inWarm || /warm/i.test(key), out);
  }
  return out;
}

export function readStatus(body: string, at: number): StatusSample | undefined {
  const raw = JSON.parse(body) as Record<string, unknown>;
  if (typeof raw.pid !== 'number' || typeof raw.version !== 'string') return undefined;
  const refresh = raw.refresh as Record<string, unknown> | undefined;
  const run = raw.lastIngestionRun as { objects?: { key?: unknown }[] } | null | undefined;
  return {
    at,
    pid: raw.pid,
    version: raw.version,
    snapshotCreatedAt: epoch(raw.snapshotCreatedAt),
    loadedAt: epoch(raw.loadedAt),
    lastCheck: epoch(refresh?.lastCheck),
    ...(run === undefined ? {} : { ingested: (run?.objects ?? []).map((o) => String(o.key)) }),
    warm: warmFields(raw),
  };
}

/**
 * Whether every worker's latest look shows the version that took `key`: its ingestion run lists the
 * key, or, when the status does not report runs, all serve one version that has been `steady`.
 */
export function servesLast(looks: readonly (StatusSample | undefined)[], key: string, steady: boolean): boolean {
  if (looks.every((s) => s?.ingested?.includes(key))) return true;
  return steady && looks.every((s) => s !== undefined && s.ingested === undefined && s.version === looks[0]?.version);
}

/** Polls /v1/status every `everyMs` until stopped; a failed look is counted, not fatal (the load's failures are what count). */
export function pollStatus(base: string, everyMs: number): { readonly samples: StatusSample[]; failures: number; stop(): Promise<void> } {
  const samples: StatusSample[] = [];
  const state = { samples, failures: 0, stop: async () => {} };
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const res = await freshGet(base, '/v1/status');
        const sample = res.status === 200 ? readStatus(res.body, Date.now()) : undefined;
        if (sample) samples.push(sample);
        else state.failures++;
      } catch {
        state.failures++;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (performance.now() - started))));
    }
  })();
  state.stop = async () => {
    running = false;
    await loop;
  };
  return state;
}

/** Lines of a Prometheus text answer whose metric name contains "warm", as name{labels} → value. */
export function warmMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?)\s+(\S+)/.exec(line);
    if (match && /warm/i.test(match[1]?.split('{')[0] ?? '')) out.set(match[1] as string, Number(match[2]));
  }
  return out;
}
