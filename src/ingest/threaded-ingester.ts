import { Worker } from 'node:worker_threads';
import type { Config } from '../config/config.js';
import { IngestThreadError } from '../errors/errors.js';
import type { StoredObject } from '../store/object-store.js';
import type { IngestOutcome } from './ingestion.js';

type Reply =
  | { readonly type: 'published'; readonly id: number }
  | { readonly type: 'done'; readonly id: number; readonly outcome: IngestOutcome }
  | { readonly type: 'failed'; readonly id: number; readonly error: { message: string; code?: string } };

/**
 * Ingestion runs on a thread of their own inside `cinedex serve`: merging and building the index
 * take seconds of CPU, which on the serving thread would stall every request meanwhile. One
 * long-lived thread (started on the first run, restarted if it dies) takes one run at a time. This
 * is the serving side's handle; the thread runs ingest-thread-entry.ts.
 */
export class ThreadedIngester {
  private worker: Worker | undefined;
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (o: IngestOutcome) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly config: Config,
    /** Told when a run has published its version, before the merge that may follow (IngestOptions.onPublished). */
    private readonly onPublished: () => void = () => {},
  ) {}

  /** One run: of just `objects` (the queue's notifications) when given, else of the listed inbox. */
  run(objects?: readonly StoredObject[]): Promise<IngestOutcome> {
    const worker = this.thread();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ type: 'run', id, objects });
    });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./ingest-thread-entry.js', import.meta.url), { workerData: this.config });
    worker.on('message', (reply: Reply) => {
      if (reply.type === 'published') {
        this.onPublished();
        return;
      }
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.type === 'done') waiter?.resolve(reply.outcome);
      else waiter?.reject(new IngestThreadError(reply.error.message, reply.error.code ?? 'INGEST_FAILED'));
    });
    // A thread that dies fails the runs it held; the next run starts a new one.
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [, waiter] of this.waiting) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new IngestThreadError(`the ingestion thread exited (code ${code})`, 'INGEST_THREAD_EXITED')));
    // The thread never keeps the process alive on its own: serving does.
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
