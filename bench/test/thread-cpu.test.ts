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

test("the main thread's clock moves over a call of a fraction of a millisecond, and keeps to the process's", () => {
  const clock = threadClock();
  let stood = 0;
  let threadTotal = 0;
  let processTotal = 0;
  const samples = 200;
  for (let i = 0; i < samples; i++) {
    const a = clock.read();
    spin(200);
    const b = clock.read();
    const threadUs = (b.threadNs - a.threadNs) / 1000;
    // Read without process.cpuUsage first, the file stands still between a thread's ticks and switches: most deltas are 0.
    if (threadUs === 0) stood++;
    threadTotal += threadUs;
    processTotal += b.processUs - a.processUs;
  }
  clock.close();
  assert.ok(stood < samples / 10, `${stood} of ${samples} calls of 200 µs of CPU read no main-thread CPU`);
  // Compared over the whole run, not per call: getrusage's figure is the scheduler's, adjusted to stay monotonic, and
  // on a loaded machine one call's thread time read 274 µs against the process's 215, another 3.6 ms against 220.
  // The spinning thread is one of the process's threads and nearly all of its work.
  assert.ok(threadTotal <= processTotal + 10_000, `thread ${threadTotal} µs over the run, process ${processTotal} µs`);
  assert.ok(threadTotal >= processTotal / 2, `thread ${threadTotal} µs over the run, process ${processTotal} µs`);
});
