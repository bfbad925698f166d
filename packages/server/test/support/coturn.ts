import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's coturn binary (`apt-get install coturn`; .ci/run installs it). */
const TURNSERVER = 'turnserver';

/** Why coturn can't be started here, or null when it can. */
export function coturnMissing(): string | null {
  const probe = spawnSync(TURNSERVER, ['--help'], { stdio: 'ignore' });
  return probe.error ? `${TURNSERVER} (Debian package coturn) is not installed: apt-get install -y coturn` : null;
}

/** A coturn started by a test, on loopback, checking TURN REST credentials against `secret`. */
export interface Coturn {
  /** Its TURN/STUN port on 127.0.0.1 (UDP and TCP). */
  port: number;
  /** Everything it logged, for failure messages. */
  log(): string;
  /** Stops it by its PID and deletes its temp dir. */
  stop(): Promise<void>;
}

/**
 * Starts coturn with `use-auth-secret` and `static-auth-secret=<secret>` on loopback `port`,
 * relaying on 127.0.0.1 only (`allow-loopback-peers` is for tests; production configs deny
 * loopback, see docs/deploy.md#turn), and resolves once it answers a STUN binding request.
 * `allowLoopbackPeers: false` leaves that flag out; `extraArgs` are appended (e.g. `--denied-peer-ip=…`).
 */
export async function startCoturn(
  secret: string,
  port: number,
  { allowLoopbackPeers = true, extraArgs = [], timeoutMs = 10_000 }: { allowLoopbackPeers?: boolean; extraArgs?: string[]; timeoutMs?: number } = {},
): Promise<Coturn> {
  const dir = mkdtempSync(join(tmpdir(), 'quickchat-coturn-'));
  const minPort = 40_000 + (port % 10_000);
  let output = '';
  const child: ChildProcess = spawn(
    TURNSERVER,
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${minPort}`,
      `--max-port=${minPort + 200}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=quickchat.test',
      '--no-cli',
      '--no-tls',
      '--no-dtls',
      '--no-multicast-peers',
      ...(allowLoopbackPeers ? ['--allow-loopback-peers'] : []),
      ...extraArgs,
      `--userdb=${join(dir, 'turndb')}`,
      `--pidfile=${join(dir, 'turnserver.pid')}`,
      '--log-file=stdout',
      '--simple-log',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([
      stunAnswers(port, timeoutMs),
      exited.then(() => {
        throw new Error(`coturn exited at startup:\n${output}`);
      }),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, log: () => output, stop };
}

/** A port free for both TCP and UDP on 127.0.0.1 (coturn listens on both), for {@link startCoturn}. */
export async function freeTurnPort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as { port: number };
        server.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
}

/** Resolves once a STUN Binding request to 127.0.0.1:port gets a success response (retried every 50 ms). */
function stunAnswers(port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    // Binding request: type 0x0001, length 0, the magic cookie, a 96-bit transaction id (RFC 5389).
    const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), randomBytes(12)]);
    const finish = (err?: Error) => {
      clearInterval(retry);
      clearTimeout(deadline);
      socket.close();
      if (err) reject(err);
      else resolve();
    };
    socket.on('message', (msg) => {
      if (msg.length >= 20 && msg.readUInt16BE(0) === 0x0101 && msg.subarray(8, 20).equals(request.subarray(8, 20))) finish();
    });
    socket.on('error', () => undefined); // ICMP port unreachable before coturn binds: retried.
    const send = () => socket.send(request, port, '127.0.0.1');
    const retry = setInterval(send, 50);
    const deadline = setTimeout(() => finish(new Error(`coturn did not answer STUN on 127.0.0.1:${port} within ${timeoutMs} ms`)), timeoutMs);
    send();
  });
}
