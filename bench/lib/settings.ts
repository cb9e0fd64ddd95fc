/**
 * The one way the benchmarks read their environment variables (BENCH_*, CAPACITY_*, SOAK_*): each
 * variable is declared once, with its default and meaning (bench/README.md's tables are these
 * declarations, checked by bench/test/readme.test.ts), and read through a parser that refuses what it
 * cannot read. A typo is an error naming the variable before anything is measured, never a NaN in a table.
 *
 * An empty value counts as unset.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** A value a benchmark cannot use: says which variable, what it must be, and what it was. */
export class BenchSettingError extends Error {
  readonly code = 'BENCH_SETTING_INVALID';

  constructor(
    readonly variable: string,
    readonly value: string,
    expected: string,
  ) {
    super(`${variable} must be ${expected}, not ${JSON.stringify(value)}`);
    this.name = 'BenchSettingError';
  }
}

/** Reads one variable's text: its value, or undefined when the text is not one; `expected` says what would be. */
export interface Parser<T> {
  readonly expected: string;
  parse(text: string): T | undefined;
}

/** One variable: its name, its default as the README states it, what it means, and how it is read. */
export interface Setting<T> {
  readonly name: string;
  readonly defaultText: string;
  readonly meaning: string;
  read(env?: NodeJS.ProcessEnv): T;
}

function given(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

function parseOrThrow<T>(name: string, parser: Parser<T>, text: string): T {
  const value = parser.parse(text.trim());
  if (value === undefined) throw new BenchSettingError(name, text, parser.expected);
  return value;
}

/** A variable with a default, written as the variable would be: the same parser reads both. */
export function setting<T>(name: string, parser: Parser<T>, defaultText: string, meaning: string): Setting<T> {
  // A default the parser refuses is this file's mistake: it fails as soon as the scenario is loaded.
  const fallback = parseOrThrow(name, parser, defaultText);
  return {
    name,
    defaultText,
    meaning,
    read: (env = process.env) => {
      const raw = given(env, name);
      return raw === undefined ? fallback : parseOrThrow(name, parser, raw);
    },
  };
}

/** A variable without a default: undefined when unset; `unsetText` says what happens then. */
export function optionalSetting<T>(name: string, parser: Parser<T>, unsetText: string, meaning: string): Setting<T | undefined> {
  return {
    name,
    defaultText: unsetText,
    meaning,
    read: (env = process.env) => {
      const raw = given(env, name);
      return raw === undefined ? undefined : parseOrThrow(name, parser, raw);
    },
  };
}

/** A decimal number (no units, no hex, no exponent) within the bounds. */
export function number(bounds: {
  readonly min?: number;
  readonly above?: number;
  readonly max?: number;
  readonly integer?: boolean;
}): Parser<number> {
  const { min, above, max, integer = false } = bounds;
  const limits = [
    min !== undefined ? `of at least ${min}` : undefined,
    above !== undefined ? `above ${above}` : undefined,
    max !== undefined ? `at most ${max}` : undefined,
  ].filter((text): text is string => text !== undefined);
  const pattern = integer ? /^[0-9][0-9_]*$/ : /^[0-9][0-9_]*(\.[0-9]+)?$|^\.[0-9]+$/;
  return {
    expected: `${integer ? 'a whole number' : 'a number'}${limits.length > 0 ? ` ${limits.join(' and ')}` : ''}`,
    parse(text) {
      if (!pattern.test(text)) return undefined;
      const value = Number(text.replace(/_/g, ''));
      if (!Number.isFinite(value)) return undefined;
      if ((min !== undefined && value < min) || (above !== undefined && value <= above) || (max !== undefined && value > max))
        return undefined;
      return value;
    },
  };
}

/** Seconds, 0 or more. */
export const seconds: Parser<number> = { ...number({ min: 0 }), expected: 'a number of seconds, 0 or more' };

/** `1` (on) or `0` (off). */
export const flag: Parser<boolean> = {
  expected: '1 or 0',
  parse: (text) => (text === '1' ? true : text === '0' ? false : undefined),
};

export function oneOf<T extends string>(choices: readonly T[]): Parser<T> {
  return {
    expected: `one of ${choices.join(', ')}`,
    parse: (text) => choices.find((choice) => choice === text),
  };
}

/** Comma-separated items, each read by `item`; empty items are skipped, but at least one must be left. */
export function list<T>(item: Parser<T>): Parser<readonly T[]> {
  return {
    expected: `a comma-separated list, each ${item.expected}`,
    parse(text) {
      const items = text
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '')
        .map((part) => item.parse(part));
      return items.length > 0 && items.every((value) => value !== undefined) ? Object.freeze(items as T[]) : undefined;
    },
  };
}

/** Words separated by spaces, e.g. node flags. */
export const words: Parser<readonly string[]> = {
  expected: 'words separated by spaces',
  parse: (text) => Object.freeze(text.split(/\s+/).filter(Boolean)),
};

/** A path, resolved against the working directory; written to, so it need not exist yet. */
export const filePath: Parser<string> = { expected: 'a path', parse: (text) => resolve(text) };

/** A file that exists, e.g. another build's dist/src/cli/main.js. */
export const existingFile: Parser<string> = {
  expected: 'the path of an existing file',
  parse: (text) => (existsSync(text) && statSync(text).isFile() ? resolve(text) : undefined),
};

/** A directory that exists. */
export const existingDirectory: Parser<string> = {
  expected: 'the path of an existing directory',
  parse: (text) => (existsSync(text) && statSync(text).isDirectory() ? resolve(text) : undefined),
};

/** The variables as bench/README.md lists them: one table per group. */
export function variablesTable(settings: readonly Setting<unknown>[]): string {
  const rows = settings.map((s) => `| \`${s.name}\` | ${s.defaultText} | ${s.meaning} |`);
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
