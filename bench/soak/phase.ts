/**
 * One measured phase of the soak: the load's answers for its duration, the CPU the cinedex processes
 * used meanwhile (from /proc, see ../lib/cpu.ts), and the other work on the machine.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { mark, serverUse, type CpuMark } from '../lib/cpu.js';
import type { AnswerSink, SteadyLoad } from '../lib/load.js';
import { machineBusyTicks, TICKS_PER_SECOND } from '../lib/proc.js';
import { LatencyLog } from './samples.js';

export interface Failures {
  non2xx: number;
  /** Exchanges that failed at the socket. */
  errors: number;
}

export interface PhaseMeasure {
  readonly name: string;
  /** Epoch ms. */
  readonly start: number;
  readonly end: number;
  readonly log: LatencyLog;
  readonly failures: Failures;
  /** CPU µs per answered request: the primary, the workers. */
  readonly primaryUs: number;
  readonly workersUs: number;
  /** Cores used, over the phase. */
  readonly primaryCores: number;
  readonly workersCores: number;
  /** The load generator (this process). */
  readonly generatorCores: number;
  /**
   * Cores the whole machine was busy (all processes, and time the hypervisor stole), from /proc/stat:
   * unlike per-process counts it includes processes that started and ended within the phase (test runs).
   */
  readonly machineCores: number;
}

/** Answers to `failures` only: between phases nothing is measured, but a failure anywhere counts. */
export function countFailures(failures: Failures): AnswerSink {
  return (_sentAt, _latencyMs, status) => {
    if (status === undefined) failures.errors++;
    else if (status < 200 || status >= 300) failures.non2xx++;
  };
}

export async function measurePhase(
  name: string,
  load: SteadyLoad,
  seconds: number,
  primary: number,
  workers: readonly number[],
  during: () => void = () => {},
): Promise<PhaseMeasure> {
  const log = new LatencyLog();
  const failures: Failures = { non2xx: 0, errors: 0 };
  const count = countFailures(failures);
  const marks = (): [CpuMark, CpuMark] => [mark([primary], workers), mark(workers, [primary])];
  const [primaryBefore, workersBefore] = marks();
  const cpuBefore = process.cpuUsage();
  const machineBefore = machineBusyTicks();
  const start = Date.now();
  load.measureInto((sentAt, latencyMs, status) => {
    count(sentAt, latencyMs, status);
    if (status !== undefined) log.push(sentAt, latencyMs);
  });
  during();
  await sleep(seconds * 1000);
  const end = Date.now();
  load.measureInto(count);
  const cpu = process.cpuUsage(cpuBefore);
  const machineAfter = machineBusyTicks();
  const [primaryAfter, workersAfter] = marks();
  const primaryUse = serverUse(primaryBefore, primaryAfter, log.length);
  const workersUse = serverUse(workersBefore, workersAfter, log.length);
  return {
    name,
    start,
    end,
    log,
    failures,
    primaryUs: primaryUse.cpuUs,
    workersUs: workersUse.cpuUs,
    primaryCores: primaryUse.core,
    workersCores: workersUse.core,
    generatorCores: (cpu.user + cpu.system) / 1000 / (end - start),
    machineCores: (machineAfter - machineBefore) / TICKS_PER_SECOND / ((end - start) / 1000),
  };
}
