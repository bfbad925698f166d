import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A server running in a child process. */
export interface ChildServer {
  port: number;
  pid: number;
  /** SIGTERM, wait for a clean exit (so `--cpu-prof` can write its file), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const live = new Set<ChildProcess>();
let guarded = false;

/** Whatever happens to this process, its children die with it. Installed on first use. */
function guardChildren(): void {
  if (guarded) return;
  guarded = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of live) child.kill('SIGKILL');
      process.exit(130);
    });
  }
}

/** Makes `child` die with this process, whatever ends it; returns it. */
export function trackChild<C extends ChildProcess>(child: C): C {
  guardChildren();
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/**
 * Runs `bench/<script>` (TypeScript, via tsx) in a child process and resolves once it printed
 * `PORT <n>`. Other stdout lines are passed through to stderr, prefixed with `label`.
 */
export function startChild(script: string, options: { label: string; nodeArgs?: string[]; args?: string[]; startTimeoutMs?: number }): Promise<ChildServer> {
  const file = fileURLToPath(new URL(`../${script}`, import.meta.url));
  const tsx = import.meta.resolve('tsx');
  const argv = [...(options.nodeArgs ?? []), '--conditions=source', '--import', tsx, file, ...(options.args ?? [])];
  const child = trackChild(spawn(process.execPath, argv, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] }));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (graceMs = 15_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop(0);
      reject(new Error(`${options.label}: no port within ${options.startTimeoutMs ?? 30_000} ms`));
    }, options.startTimeoutMs ?? 30_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.label} exited before listening (code ${code}, signal ${signal})`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^PORT (\d+)$/.exec(line);
      if (!match) return void process.stderr.write(`[${options.label}] ${line}\n`);
      clearTimeout(timer);
      resolve({ port: Number(match[1]), pid: child.pid!, stop });
    });
  });
}
