import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seriesSpecs } from '../capacity/series.js';
import { CAPACITY_VARIABLES, SERIES_KEYS, settingsFromEnv } from '../capacity/settings.js';
import { BENCH_HOST } from '../lib/host.js';
import { CINEDEX_CLI } from '../lib/servers.js';
import {
  BenchSettingError,
  existingDirectory,
  existingFile,
  flag,
  list,
  number,
  oneOf,
  optionalSetting,
  setting,
  variablesTable,
  type Setting,
} from '../lib/settings.js';
import { SCALE_VARIABLES, scaleSettings } from '../scale/settings.js';
import { RUN_VARIABLES } from '../settings.js';
import { SOAK_VARIABLES, soakSettings } from '../soak/settings.js';

/** Every variable the benchmarks read. */
const ALL: readonly Setting<unknown>[] = [
  ...RUN_VARIABLES,
  CINEDEX_CLI,
  BENCH_HOST,
  ...SCALE_VARIABLES,
  ...SOAK_VARIABLES,
  ...CAPACITY_VARIABLES,
];
/** The ones whose value is free text (a path to write, node flags): any text is a value. */
const FREE_TEXT = new Set(['SOAK_LOG_FILE', 'SOAK_RECORD', 'SOAK_NODE_ARGS']);

/** The error reading `env` gives, which the test expects to be one. */
function refusal(read: () => unknown): BenchSettingError {
  try {
    read();
  } catch (error) {
    assert.ok(error instanceof BenchSettingError, `a BenchSettingError, not ${String(error)}`);
    return error;
  }
  assert.fail('the value was accepted');
}

describe('the settings parser', () => {
  test('numbers: decimal only, within their bounds; underscores group digits', () => {
    const seconds = number({ min: 0 });
    assert.deepEqual(
      ['0', '2.5', '.5', '10', '1_000'].map((t) => seconds.parse(t)),
      [0, 2.5, 0.5, 10, 1000],
    );
    for (const bad of ['', 'ten', '-1', '1e3', '0x10', 'Infinity', 'NaN', '5s', '1,5']) assert.equal(seconds.parse(bad), undefined, bad);
    const count = number({ integer: true, min: 1 });
    assert.equal(count.parse('8'), 8);
    for (const bad of ['0', '2.5']) assert.equal(count.parse(bad), undefined, bad);
    const share = number({ above: 0, max: 1 });
    assert.deepEqual(
      ['0.01', '1'].map((t) => share.parse(t)),
      [0.01, 1],
    );
    for (const bad of ['0', '1.5']) assert.equal(share.parse(bad), undefined, bad);
    assert.equal(share.expected, 'a number above 0 and at most 1');
  });

  test('flags are 1 or 0; choices are exact; lists skip empty items and refuse a bad one', () => {
    assert.deepEqual(
      ['1', '0', 'true', 'yes'].map((t) => flag.parse(t)),
      [true, false, undefined, undefined],
    );
    const kind = oneOf(['net', 'http'] as const);
    assert.deepEqual(
      ['net', 'http', 'NET', 'tcp'].map((t) => kind.parse(t)),
      ['net', 'http', undefined, undefined],
    );
    const rates = list(number({ above: 0 }));
    assert.deepEqual(rates.parse('1000, 2000,,3000'), [1000, 2000, 3000]);
    assert.equal(rates.parse('1000,lots'), undefined);
    assert.equal(rates.parse(' , '), undefined, 'at least one item');
  });

  test('paths that must exist are checked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cinedex-settings-test-'));
    try {
      const file = join(dir, 'main.js');
      writeFileSync(file, '');
      assert.equal(existingFile.parse(file), file);
      assert.equal(existingFile.parse(dir), undefined, 'a directory is not a file');
      assert.equal(existingFile.parse(join(dir, 'missing.js')), undefined);
      assert.equal(existingDirectory.parse(dir), dir);
      assert.equal(existingDirectory.parse(file), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a variable reads its default when unset or empty, its value when set, and refuses junk by name', () => {
    const rounds = setting('X_ROUNDS', number({ integer: true, min: 1 }), '3', 'rounds');
    assert.equal(rounds.read({}), 3);
    assert.equal(rounds.read({ X_ROUNDS: '' }), 3);
    assert.equal(rounds.read({ X_ROUNDS: ' 7 ' }), 7);
    const error = refusal(() => rounds.read({ X_ROUNDS: 'three' }));
    assert.equal(error.message, 'X_ROUNDS must be a whole number of at least 1, not "three"');
    assert.equal(error.variable, 'X_ROUNDS');
    assert.equal(error.code, 'BENCH_SETTING_INVALID');
    const dir = optionalSetting('X_DIR', existingDirectory, 'unset: the temp dir', 'where');
    assert.equal(dir.read({}), undefined);
    assert.throws(() => setting('X_BAD', flag, 'yes', 'a default the parser refuses'), /X_BAD must be 1 or 0, not "yes"/);
  });

  test('every variable of every scenario refuses junk, naming itself, and never reads it as NaN', () => {
    assert.ok(ALL.length >= 40, `${ALL.length} variables`);
    assert.equal(new Set(ALL.map((s) => s.name)).size, ALL.length, 'each variable is declared once');
    for (const s of ALL) {
      assert.match(s.name, /^(BENCH|CAPACITY|SOAK)_[A-Z0-9_]+$/);
      if (FREE_TEXT.has(s.name)) continue;
      for (const junk of ['junk', 'NaN', '-1x'])
        assert.equal(refusal(() => s.read({ [s.name]: junk })).variable, s.name, `${s.name}=${junk}`);
    }
  });
});

