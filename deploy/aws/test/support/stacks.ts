import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { defineStacks, type CinedexStacks } from '../../lib/cinedex-app.js';

const here = dirname(fileURLToPath(import.meta.url));
/** deploy/aws, whether running from `test/support` or from compiled `dist/test/support`. */
export const packageRoot = resolve(here, here.includes('/dist/') ? '../../..' : '../..');

/** The context `cdk synth` reads from cdk.json: the example production deployment, with its feature flags. */
export const CDK_CONTEXT = (JSON.parse(readFileSync(join(packageRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> })
  .context;

export const ACCOUNT = '123456789012';
export const PRIMARY = 'eu-west-1';
export const REPLICA = 'us-east-1';
export const PRIMARY_BUCKET = `cinedex-catalogue-${ACCOUNT}-${PRIMARY}`;
export const REPLICA_BUCKET = `cinedex-catalogue-${ACCOUNT}-${REPLICA}`;

/** The app `cdk synth` builds, with cdk.json's context and these keys changed (undefined: as if absent). */
export function synthesize(changes: Record<string, unknown> = {}): CinedexStacks & { readonly app: App } {
  const context = Object.fromEntries(Object.entries({ ...CDK_CONTEXT, ...changes }).filter(([, value]) => value !== undefined));
  const app = new App({ context, analyticsReporting: false });
  return { app, ...defineStacks(app) };
}
