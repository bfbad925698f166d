// A real `redis-server` (Debian's) for P7, on a free loopback port, without persistence: the
// Redis a multi-node quickchat deployment routes through. Started and stopped by its PID.
import { spawn, spawnSync } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { trackChild } from './child.js';

/** Why P7 cannot run here (no `redis-server` on the PATH), or null when it can. */
export function redisMissing(): string | null {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return 'redis-server is not installed (apt-get install redis-server); P7 needs a real one';
  return null;
}

/** A running `redis-server`. */
export interface RunningRedis {
  url: string;
  pid: number;
  /** SIGKILL (nothing is saved) and wait until it is gone. */
  stop(): Promise<void>;
}

/** A port nothing listens on right now, on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
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

/** Starts `redis-server --bind 127.0.0.1 --port <free> --save '' --appendonly no`; resolves once it answers PING. */
export async function startRedis(timeoutMs = 10_000): Promise<RunningRedis> {
  const port = await freePort();
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'];
  const child = trackChild(spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.once('error', (err) => (output += `\n${String(err)}`));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) throw new Error(`redis-server exited during startup:\n${output}`);
    if (await answersPing(port)) return { url: `redis://127.0.0.1:${port}`, pid: child.pid!, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server not ready within ${timeoutMs} ms:\n${output}`);
    }
    await delay(20);
  }
}

/**
 * The floor of the hop a cross-node message adds: one PUBLISH of `payload` on one raw connection
 * to Redis until the message arrives on another connection SUBSCRIBEd to its channel, one at a
 * time, `count` times. Samples in milliseconds. Plain RESP over `net`, no client library.
 */
export async function redisHop(url: string, count: number, payload: string): Promise<number[]> {
  const { port } = new URL(url);
  const open = () =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: Number(port) });
      socket.setNoDelay(true);
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
    });
  const [publisher, subscriber] = await Promise.all([open(), open()]);
  try {
    const channel = 'p7-hop';
    let waiting: ((chunk: string) => void) | null = null;
    subscriber.on('data', (chunk) => waiting?.(chunk.toString('latin1')));
    publisher.on('data', () => {}); // the PUBLISH replies (:1)
    const next = (marker: string) => new Promise<void>((resolve) => (waiting = (chunk) => chunk.includes(marker) && resolve()));
    const subscribed = next('subscribe');
    subscriber.write(`SUBSCRIBE ${channel}\r\n`);
    await subscribed;
    const samples: number[] = [];
    for (let i = 0; i < count; i++) {
      const body = `${payload}#${i}.`;
      const arrived = next(`#${i}.`);
      const t0 = performance.now();
      publisher.write(`*3\r\n$7\r\nPUBLISH\r\n$${channel.length}\r\n${channel}\r\n$${Buffer.byteLength(body)}\r\n${body}\r\n`);
      await arrived;
      samples.push(performance.now() - t0);
    }
    return samples;
  } finally {
    publisher.destroy();
    subscriber.destroy();
  }
}
