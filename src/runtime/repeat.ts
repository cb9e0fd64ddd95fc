/**
 * Runs `task` every `intervalSeconds`, never overlapping: the next run is scheduled when the last
 * one settles. 0 or less means never. Timers are unref'd so they never keep a process alive.
 */
export function repeatEvery(intervalSeconds: number, task: () => Promise<unknown>): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = intervalSeconds <= 0;
  const tick = () => {
    void task().finally(() => {
      if (!stopped) timer = setTimeout(tick, intervalSeconds * 1000).unref();
    });
  };
  if (!stopped) timer = setTimeout(tick, intervalSeconds * 1000).unref();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
