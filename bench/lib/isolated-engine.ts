/**
 * An engine in a worker thread of its own, timed a block at a time from the main thread (lib/interleaved.ts).
 * Each version is a serving process of its own in production: its isolate's compiled code and type feedback
 * are shaped by its own requests only. Run side by side in one isolate, the versions share that code, and
 * what one version's requests teach it changes another's speed (measured: the same 0-delta code ran 5–12 %
 * faster in one build's process than in another's, because the two builds' 1-delta paths differed). A worker
 * per version keeps them apart and still interleaves them block by block: the main thread hands a block
 * to one worker and sleeps (Atomics.wait) until it is done, so one engine runs at a time and the CPU time
 * of the process during a block is that engine's. Blocks are timed as one run of the whole block (cpu), each
 * request's wall time (wall), or each request's least CPU of its own thread over a few runs in a row (least, search/afresh.ts).
 */
import { Worker } from 'node:worker_threads';
import { ownMicros, threadClock } from './thread-cpu.js';

/** An engine that answers blocks of a mix: one run's CPU µs, or each request's wall µs. */
export interface BlockTimer {
  cpu(mix: number, lo: number, hi: number): number;
  wall(mix: number, lo: number, hi: number): Float64Array;
}

/** The most requests in one block. */
export const BLOCK_MAX = 1024;

// The control word: who holds the turn, and the command.
const STATE = 0;
const MIX = 1;
const LO = 2;
const HI = 3;
const MODE = 4;
const RUNS = 5;
// STATE starts at 0: nothing posted yet.
const POSTED = 1;
const DONE = 2;
const CPU = 0;
const WALL = 1;
const EXIT = 2;
const LEAST = 3;

/** What a worker is started with: the shared buffers, and what the worker script reads to build its engine. */
export interface IsolatedData<T> {
  readonly control: SharedArrayBuffer;
  readonly results: SharedArrayBuffer;
  readonly engine: T;
}

/** A started worker, and what it said when it was ready. */
export interface Started {
  readonly engine: IsolatedEngine;
  readonly ready: unknown;
}

/** The main thread's side: one worker, started by `start`, driven synchronously. */
export class IsolatedEngine implements BlockTimer {
  private readonly control: Int32Array;
  private readonly results: Float64Array;

  private constructor(
    private readonly worker: Worker,
    control: SharedArrayBuffer,
    results: SharedArrayBuffer,
  ) {
    this.control = new Int32Array(control);
    this.results = new Float64Array(results);
  }

  /** A worker running `script` with `engine` as its data, once it says it is ready (its engine built and warmed). */
  static async start<T>(script: URL, engine: T): Promise<IsolatedEngine> {
    return (await IsolatedEngine.started(script, engine)).engine;
  }

  /** As `start`, with the message the worker sent when it was ready (what its engine answered, say). */
  static async started<T>(script: URL, engine: T): Promise<Started> {
    const control = new SharedArrayBuffer(8 * Int32Array.BYTES_PER_ELEMENT);
    const results = new SharedArrayBuffer(BLOCK_MAX * Float64Array.BYTES_PER_ELEMENT);
    const data: IsolatedData<T> = { control, results, engine };
    const worker = new Worker(script, { workerData: data });
    const ready = await new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the engine worker ${script.pathname} exited (${code}) before it was ready`)));
    });
    return { engine: new IsolatedEngine(worker, control, results), ready };
  }

  cpu(mix: number, lo: number, hi: number): number {
    this.post(mix, lo, hi, CPU);
    return this.results[0] as number;
  }

  wall(mix: number, lo: number, hi: number): Float64Array {
    this.post(mix, lo, hi, WALL);
    return this.results.slice(0, hi - lo);
  }

  /** Each request's least CPU µs of `runs` runs in a row. */
  least(mix: number, lo: number, hi: number, runs: number): Float64Array {
    this.control[RUNS] = runs;
    this.post(mix, lo, hi, LEAST);
    return this.results.slice(0, hi - lo);
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.post(0, 0, 0, EXIT, false);
    await exited;
  }

  private post(mix: number, lo: number, hi: number, mode: number, wait = true): void {
    if (hi - lo > BLOCK_MAX) throw new RangeError(`a block holds at most ${BLOCK_MAX} requests`);
    const c = this.control;
    c[MIX] = mix;
    c[LO] = lo;
    c[HI] = hi;
    c[MODE] = mode;
    Atomics.store(c, STATE, POSTED);
    Atomics.notify(c, STATE);
    if (wait) while (Atomics.load(c, STATE) === POSTED) Atomics.wait(c, STATE, POSTED);
  }
}

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/**
 * The worker's side: answers the main thread's blocks over `mixes` with `answer` until told to stop. Blocks
 * the worker's thread (it has nothing else to do); call it once the engine is built, after telling the
 * main thread it is ready.
 */
export function serveBlocks<R>(data: IsolatedData<unknown>, mixes: readonly (readonly R[])[], answer: (request: R) => unknown): void {
  const c = new Int32Array(data.control);
  const results = new Float64Array(data.results);
  // A request's least CPU is its own thread's: the process's would count the other worker's collector and V8's
  // compiler threads, which ran in whichever request read them (one worker read 1.3–1.6× the other in 3 runs of 6).
  const clock = threadClock();
  for (;;) {
    while (Atomics.load(c, STATE) !== POSTED) Atomics.wait(c, STATE, Atomics.load(c, STATE));
    const mode = c[MODE] as number;
    if (mode === EXIT) {
      clock.close();
      return;
    }
    const requests = mixes[c[MIX] as number] as readonly R[];
    const lo = c[LO] as number;
    const hi = c[HI] as number;
    if (mode === CPU) {
      const start = cpuMicros();
      for (let i = lo; i < hi; i++) answer(requests[i] as R);
      results[0] = cpuMicros() - start;
    } else if (mode === LEAST) {
      const runs = c[RUNS] as number;
      for (let i = lo; i < hi; i++) {
        let least = Infinity;
        for (let run = 0; run < runs; run++) {
          const start = ownMicros(clock);
          answer(requests[i] as R);
          least = Math.min(least, ownMicros(clock) - start);
        }
        results[i - lo] = least;
      }
    } else {
      for (let i = lo; i < hi; i++) {
        const start = process.hrtime.bigint();
        answer(requests[i] as R);
        results[i - lo] = Number(process.hrtime.bigint() - start) / 1000;
      }
    }
    Atomics.store(c, STATE, DONE);
    Atomics.notify(c, STATE);
  }
}
