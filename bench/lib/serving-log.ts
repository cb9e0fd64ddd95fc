/** What `cinedex serve` says of its own start, read from its kept log (LOG_LEVEL=info). */
import { setTimeout as sleep } from 'node:timers/promises';

export interface StartAccount {
  /** ms from the process's start to each step of serve's start, from the "serving" line. */
  readonly startupMs?: Readonly<Record<string, number>>;
  /** The first load's phases, from its "snapshot swapped in" line. */
  readonly phasesMs?: Readonly<Record<string, number>>;
}

type Line = StartAccount & { readonly msg?: string };

/**
 * The "serving" line's and the first load's figures. The lines follow readiness by a tick: a moment's wait
 * for them. A build that logs neither (an older one, through BENCH_CINEDEX_CLI) gives an empty account.
 */
export async function startAccount(output: () => string): Promise<StartAccount> {
  for (let wait = 0; wait < 20; wait++) {
    const logged = output()
      .split('\n')
      .flatMap((line): Line[] => {
        try {
          return [JSON.parse(line) as Line];
        } catch {
          return [];
        }
      });
    if (logged.some((l) => l.msg === 'serving')) {
      return {
        startupMs: logged.find((l) => l.startupMs !== undefined)?.startupMs,
        phasesMs: logged.find((l) => l.phasesMs !== undefined)?.phasesMs,
      };
    }
    await sleep(50);
  }
  return {};
}
