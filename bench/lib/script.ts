/** How a scenario's main.ts runs alone: `node dist/bench/<scenario>/main.js` prints its section. */
import { pathToFileURL } from 'node:url';

/** Whether the module at `moduleUrl` is the script node was started with, rather than imported. */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
}

/** When `moduleUrl` is the script node runs, runs `scenario` and prints what it returns; a failure is printed and exits 1. */
export function runIfMain(moduleUrl: string, scenario: () => Promise<string>): void {
  if (!isMain(moduleUrl)) return;
  scenario().then(
    (text) => console.log(text),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
