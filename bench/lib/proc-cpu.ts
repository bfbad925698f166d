// CPU time read from /proc (Linux), for "how busy was each process while it ran".
import { readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ on Linux

/** User + system CPU seconds of process `pid` (all its threads), or null when unknown. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    // utime, stime: fields 14 and 15 of the file, 11 and 12 after the ")".
    return (f[11]! + f[12]!) / TICK;
  } catch {
    return null;
  }
}

/** Busy CPU seconds of the whole machine (all cores), or null when unknown. */
export function machineBusySeconds(): number | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return ((cpu[0] ?? 0) + (cpu[1] ?? 0) + (cpu[2] ?? 0) + (cpu[5] ?? 0) + (cpu[6] ?? 0) + (cpu[7] ?? 0)) / TICK;
  } catch {
    return null;
  }
}

/**
 * Nanoseconds the main thread of `pid` has spent running on a CPU and waiting in a run queue for
 * one (runnable but not running: the CPU was busy with something else), or null when unknown.
 */
export function mainThreadSchedstat(pid: number): { runNs: number; waitNs: number } | null {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    return run === undefined || wait === undefined ? null : { runNs: run, waitNs: wait };
  } catch {
    return null;
  }
}

/** Write-type system calls (write, writev, pwrite…) process `pid` has made, or null when unknown. */
export function writeSyscalls(pid: number): number | null {
  try {
    const match = /^syscw:\s*(\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}
