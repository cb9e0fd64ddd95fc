import type { Logger } from 'pino';

export interface StopSteps {
  /** The first SIGTERM or SIGINT: the graceful stop, its drain period first. */
  readonly stop: (signal: NodeJS.Signals) => void;
  /** The second: its sender will not wait the period out, but the requests in flight still finish. */
  readonly endDrainPeriod: (reason: string) => void;
  readonly log: Logger;
}

/**
 * SIGTERM and SIGINT, escalating, for the processes that drain (`cinedex serve`, its cluster primary, `cinedex edge`):
 * the first drains, the second ends the drain period at once, the third exits at once with code 1. Node's default for
 * a second signal would cut the requests in flight; and a request that never finishes (a client that stops reading)
 * would keep a process whose period was ended up with no way out short of SIGKILL: the third is that way out.
 */
export function escalateStopSignals(steps: StopSteps): void {
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) steps.stop(signal);
    else if (signals === 2) steps.endDrainPeriod(`second ${signal}`);
    else {
      steps.log.warn({ signal }, 'third signal: exiting now, without waiting for the requests in flight');
      process.exit(1);
    }
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
