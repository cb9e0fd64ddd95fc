import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const CGROUP_CPU_MAX = '/sys/fs/cgroup/cpu.max';

/**
 * The cores this process may keep busy: the CPU limit of its container when that is lower than the
 * cores it can see. Node reports the machine's cores even in a pod limited to one CPU, and one
 * worker per machine core would then fight over the limit (and its memory) for nothing. The limit is
 * cgroup v2's `cpu.max` ("<quota> <period>" or "max <period>"); a fraction rounds down, to one at least.
 */
export function usableCores(readCpuMax: () => string = () => readFileSync(CGROUP_CPU_MAX, 'utf8'), cores = availableParallelism()): number {
  let text: string;
  try {
    text = readCpuMax();
  } catch {
    return cores;
  }
  const [quota, period] = text.trim().split(/\s+/);
  const limit = Number(quota) / Number(period);
  if (quota === 'max' || !Number.isFinite(limit) || limit <= 0) return cores;
  return Math.max(1, Math.min(cores, Math.floor(limit)));
}
