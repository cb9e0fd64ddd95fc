/**
 * Several engines (versions, builds; each in a worker of its own, lib/isolated-engine.ts) answering one
 * mix in the same process, interleaved block by block, so that they share the machine's noise: a burst
 * of another process's work, a collection, a frequency step lands on all of them within a few
 * milliseconds instead of on whichever ran then. Each round gives every engine its CPU µs per query
 * (process.cpuUsage over its blocks, the least of RUNS runs of each, no clock read per call) and, in a
 * second pass, its wall time per call; a ratio is taken within a round, and the rounds' ratios say how
 * far one round's reading strays from the next: the spread a difference must clear.
 */
import type { BlockTimer } from './isolated-engine.js';
import { prng } from './random.js';
import { median, percentile } from './stats.js';

/** One round's reading of one engine. */
export interface RoundReading {
  /** CPU µs per query, user and system, over the engine's blocks. */
  readonly cpu: number;
  /** Wall µs per call, nearest-rank. */
  readonly p50: number;
  readonly p99: number;
}

/** Requests per block: a few hundred µs of work even for the cheapest mix, so cpuUsage's own cost (~1 µs) stays small against it. */
const BLOCK = 50;

/**
 * Runs of each block per engine; the least counts. On this VM a thread's CPU time goes on while the
 * hypervisor has its core elsewhere (steal: one reading of cpuUsage in a tight loop jumps by up to 70 ms),
 * and a collection started by another block's allocations may land in it: either costs more, never less,
 * so the least of a few runs is the block's own cost (as search/afresh.ts takes per query).
 */
const RUNS = 3;

/**
 * The engines' order for one turn, shuffled: an engine runs after the one before it in the turn, whose
 * data then fills the caches; in a fixed rotation one engine would always follow the same other (measured:
 * the seed timed twice read 0.94–0.96× itself, the second always after the first), shuffled each is
 * followed by every other alike.
 */
function shuffled(order: number[], random: () => number): number[] {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/**
 * `rounds` readings of each engine over mix `mix` of `size` requests: per round, a CPU pass (each block RUNS
 * times, the least counting) then a wall pass (once), each taking the mix a block at a time and running the
 * block through every engine in turn, in an order shuffled each turn. Result[round][engine].
 */
export function interleavedRounds(mix: number, size: number, engines: readonly BlockTimer[], rounds: number): RoundReading[][] {
  const n = engines.length;
  const random = prng(7);
  const order = engines.map((_, e) => e);
  const readings: RoundReading[][] = [];
  for (let round = 0; round < rounds; round++) {
    const cpu = new Array<number>(n).fill(0);
    const least = new Array<number>(n);
    for (let lo = 0; lo < size; lo += BLOCK) {
      const hi = Math.min(size, lo + BLOCK);
      least.fill(Infinity);
      for (let run = 0; run < RUNS; run++) {
        for (const e of shuffled(order, random)) least[e] = Math.min(least[e] as number, (engines[e] as BlockTimer).cpu(mix, lo, hi));
      }
      for (let e = 0; e < n; e++) cpu[e] = (cpu[e] as number) + (least[e] as number);
    }
    const wall: number[][] = engines.map(() => []);
    for (let lo = 0; lo < size; lo += BLOCK) {
      const hi = Math.min(size, lo + BLOCK);
      for (const e of shuffled(order, random)) (wall[e] as number[]).push(...(engines[e] as BlockTimer).wall(mix, lo, hi));
    }
    readings.push(
      engines.map((_, e) => {
        const samples = (wall[e] as number[]).sort((a, b) => a - b);
        return { cpu: (cpu[e] as number) / size, p50: percentile(samples, 50), p99: percentile(samples, 99) };
      }),
    );
  }
  return readings;
}

/** A statistic over the rounds: its median, and the lowest and highest round. */
export interface Spread {
  readonly median: number;
  readonly low: number;
  readonly high: number;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), low: Math.min(...values), high: Math.max(...values) };
}

/** Engine `e`'s reading against engine `against`'s in the same round, over the rounds. */
export function ratioSpread(readings: readonly RoundReading[][], e: number, against: number, of: (r: RoundReading) => number): Spread {
  return spread(readings.map((round) => of(round[e] as RoundReading) / of(round[against] as RoundReading)));
}

/** Engine `e`'s reading over the rounds (their median, lowest and highest). */
export function readingSpread(readings: readonly RoundReading[][], e: number, of: (r: RoundReading) => number): Spread {
  return spread(readings.map((round) => of(round[e] as RoundReading)));
}
