/**
 * moto's server: a real S3 and SQS implementation, bucket notifications to a queue included (the
 * test event, URL-encoded keys), for the inbox queue's tests and benchmark. Python package
 * `moto[server]`; `.ci/run` installs it with pip when missing. MOTO_SERVER_PATH names another.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  CreateBucketCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { S3Store, type S3StoreOptions } from '../../src/store/s3-store.js';
import { onFreePort, type LostPort } from './cli-process.js';

export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const REGION = 'us-east-1';

export interface MotoOptions {
  /** The queue's redrive policy: receives before the dead-letter queue. Default 3. */
  readonly maxReceiveCount?: number;
  /** The queue's visibility timeout. Default 30 s. */
  readonly visibilityTimeoutSeconds?: number;
  /** freePort but for the test of the port retry, which hands out a port it holds. */
  readonly pickPort?: () => Promise<number>;
}

/** One request moto served, from its access log. */
export interface MotoRequest {
  readonly method: string;
  readonly path: string;
}

/** The S3 requests by kind: LIST (ListObjectsV2), GET, HEAD, PUT, DELETE… */
export function requestKinds(requests: readonly MotoRequest[]): Record<string, number> {
  const kinds: Record<string, number> = { LIST: 0, GET: 0, HEAD: 0, PUT: 0 };
  for (const r of requests) {
    const kind = r.method === 'GET' && /[?&]list-type=2/.test(r.path) ? 'LIST' : r.method;
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return kinds;
}

export interface Moto {
  readonly endpoint: string;
  readonly bucket: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  /** The environment a cinedex process needs to use this bucket (catalogue/, inbox/) and queue. */
  readonly env: Record<string, string>;
  store(prefix: string): S3Store;
  /** What `store` builds its S3Store with, for a test's own subclass of it. */
  storeOptions(prefix: string): S3StoreOptions;
  /** A provider's upload into inbox/, with any S3 option (a storage class…). */
  put(key: string, body: string | Buffer, extra?: Partial<PutObjectCommandInput>): Promise<void>;
  /** Every request served so far (by the whole moto process: an isolated pair's requests are in it too). */
  requests(): MotoRequest[];
  /**
   * Another bucket, queue and dead-letter queue in the same moto process, with options of their own (a short
   * visibility timeout…): a test that needs them pays no second moto start-up (each costs ~1–2 s of CPU), and sees
   * none of the other bucket's notifications. Its close leaves the process running.
   */
  isolated(name: string, options?: MotoOptions): Promise<Moto>;
  close(): Promise<void>;
}

function motoCommand(port: number): [string, string[]] {
  const path = process.env.MOTO_SERVER_PATH || 'moto_server';
  return [path, ['-H', '127.0.0.1', '-p', String(port)]];
}

/** Starts moto with a bucket whose inbox/ notifies a queue that dead-letters after maxReceiveCount receives. */
export async function startMoto(options: MotoOptions = {}): Promise<Moto> {
  return configureMoto(await onFreePort('moto', startMotoOnce, options.pickPort), options);
}

interface MotoProcess {
  readonly endpoint: string;
  readonly log: () => string;
  readonly close: () => Promise<void>;
}

/**
 * Spawns moto on a port freePort found free, which another test file's server (another moto) can take before moto
 * binds it: moto then exits, and meanwhile the other server may answer /moto-api/ in its place. So moto counts as up
 * only once it has said it is running on that port (it says so after binding), and a lost port is reported, to be
 * tried again on another.
 */
async function startMotoOnce(port: number): Promise<MotoProcess | LostPort> {
  const endpoint = `http://127.0.0.1:${port}`;
  const [command, args] = motoCommand(port);
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error(`${command} not found: pip install 'moto[server]' (.ci/run does it when missing) or set MOTO_SERVER_PATH`, {
              cause: error,
            })
          : error,
      ),
    );
  });
  await spawned;
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    // Its development server can sit on SIGTERM while a request thread lingers.
    const stubborn = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(stubborn);
  };
  const running = `Running on ${endpoint}`;
  const deadline = Date.now() + 30_000;
  // Its output is read to the end before a lost port is told from another failure.
  const outputEnded = new Promise((resolve) => child.once('close', resolve));
  const lostPort = () => /Address already in use|is in use by another program/.test(log);
  const lost: LostPort = { lostTo: 'moto could not bind it (Address already in use)' };
  for (;;) {
    if (lostPort()) {
      await close();
      return lost;
    }
    if (child.exitCode !== null) {
      await outputEnded;
      if (lostPort()) return lost;
      throw new Error(`moto exited with ${child.exitCode}:\n${log}`);
    }
    const up =
      log.includes(running) &&
      (await fetch(`${endpoint}/moto-api/`).then(
        (r) => r.ok,
        () => false,
      ));
    if (up) return { endpoint, log: () => log, close };
    if (Date.now() > deadline) {
      await close();
      throw new Error(`moto did not answer within 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function configureMoto(server: MotoProcess, options: MotoOptions, name = ''): Promise<Moto> {
  const { endpoint, log, close } = server;
  try {
    const s3 = new S3Client({ endpoint, region: REGION, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
    const sqs = new SQSClient({ endpoint, region: REGION, credentials: MOTO_CREDENTIALS });
    const suffix = name ? `-${name}` : '';
    const bucket = `cinedex-moto${suffix}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const dead = await sqs.send(new CreateQueueCommand({ QueueName: `cinedex-inbox${suffix}-dead-letters` }));
    const deadArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dead.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes
      ?.QueueArn;
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: `cinedex-inbox${suffix}`,
        Attributes: {
          VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadArn, maxReceiveCount: options.maxReceiveCount ?? 3 }),
        },
      }),
    );
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes
      ?.QueueArn;
    // As deploy/aws configures it: every creation under inbox/ (this also sends S3's test event).
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: {
          QueueConfigurations: [
            { QueueArn: queueArn, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'inbox/' }] } } },
          ],
        },
      }),
    );
    const queueUrl = queue.QueueUrl as string;
    const storeOptions = (prefix: string): S3StoreOptions => ({
      bucket,
      prefix,
      endpoint,
      region: REGION,
      credentials: MOTO_CREDENTIALS,
      maxAttempts: 2,
      requestTimeoutMs: 10_000,
    });
    return {
      endpoint,
      bucket,
      queueUrl,
      deadLetterQueueUrl: dead.QueueUrl as string,
      s3,
      sqs,
      env: {
        MOVIES_STORE: `s3://${bucket}/catalogue`,
        MOVIES_INBOX: `s3://${bucket}/inbox`,
        MOVIES_INBOX_QUEUE: queueUrl,
        AWS_ENDPOINT_URL: endpoint,
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      },
      store: (prefix) => new S3Store(storeOptions(prefix)),
      storeOptions,
      put: async (key, body, extra = {}) => {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `inbox/${key}`, Body: body, ...extra }));
      },
      requests: () =>
        [...log().matchAll(/"([A-Z]+) (\S+) HTTP\/[\d.]+" \d{3}/g)].map((m) => ({ method: m[1] as string, path: m[2] as string })),
      isolated: (other, otherOptions = {}) => {
        if (!/^[a-z0-9-]+$/.test(other)) throw new Error(`an isolated pair's name is a bucket's: ${other}`);
        return configureMoto({ endpoint, log, close: () => Promise.resolve() }, otherOptions, `${name ? `${name}-` : ''}${other}`);
      },
      close: async () => {
        s3.destroy();
        sqs.destroy();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
