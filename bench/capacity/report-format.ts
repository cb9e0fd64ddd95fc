/** How numbers and series results read in the report, shared by its sections. */
import { fmt } from '../lib/markdown.js';
import { sustainedStep, type SeriesResult, type Step } from './measure.js';

/** A rate in thousands where that reads better: 15000 → "15k", 2500 → "2.5k", 500 → "500". */
export const k = (n: number): string => (n >= 1000 ? `${fmt(n / 1000, n % 1000 === 0 ? 0 : 1)}k` : fmt(n, 0));
/** A whole number with thousands separators, "n/a" when there is none. */
export const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');

/** The sustained rate as stated: "< lowest rung" when the first step failed, "≥ top" when the ladder ran out. */
export function sustainedCell(r: SeriesResult, ladder: readonly number[]): string {
  if (r.sustained === 0) return `< ${int(ladder[0] ?? 0)}`;
  return `${r.ceilingNotFound ? '≥ ' : ''}${int(r.sustained)}`;
}

/** The lowest failing step above the sustained rate: the one that ended the search. */
export function firstFailure(r: SeriesResult): Step | undefined {
  return r.steps.filter((s) => !s.passed && s.offered > r.sustained).sort((a, b) => a.offered - b.offered)[0];
}

/** Server CPU per request at the sustained rate, µs (NaN when unknown). */
export function cpuAt(r: SeriesResult | undefined): number {
  return (r && sustainedStep(r))?.serverCpuUs ?? NaN;
}
