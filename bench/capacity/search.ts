/**
 * The search for the sustained rate, as pure functions of the steps tried so far, so that the
 * order of rates offered and the answer can be tested without starting a server.
 */
import type { OpenLoopResult } from './open-loop.js';

export interface Tried {
  readonly rate: number;
  readonly ok: boolean;
}

/**
 * The next rate to offer: up the ladder until a step fails, then `refineSteps` bisections between the
 * highest passing rate below the lowest failure and that failure (rounded to about 4 % of the failing
 * rate); undefined when done.
 */
export function nextRate(ladder: readonly number[], tried: readonly Tried[], refineSteps: number): number | undefined {
  const failures = tried.filter((t) => !t.ok).map((t) => t.rate);
  if (failures.length === 0) {
    const highest = Math.max(0, ...tried.map((t) => t.rate));
    return ladder.find((r) => r > highest);
  }
  const firstFailure = tried.findIndex((t) => !t.ok);
  if (tried.length - 1 - firstFailure >= refineSteps) return undefined;
  const fail = Math.min(...failures);
  const pass = sustainedRate(tried);
  if (pass === 0) return undefined;
  const grain = roundStep(fail * 0.04);
  const mid = Math.round((pass + fail) / 2 / grain) * grain;
  return mid > pass && mid < fail ? mid : undefined;
}

/** The largest 1 or 5 × 10^n not above `value` (at least 1): bisected rates stay round, and finer at low rates. */
export function roundStep(value: number): number {
  if (!(value >= 1)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return (value >= 5 * magnitude ? 5 : 1) * magnitude;
}

/**
 * A step that failed on latency alone: the rate was delivered, nothing failed, it was not stopped. One
 * stall of the machine does that as well as a server at its knee, so it is worth measuring again;
 * a server that cannot keep up on average is not.
 */
export function latencyOnlyFailure(r: OpenLoopResult, minAchievedRatio = 0.98): boolean {
  return !r.aborted && r.achieved >= minAchievedRatio * r.offered && r.errors + r.non2xx + r.timeouts === 0;
}

/** The highest passing rate below the lowest failing one (0 when the first step failed). */
export function sustainedRate(tried: readonly Tried[]): number {
  const failures = tried.filter((t) => !t.ok).map((t) => t.rate);
  const fail = failures.length === 0 ? Infinity : Math.min(...failures);
  return Math.max(0, ...tried.filter((t) => t.ok && t.rate < fail).map((t) => t.rate));
}
