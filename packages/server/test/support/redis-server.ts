import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { findFreePort } from './child-server.js';

/** Every redis-server still running, so a crashing test process never leaves one behind. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Why Redis tests can't run here, or null when they can: they start their own `redis-server`
 * (Debian's `redis-server` package; CI installs it), and report themselves skipped without one.
 */
export function redisMissing(): string | null {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return 'redis-server is not installed (apt-get install redis-server); this needs a real one';
  return null;
}

/**
 * A real `redis-server` for one test file, on a free loopback port, with no persistence (a bus
 * keeps nothing worth saving). It can be killed and started again on the same port, as a Redis
 * restart looks to the nodes that use it.
 */
export class RedisServer {
  private child: ChildProcess | null = null;
  private exited: Promise<void> | null = null;
  private output = '';

  private constructor(readonly port: number) {}

  /** Starts one on a free port and resolves once it answers PING. */
  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await findFreePort());
    await server.restart();
    return server;
  }

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The running process's id (for CPU accounting and pinning in benchmarks). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts it (again) on the same port; resolves once it answers PING (bounded by `timeoutMs`). */
  async restart(timeoutMs = 10_000): Promise<void> {
    if (this.child) throw new Error('redis-server already running');
    const args = ['--bind', '127.0.0.1', '--port', String(this.port), '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    live.add(child);
    let gone = false;
    this.exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        gone = true;
        live.delete(child);
        resolve();
      }),
    );
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString('utf8')).slice(-4000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (gone) {
        this.child = null;
        throw new Error(`redis-server exited during startup:\n${this.output}`);
      }
      if (await answersPing(this.port)) return;
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`redis-server not ready within ${timeoutMs} ms:\n${this.output}`);
      }
      await delay(20); // poll interval of a bounded readiness poll
    }
  }

  /** SIGKILL (nothing is saved) and wait until the process is gone. Idempotent. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
    this.child = null;
  }
}

/** Whether something on `port` answers a RESP `PING` with `+PONG`. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
