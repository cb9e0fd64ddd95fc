import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threadClock } from '../lib/thread-cpu.js';

/** Spins until this process has used `us` more µs of CPU. */
function spin(us: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if (used.user + used.system >= us) return;
  }
}

test("the main thread's clock moves over a call of a fraction of a millisecond, and never past the process's", () => {
  const clock = threadClock();
  let stood = 0;
  const samples = 200;
  for (let i = 0; i < samples; i++) {
    const a = clock.read();
    spin(200);
    const b = clock.read();
    const threadUs = (b.threadNs - a.threadNs) / 1000;
    // Read without process.cpuUsage first, the file stands still between a thread's ticks and switches: most deltas are 0.
    if (threadUs === 0) stood++;
    // getrusage counts in µs and this thread is one of the process's: a little slack for the rounding of either.
    assert.ok(threadUs <= b.processUs - a.processUs + 50, `thread ${threadUs} µs, process ${b.processUs - a.processUs} µs`);
  }
  clock.close();
  assert.ok(stood < samples / 10, `${stood} of ${samples} calls of 200 µs of CPU read no main-thread CPU`);
});
