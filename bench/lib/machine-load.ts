import { readFileSync } from 'node:fs';

/** CPU time in seconds: the whole machine's busy time, and this process plus its reaped children. */
interface CpuSnapshot {
  machineBusy: number;
  ours: number;
  at: number;
}

const TICK = 100; // USER_HZ on Linux

function snapshot(): CpuSnapshot | null {
  try {
    // cpu  user nice system idle iowait irq softirq steal ...
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const busy = (cpu[0] ?? 0) + (cpu[1] ?? 0) + (cpu[2] ?? 0) + (cpu[5] ?? 0) + (cpu[6] ?? 0) + (cpu[7] ?? 0);
    // Fields after the ")" of /proc/self/stat: utime stime cutime cstime are 12-15 (0-based 11-14).
    const self = readFileSync('/proc/self/stat', 'utf8');
    const f = self.slice(self.lastIndexOf(')') + 2).split(' ').map(Number);
    const ours = (f[11]! + f[12]! + f[13]! + f[14]!) / TICK;
    return { machineBusy: busy / TICK, ours, at: performance.now() };
  } catch {
    return null; // not Linux
  }
}

/**
 * Measures how much CPU other processes took while the benchmarks ran: machine busy time minus
 * ours (this process and its children, which have all exited by `stop`). Linux only.
 */
export function watchOtherLoad(): { stop(): number | null } {
  const start = snapshot();
  return {
    /** Average CPUs used by other processes during the run, or null if unknown. */
    stop() {
      const end = snapshot();
      if (!start || !end) return null;
      const seconds = (end.at - start.at) / 1000;
      const others = end.machineBusy - start.machineBusy - (end.ours - start.ours);
      return Math.max(0, Math.round((others / seconds) * 100) / 100);
    },
  };
}
