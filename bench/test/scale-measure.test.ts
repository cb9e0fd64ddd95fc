import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { failure } from '../lib/launch.js';
import { MemoryWatch } from '../lib/memory-watch.js';
import type { ProbeReading } from '../lib/peak-rss-probe.js';
import { parseStatus, readMemory } from '../lib/proc.js';
import { scaleMarkdown } from '../scale/report.js';
import { scaleSettings } from '../scale/settings.js';
import { catalogueBytes } from '../scale/store-bytes.js';
import { repoRoot } from '../../test/support/paths.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'cinedex-scale-test-'));
}

describe('process memory from /proc', () => {
  test('VmRSS and VmHWM are read in kB; a status without them (a zombie) gives nothing', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t7\n';
    assert.deepEqual(parseStatus(status), { rssBytes: 100 * 2 ** 20, peakRssBytes: 200 * 2 ** 20 });
    assert.equal(parseStatus('Name:\tnode\nState:\tZ (zombie)\nThreads:\t1\n'), undefined);
  });

  test('this process has a resident size and a peak at least as large', () => {
    const memory = readMemory('self');
    assert.ok(memory && memory.rssBytes > 10 * 2 ** 20 && memory.peakRssBytes >= memory.rssBytes, JSON.stringify(memory));
    const watch = new MemoryWatch(process.pid);
    const seen = watch.stop();
    assert.ok(seen.peakRssBytes >= (seen.last?.rssBytes ?? Infinity));
  });

  test('the preloaded probe writes the peak RSS and CPU time of a process that touched 128 MiB', () => {
    const dir = tempDir();
    try {
      const out = join(dir, 'peak');
      const probe = resolve(repoRoot, 'dist/bench/lib/peak-rss-probe.js');
      execFileSync(process.execPath, ['--import', probe, '-e', 'Buffer.alloc(128 * 2 ** 20, 1)'], {
        env: { ...process.env, BENCH_PEAK_RSS_FILE: out },
      });
      const reading = JSON.parse(readFileSync(out, 'utf8')) as ProbeReading;
      assert.ok(reading.peakRssBytes >= 128 * 2 ** 20 && reading.peakRssBytes < 1024 * 2 ** 20, JSON.stringify(reading));
      assert.ok(reading.cpuSeconds > 0 && reading.cpuSeconds < 60, JSON.stringify(reading));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scale report parts', () => {
  test('catalogue/ bytes are summed by the first name under it', () => {
    const store = tempDir();
    try {
      mkdirSync(join(store, 'catalogue/snapshots/part'), { recursive: true });
      mkdirSync(join(store, 'inbox'), { recursive: true });
      writeFileSync(join(store, 'catalogue/current.json'), 'x'.repeat(10));
      writeFileSync(join(store, 'catalogue/snapshots/a'), 'x'.repeat(100));
      writeFileSync(join(store, 'catalogue/snapshots/part/b'), 'x'.repeat(5));
      writeFileSync(join(store, 'inbox/not-counted'), 'x'.repeat(1000));
      const bytes = catalogueBytes(store);
      assert.equal(bytes.bytes, 115);
      assert.equal(bytes.files, 3);
      assert.deepEqual(
        [...bytes.byKind],
        [
          ['current.json', { bytes: 10, files: 1 }],
          ['snapshots', { bytes: 105, files: 2 }],
        ],
      );
    } finally {
      rmSync(store, { recursive: true, force: true });
    }
  });

  test("a failed process is summed up by V8's fatal line when there is one, else by its last line", () => {
    const oom = failure(
      'cinedex seed ended (SIGABRT) after 426.4 s',
      [
        '<--- Last few GCs --->',
        'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
        ' 1: 0xb78db3 node::OOMErrorHandler',
      ].join('\n'),
    );
    assert.equal(
      oom.message.split('\n')[0],
      'cinedex seed ended (SIGABRT) after 426.4 s: FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    );
    assert.equal(oom.code, 'PROCESS_FAILED');
    const plain = failure('cinedex ingest ended (exit code 1)', '{"msg":"starting"}\n{"msg":"the store has no snapshot yet"}\n');
    assert.equal(plain.message.split('\n')[0], 'cinedex ingest ended (exit code 1): {"msg":"the store has no snapshot yet"}');
  });

  test('a size that failed keeps its row, with the reason and as many cells as the header', () => {
    const markdown = scaleMarkdown(
      [{ size: 3_000_000, label: '3,000,000', failed: 'cinedex seed ended with 1 | out of memory' }],
      scaleSettings({}),
    );
    const lines = markdown.split('\n').filter((line) => line.startsWith('|'));
    const cells = (line: string) => line.split(/(?<!\\)\|/).length;
    assert.match(lines[2] as string, /^\| 3,000,000 \| failed: cinedex seed ended with 1 \\\| out of memory \|/);
    assert.equal(cells(lines[2] as string), cells(lines[0] as string));
  });
});
