/**
 * What the tests and the benchmarks both need to know about OS processes: how to pin one to a core
 * (taskset, from util-linux) and which processes a process started, from Linux /proc.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** taskset, where Debian's util-linux puts it; undefined on a machine without it. */
export const taskset: string | undefined = existsSync('/usr/bin/taskset') ? '/usr/bin/taskset' : undefined;

/** taskset, or an error saying where it was looked for: pinning that was asked for must happen. */
export function requireTaskset(): string {
  if (taskset === undefined) throw new Error("taskset not found at /usr/bin/taskset: install Debian's util-linux, which has it");
  return taskset;
}

/** `command args` run on the CPUs of `cores` (a taskset list: "0", "0-1"): taskset execs it, so the pid is the command's. */
export function onCores(cores: string, command: string, args: readonly string[]): [string, string[]] {
  return [requireTaskset(), ['-c', cores, command, ...args]];
}

/** The children of `parent` with their command lines (nginx names its processes there), from /proc; empty without it. */
export function childProcesses(parent: number): { readonly pid: number; readonly cmdline: string }[] {
  if (!existsSync('/proc')) return [];
  const children: { pid: number; cmdline: string }[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      // The command name, in parentheses, may hold spaces: the fields after it are space-separated, ppid second.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parent) continue;
      const cmdline = commandLine(pid);
      if (cmdline !== undefined) children.push({ pid, cmdline });
    } catch {
      // exited while being read
    }
  }
  return children.sort((a, b) => a.pid - b.pid);
}

/** A process's command line, its arguments joined by spaces; undefined once it is gone. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return undefined;
  }
}

/** The cores a process may run on, from /proc (e.g. "0" or "0-1"); undefined once it is gone. */
export function allowedCores(pid: number): string | undefined {
  try {
    return /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}
