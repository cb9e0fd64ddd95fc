import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { childCli } from './paths.js';

const LINE_BOUND_MS = 30_000;

/**
 * `cinedex <args>` as a child, its output gathered, with ways to wait on its log lines: each step of a test waits on
 * the line that says the step happened, not on a moment. The bound is 30 s, far from the moments they wait for.
 */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [childCli(), ...args], { env: { ...process.env, ...env } });
  const cli = {
    child,
    output: '',
    exited: new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))),
    /** Where the first line with this message begins in the output, or -1. */
    logged: (msg: string) => cli.output.indexOf(`"msg":"${msg}`),
    /** How many lines carry this message (one per worker of a cluster, say). */
    count: (msg: string) => cli.output.split(`"msg":"${msg}`).length - 1,
    /** The lines with this message, parsed. */
    lines: (msg: string) =>
      cli.output
        .split('\n')
        .filter((line) => line.includes(`"msg":"${msg}`))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    /** Whether the child has exited or was killed by a signal (exitCode alone stays null then). */
    ended: () => child.exitCode !== null || child.signalCode !== null,
    /** Resolves once `times` lines carry the message, or the child has ended. */
    awaitLine: async (msg: string, times = 1) => {
      const deadline = Date.now() + LINE_BOUND_MS;
      while (cli.count(msg) < times && !cli.ended()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for the line "${msg}" ×${times}; the output:\n${cli.output}`);
        await sleep(50);
      }
    },
  };
  child.stdout.on('data', (c: Buffer) => (cli.output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (cli.output += c.toString()));
  return cli;
}

/** `cinedex serve` on a port the kernel picks (PORT=0), read from its "serving" lines: a port found free beforehand can be taken. */
export function spawnServe(env: NodeJS.ProcessEnv) {
  const serve = spawnCli(['serve'], { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env });
  return Object.assign(serve, {
    /** Once `workers` processes log "serving" (one without a cluster): the base URL they share. */
    listening: async (workers = 1) => {
      await serve.awaitLine('serving', workers);
      const ports = new Set(serve.lines('serving').map((line) => line.port));
      if (serve.count('serving') < workers || ports.size !== 1) throw new Error(`cinedex serve did not start:\n${serve.output}`);
      return `http://127.0.0.1:${String([...ports][0])}`;
    },
  });
}
