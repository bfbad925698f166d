import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { turnCredential } from '../src/turn/credentials.js';
import { coturnMissing, freeTurnPort, startCoturn, type Coturn } from './support/coturn.js';
import { notLoopbackOnly } from './support/loopback-only.js';

// docs/deploy.md's hardened coturn config, proved on loopback: the deny rules that loopback can
// exercise (`denied-peer-ip=127.0.0.0-127.255.255.255`) make coturn refuse to relay to a loopback
// peer with 403 Forbidden IP, while the tests' own coturn (`--allow-loopback-peers`, no denies)
// relays to the same peer. The client is turnutils_uclient (Debian's coturn package), the peer a
// UDP echo socket in this process.

const UCLIENT = 'turnutils_uclient';
const uclientMissing = (): string | null =>
  spawnSync(UCLIENT, [], { stdio: 'ignore' }).error ? `${UCLIENT} (Debian package coturn) is not installed: apt-get install -y coturn` : null;
const skipReason = coturnMissing() ?? uclientMissing() ?? notLoopbackOnly();
if (skipReason) console.warn(`[turn-hardening.test.ts] skipped: ${skipReason}`);

/** The `denied-peer-ip=` lines of the hardened config in docs/deploy.md, as coturn flags. */
function documentedDenies(): string[] {
  const doc = readFileSync(join(import.meta.dirname, '../../../docs/deploy.md'), 'utf8');
  const config = doc.slice(doc.indexOf('### A hardened coturn config'), doc.indexOf('### Checking it'));
  const denies = [...config.matchAll(/^denied-peer-ip=(\S+)$/gm)].map((m) => `--denied-peer-ip=${m[1]}`);
  if (!config.includes('denied-peer-ip=127.0.0.0-127.255.255.255')) throw new Error('docs/deploy.md no longer denies 127/8');
  return denies;
}

/** A UDP echo socket on 127.0.0.1: the relay's peer. Counts what reaches it. */
async function echoPeer(): Promise<{ socket: Socket; port: number; received: () => number }> {
  const socket = createSocket('udp4');
  let received = 0;
  socket.on('message', (msg, from) => {
    received++;
    socket.send(msg, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return { socket, port: socket.address().port, received: () => received };
}

/** Runs turnutils_uclient against coturn with a valid REST credential, relaying to 127.0.0.1:peerPort; killed after timeoutMs. */
function uclient(secret: string, turnPort: number, peerPort: number, timeoutMs = 10_000): Promise<{ code: number | null; output: string }> {
  const { username, credential } = turnCredential(secret, 'u_hardening', 300, Date.now());
  // -n 3 messages, -c no RTCP allocation, -X an IPv4 relay, -e/-r the peer.
  const args = ['-n', '3', '-c', '-X', '-u', username, '-w', credential, '-e', '127.0.0.1', '-r', String(peerPort), '-p', String(turnPort), '127.0.0.1'];
  return new Promise((resolve) => {
    const child = spawn(UCLIENT, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      output += `\n[killed after ${timeoutMs} ms]`;
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe.skipIf(skipReason !== null)("docs/deploy.md's coturn deny rules, on loopback", () => {
  const secret = randomBytes(24).toString('base64url');
  let hardened: Coturn; // the documented denies, no --allow-loopback-peers: as in production
  let denyOnly: Coturn; // the documented denies even with --allow-loopback-peers: the 127/8 line itself refuses
  let testOnly: Coturn; // support/coturn.ts as the other tests use it: --allow-loopback-peers, no denies
  let peer: Awaited<ReturnType<typeof echoPeer>>;

  beforeAll(async () => {
    const denies = documentedDenies();
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      let port = await freeTurnPort();
      while (ports.includes(port)) port = await freeTurnPort();
      ports.push(port);
    }
    [hardened, denyOnly, testOnly, peer] = await Promise.all([
      startCoturn(secret, ports[0]!, { allowLoopbackPeers: false, extraArgs: denies }),
      startCoturn(secret, ports[1]!, { extraArgs: denies }),
      startCoturn(secret, ports[2]!),
      echoPeer(),
    ]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([hardened?.stop(), denyOnly?.stop(), testOnly?.stop()]);
    await new Promise<void>((resolve) => (peer ? peer.socket.close(() => resolve()) : resolve()));
  });

  it('the hardened config refuses to relay to a loopback peer: 403 Forbidden IP, nothing reaches the peer', { timeout: 15_000 }, async () => {
    const before = peer.received();
    const run = await uclient(secret, hardened.port, peer.port);
    expect(run.output, hardened.log()).toMatch(/error 403 \(Forbidden IP\)/);
    expect(run.code).not.toBe(0);
    expect(peer.received() - before).toBe(0);
  });

  it('the denied-peer-ip line for 127/8 refuses on its own, even with --allow-loopback-peers', { timeout: 15_000 }, async () => {
    const before = peer.received();
    const run = await uclient(secret, denyOnly.port, peer.port);
    expect(run.output, denyOnly.log()).toMatch(/error 403 \(Forbidden IP\)/);
    expect(peer.received() - before).toBe(0);
    expect(denyOnly.log()).toMatch(/peer IP 127\.0\.0\.1 denied in the range: 127\.0\.0\.0-127\.255\.255\.255/);
  });

  it('contrast: the tests’ coturn without the denies relays to the same peer with the same credential', { timeout: 15_000 }, async () => {
    const before = peer.received();
    const run = await uclient(secret, testOnly.port, peer.port);
    expect(run.output, testOnly.log()).not.toMatch(/403/);
    expect(run.code, run.output).toBe(0);
    expect(peer.received() - before).toBeGreaterThan(0);
  });
});