describe('scenario settings', () => {
  test('CAPACITY_* variables are read into a frozen value; unset or empty ones take the defaults', () => {
    const s = settingsFromEnv({
      CAPACITY_STEP_SECONDS: '1',
      CAPACITY_SLO_MS: '',
      CAPACITY_RATES: '1000,3000',
      CAPACITY_SERIES: 'api,,raw',
      CAPACITY_TRANSPORT: 'http',
    });
    assert.deepEqual(s, {
      stepSeconds: 1,
      warmupSeconds: 3,
      warmupRate: 3000,
      refineSteps: 2,
      maxSockets: 128,
      sloMs: 5,
      disturbedCores: 0.12,
      retries: 3,
      ladder: [1000, 3000],
      transport: 'http',
      series: ['api', 'raw'],
    });
    assert.ok(Object.isFrozen(s));
    assert.equal(settingsFromEnv({}).series, undefined, 'no CAPACITY_SERIES runs every series');
    assert.equal(settingsFromEnv({}).ladder.length, 12);
  });

  test('CAPACITY_SERIES takes exactly the keys of the series there are, in the order they run', () => {
    assert.deepEqual(
      seriesSpecs([]).map((spec) => spec.key),
      [...SERIES_KEYS],
    );
  });

  test('a typo in a capacity variable is an error naming it, where it used to become NaN or an empty run', () => {
    assert.throws(
      () => settingsFromEnv({ CAPACITY_STEP_SECONDS: 'four' }),
      /^BenchSettingError: CAPACITY_STEP_SECONDS must be a number above 0, not "four"$/,
    );
    assert.throws(
      () => settingsFromEnv({ CAPACITY_RATES: '1000,2k' }),
      /CAPACITY_RATES must be a comma-separated list, each a number above 0/,
    );
    assert.throws(
      () => settingsFromEnv({ CAPACITY_SERIES: 'api,nginx' }),
      /CAPACITY_SERIES must be .*one of api, api-br, api-cold, edge-hit, nginx-hit, edge-miss, replay, raw/,
    );
    assert.throws(() => settingsFromEnv({ CAPACITY_TRANSPORT: 'tcp' }), /CAPACITY_TRANSPORT must be one of net, http, not "tcp"/);
  });

  test('BENCH_SCALE_* variables, with defaults; a bad value is refused', () => {
    const settings = scaleSettings({ BENCH_SCALE_SIZES: 'seed,1000', BENCH_SCALE_QUERY_SECONDS: '4' });
    assert.deepEqual(settings.sizes, ['seed', 1000]);
    assert.equal(settings.querySeconds, 4);
    assert.equal(settings.updateShare, 0.01);
    assert.deepEqual(scaleSettings({}).sizes, ['seed', '2023', 1_000_000, 3_000_000]);
    assert.equal(scaleSettings({ BENCH_SCALE_PIN: '1' }).pin, true);
    assert.throws(() => scaleSettings({ BENCH_SCALE_UPDATE_SHARE: '2' }), /BENCH_SCALE_UPDATE_SHARE/);
    assert.throws(() => scaleSettings({ BENCH_SCALE_SETTLE_SECONDS: 'soon' }), /BENCH_SCALE_SETTLE_SECONDS/);
    assert.throws(() => scaleSettings({ BENCH_SCALE_SIZES: 'seed,3M' }), /BENCH_SCALE_SIZES/);
    assert.throws(() => scaleSettings({ BENCH_SCALE_PIN: 'yes' }), /BENCH_SCALE_PIN must be 1 or 0/);
  });

  test('SOAK_* variables: the swapping phase lasts SOAK_MINUTES unless told in seconds; junk is refused', () => {
    assert.equal(soakSettings({}).swappingSeconds, 60);
    assert.equal(soakSettings({ SOAK_MINUTES: '10' }).swappingSeconds, 600);
    assert.equal(soakSettings({ SOAK_MINUTES: '10', SOAK_SWAPPING_SECONDS: '20' }).swappingSeconds, 20);
    assert.deepEqual(soakSettings({ SOAK_NODE_ARGS: ' --trace-gc  --cpu-prof ' }).nodeArgs, ['--trace-gc', '--cpu-prof']);
    assert.throws(() => soakSettings({ SOAK_CONNECTIONS: '2.5' }), /SOAK_CONNECTIONS/);
    assert.throws(() => soakSettings({ SOAK_MINUTES: 'ten' }), /SOAK_MINUTES/);
    assert.throws(() => soakSettings({ SOAK_MINUTES: 'ten', SOAK_SWAPPING_SECONDS: '20' }), /SOAK_MINUTES/);
  });

  test('the README table of a group lists each variable with its default and meaning', () => {
    const rounds = setting('X_ROUNDS', number({ integer: true, min: 1 }), '3', 'rounds of it');
    assert.equal(variablesTable([rounds]), '| variable | default | meaning |\n| --- | --- | --- |\n| `X_ROUNDS` | 3 | rounds of it |');
  });
});
