/**
 * A run's measurements on disk, so the report can be rendered again without measuring (`--from`):
 * measuring takes many minutes, rewording the report should not.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SeriesResult } from './measure.js';
import type { Settings } from './settings.js';

export interface SavedRun {
  /** Cores, CPU model, memory, Node version and platform, as the report states them. */
  readonly machine: string;
  /** The day it ran, YYYY-MM-DD. */
  readonly date: string;
  readonly minutes: number;
  /** What the run was measured with; the report states these, not the renderer's environment. */
  readonly settings: Settings;
  readonly results: readonly SeriesResult[];
}

/** Where the last run is kept. */
export const lastRunFile = join(tmpdir(), 'cinedex-capacity-run.json');

export function saveRun(run: SavedRun, file = lastRunFile): void {
  writeFileSync(file, JSON.stringify(run));
}

/**
 * A saved run. A run saved before a setting existed renders with `current`'s value for it (the
 * environment's or the default), which is what an older report would have said.
 */
export function loadRun(file: string, current: Settings): SavedRun {
  const run = JSON.parse(readFileSync(file, 'utf8')) as SavedRun;
  return { ...run, settings: Object.freeze({ ...current, ...run.settings }) };
}
