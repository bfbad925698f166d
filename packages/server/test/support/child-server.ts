import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** The repository root: the child runs `packages/server/src/main.ts` from here, as `npm start` would. */
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Every child still running, so a crashing test process never leaves one behind. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A TCP port that was free a moment ago (bind port 0, read it, release it). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The real server CLI in a child process on a fixed port and data directory, so it can be
 * killed with SIGKILL and started again on the same port and the same SQLite file.
 */
export class ChildServer {
  /** How many times the process was started. */
  starts = 0;
  private child: ChildProcess | null = null;
  private exited: Promise<ExitInfo> | null = null;
  private output = '';

  constructor(
    readonly port: number,
    readonly dataDir: string,
    /** More CLI flags, e.g. `--redis-url` and `--sqlite-shared-writer` for one of several nodes. */
    readonly extraArgs: readonly string[] = [],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  get dbFile(): string {
    return join(this.dataDir, 'quickchat.db');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the server and resolves once GET /healthz answers 200 (bounded by `timeoutMs`). */
  async start(timeoutMs = 20_000): Promise<void> {
    if (this.child) throw new Error('child server already running');
    const env = { ...process.env };
    for (const key of Object.keys(env)) {
      if (key.startsWith('QUICKCHAT_') || key === 'PORT' || key === 'HOST' || key === 'NODE_OPTIONS') delete env[key];
    }
    const args = ['--conditions=source', '--import', 'tsx', 'packages/server/src/main.ts'];
    args.push('--port', String(this.port), '--data-dir', this.dataDir, '--allow-no-origin', '--log-level', 'warn', ...this.extraArgs);
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.starts++;
    live.add(child);
    const state: { exit: ExitInfo | null } = { exit: null };
    this.exited = new Promise<ExitInfo>((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        state.exit = { code, signal };
        resolve(state.exit);
      });
    });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString('utf8')).slice(-8000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);

    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (state.exit) {
        this.child = null;
        throw new Error(`server exited during startup (${JSON.stringify(state.exit)}):\n${this.output}`);
      }
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`server not ready within ${timeoutMs} ms:\n${this.output}`);
      }
      try {
        const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(1000) });
        await res.body?.cancel();
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await delay(20); // poll interval of a bounded readiness poll
    }
  }

  /** SIGKILL (no shutdown handler runs) and wait until the process is gone. Idempotent. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
    this.child = null;
  }

  /** Recent stdout/stderr of the child, for failure messages. */
  get recentOutput(): string {
    return this.output;
  }
}
