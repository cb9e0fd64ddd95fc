import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from '../../test/support/paths.js';

/** What each query of the hand-labelled set exercises; a fixed vocabulary so results can be broken down by it. */
export const TITLE_KINDS = [
  'typo',
  'transposition',
  'missing-letter',
  'extra-letter',
  'prefix',
  'word-order',
  'accents',
  'cast-title',
  'cast-only',
  'sequel-number',
  'exact-title',
  'multi-typo',
  'punctuation',
  'numbers',
] as const;
/** What each query of set (a), titles typed the way people type (issue 18), exercises. */
export const TYPED_KINDS = ['joined', 'split', 'other-number', 'wrong-word'] as const;
export const QUERY_KINDS = [...TITLE_KINDS, ...TYPED_KINDS] as const;
/** The plot set's one kind (plot-queries.json): what a film is about, not its title. */
export const PLOT_KINDS = ['plot'] as const;
export type QueryKind = (typeof QUERY_KINDS)[number] | (typeof PLOT_KINDS)[number];

/** A movie as the seed names it: title exactly as spelled there, and year. */
export interface MovieRef {
  readonly title: string;
  readonly year: number;
}

export interface RelevanceQuery {
  readonly q: string;
  readonly expect: MovieRef;
  /** 1: must come first; 3: must be in the top 3. */
  readonly within: 1 | 3;
  readonly kind: QueryKind;
  /** Why a person typing `q` means that movie. */
  readonly why: string;
}

export const relevanceSetFile = resolve(repoRoot, 'bench/relevance/queries.json');
/** Set (a): known-item queries typed the way people type them: words joined or split, numbers spelled otherwise, one wrong word. */
export const typedSetFile = resolve(repoRoot, 'bench/relevance/typed-queries.json');
export const plotSetFile = resolve(repoRoot, 'bench/relevance/plot-queries.json');

export class RelevanceSetError extends Error {
  readonly code = 'RELEVANCE_SET_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'RelevanceSetError';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function parseEntry(raw: unknown, at: string, kinds: readonly QueryKind[]): RelevanceQuery {
  if (!isObject(raw)) throw new RelevanceSetError(`${at} must be an object`);
  const { q, expect, within, kind, why } = raw;
  if (!nonEmptyString(q)) throw new RelevanceSetError(`${at}.q must be a non-empty string`);
  if (!isObject(expect) || !nonEmptyString(expect.title) || !Number.isInteger(expect.year))
    throw new RelevanceSetError(`${at}.expect must be { title: non-empty string, year: integer }`);
  if (within !== 1 && within !== 3) throw new RelevanceSetError(`${at}.within must be 1 or 3`);
  if (!kinds.includes(kind as QueryKind)) throw new RelevanceSetError(`${at}.kind must be one of ${kinds.join(', ')}`);
  if (!nonEmptyString(why)) throw new RelevanceSetError(`${at}.why must say why a person means that movie`);
  return { q, expect: { title: expect.title, year: expect.year as number }, within, kind: kind as QueryKind, why };
}

/** Checks the shape of every entry and that no query appears twice; throws RelevanceSetError naming the entry. */
export function parseRelevanceSet(json: unknown, kinds: readonly QueryKind[] = QUERY_KINDS): RelevanceQuery[] {
  if (!Array.isArray(json)) throw new RelevanceSetError('the relevance set must be a JSON array');
  const seen = new Set<string>();
  return json.map((raw, i) => {
    const entry = parseEntry(raw, `entry ${i}`, kinds);
    if (seen.has(entry.q)) throw new RelevanceSetError(`entry ${i}: query ${JSON.stringify(entry.q)} appears twice`);
    seen.add(entry.q);
    return entry;
  });
}

export function loadRelevanceSet(file = relevanceSetFile): RelevanceQuery[] {
  return parseRelevanceSet(JSON.parse(readFileSync(file, 'utf8')) as unknown);
}

export function loadPlotSet(file = plotSetFile): RelevanceQuery[] {
  return parseRelevanceSet(JSON.parse(readFileSync(file, 'utf8')) as unknown, PLOT_KINDS);
}
