import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import type { ServerOptions } from '../src/config.js';
import { connectionsCheckingInterval } from '../src/http/http-server.js';
import { startTestServer, type TestServer } from './support/server.js';
import { Rest } from './support/rest.js';
import { RawClient } from './support/ws-client.js';
import { until } from './support/upgrade.js';

let t: TestServer | null = null;
const sockets: Socket[] = [];
const clients: RawClient[] = [];

async function start(limits: Partial<NonNullable<ServerOptions['limits']>>): Promise<TestServer> {
  t = await startTestServer({ limits });
  return t;
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await t?.stop();
  t = null;
});

/** A raw TCP connection to the server; resolves once connected. */
function open(): Promise<Socket> {
  const url = new URL(t!.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => resolve(socket));
    socket.once('error', reject);
    sockets.push(socket);
  });
}

/** Resolves with everything the server sent once it closed the connection (or reset it). */
function closed(socket: Socket): Promise<string> {
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
  socket.on('error', () => undefined);
  return new Promise((resolve) => socket.once('close', () => resolve(received)));
}

/** Sends one keep-alive `GET /healthz` on `socket` and resolves with the status code. */
function healthOn(socket: Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})[^]*?\r\n\r\n/.exec(head);
      const length = /content-length: (\d+)/i.exec(head);
      if (match && length && head.length >= match[0].length + Number(length[1])) {
        socket.off('data', onData);
        resolve(Number(match[1]));
      }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`closed before a response: ${JSON.stringify(head)}`)));
    if (socket.destroyed) return reject(new Error('socket already closed'));
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
  });
}

describe('slow request heads', () => {
  it('the sweep interval makes short timeouts real, and stays cheap for long ones', () => {
    expect(connectionsCheckingInterval({ headersTimeoutMs: 300, requestTimeoutMs: 30_000 })).toBe(30);
    expect(connectionsCheckingInterval({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 })).toBe(1000);
    expect(connectionsCheckingInterval({ headersTimeoutMs: 50, requestTimeoutMs: 50 })).toBe(10);
  });

  it('a client trickling a request head is cut close to headersTimeout (408), and the server stays up', async () => {
    await start({ headersTimeoutMs: 300 });
    const socket = await open();
    const started = Date.now();
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    // One header line every 50 ms: the head never completes.
    const trickle = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 50);
    const deadline = new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), 2000).unref());
    try {
      const outcome = await Promise.race([closed(socket), deadline]);
      expect(outcome).not.toBe('still open');
      expect(outcome).toMatch(/^HTTP\/1\.1 408 /);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      clearInterval(trickle);
    }
    expect((await fetch(`${t!.url}/healthz`)).status).toBe(200);
  });

  it('a request head that completes in time is served', async () => {
    await start({ headersTimeoutMs: 300 });
    expect(await healthOn(await open())).toBe(200);
  });
});

describe('open HTTP connections per IP', () => {
  it('the connection past the cap is closed at once; the others keep working; a freed slot is reused', async () => {
    await start({ httpConnectionsPerIp: 3 });
    const held = [await open(), await open(), await open()];
    // A response on each proves the server has counted all three.
    for (const s of held) expect(await healthOn(s)).toBe(200);

    const extra = await open();
    extra.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(await closed(extra)).toBe('');

    for (const s of held) expect(await healthOn(s)).toBe(200);

    held[0]!.destroy();
    await until(async () => {
      const s = await open();
      try {
        return (await healthOn(s)) === 200;
      } catch {
        return false;
      } finally {
        s.destroy();
      }
    }, 'a slot is free again');
  });

  it('upgraded WebSockets do not use up the HTTP budget', async () => {
    await start({ httpConnectionsPerIp: 4 });
    // Registering may leave one keep-alive connection of fetch's pool open: at most 1 of the 4.
    const user = await new Rest(t!.url).register('cap_user');
    // More sockets than the HTTP cap: each upgrade holds an HTTP slot only until it is upgraded.
    for (let i = 0; i < 6; i++) clients.push(await RawClient.connect(t!.wsUrl, user.token));
    const held = [await open(), await open(), await open()];
    for (const s of held) expect(await healthOn(s)).toBe(200);
  });
});
