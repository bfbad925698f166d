import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import Database from 'better-sqlite3';
import { CloseCode, ErrorCode, dmConversationId, type AckFrame, type ErrorFrame, type MessageFrame, type PongFrame, type ReadyFrame, type SyncedFrame } from '@quickchat/protocol';
import type { ServerOptions } from '../src/config.js';
import { startTestServer, type TestServer } from './support/server.js';
import { Rest, type TestUser } from './support/rest.js';
import { RawClient } from './support/ws-client.js';
import { until, upgradeStatus } from './support/upgrade.js';

let t: TestServer | null = null;
let rest: Rest;
const clients: RawClient[] = [];

async function start(overrides: Partial<ServerOptions> = {}): Promise<TestServer> {
  t = await startTestServer(overrides);
  rest = new Rest(t.url);
  return t;
}

function server(): TestServer {
  if (!t) throw new Error('no server');
  return t;
}

async function users(...handles: string[]): Promise<TestUser[]> {
  const out: TestUser[] = [];
  for (const h of handles) out.push(await rest.register(h));
  return out;
}

function track(c: RawClient): RawClient {
  clients.push(c);
  return c;
}

const connect = async (u: TestUser, options: Parameters<typeof RawClient.connect>[2] = {}) => track(await RawClient.connect(server().wsUrl, u.token, options));
const open = async (url = server().wsUrl, options: Parameters<typeof RawClient.open>[1] = {}) => track(await RawClient.open(url, options));

/** Connects, retrying while the per-IP cap still counts a socket whose close has not been processed yet. */
async function connectWhenFree(u: TestUser): Promise<RawClient> {
  let client: RawClient | null = null;
  await until(async () => {
    try {
      client = await connect(u);
      return true;
    } catch (err) {
      if (/upgrade refused: 429/.test(String(err))) return false;
      throw err;
    }
  }, 'a connection slot is free');
  return client as unknown as RawClient;
}

let seq = 0;
/** Sends a DM and waits for the sender's ack and the recipient's copy. */
async function exchange(from: RawClient, to: RawClient, conversationId: string, text: string): Promise<AckFrame> {
  const clientMsgId = `x${++seq}`;
  from.send({ type: 'send', id: clientMsgId, conversationId, clientMsgId, content: { type: 'text', text } });
  const ack = (await from.waitForCount((f) => f.type === 'ack' && f.clientMsgId === clientMsgId, 1))[0] as AckFrame;
  const got = (await to.waitForCount((f) => f.type === 'message' && f.message.clientMsgId === clientMsgId, 1))[0] as MessageFrame;
  expect(got.message.content).toEqual({ type: 'text', text });
  expect(got.message.seq).toBe(ack.seq);
  return ack;
}

function countMessages(conversationId: string): number {
  const db = new Database(server().dbFile, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ?').get(conversationId) as { n: number }).n;
  } finally {
    db.close();
  }
}

afterEach(async () => {
  for (const c of clients.splice(0)) {
    (c.ws as unknown as { _socket?: Socket })._socket?.resume();
    c.ws.terminate();
  }
  await t?.stop();
  t = null;
});

describe('socket authentication', () => {
  it('closes a socket that does not authenticate within limits.authTimeoutMs with 4001', async () => {
    await start({ limits: { authTimeoutMs: 200 } });
    const [alice] = await users('alice');
    const authed = await connect(alice!);
    const idle = await open();
    expect(await idle.closed).toMatchObject({ code: CloseCode.AuthTimeout });
    expect(idle.frames).toEqual([]);
    // The deadline only applies before authentication.
    await authed.roundTrip();
    expect(authed.ws.readyState).toBe(authed.ws.OPEN);
  });

  it('never authenticates from a token in the URL, and serves only /ws', async () => {
    await start();
    const [alice, bob] = await users('alice', 'bob');
    await rest.befriend(alice!, bob!);
    const conv = dmConversationId(alice!.id, bob!.id);
    for (const query of [`token=${alice!.token}`, `access_token=${alice!.token}`]) {
      const c = await open(`${server().wsUrl}?${query}`);
      c.send({ type: 'send', conversationId: conv, clientMsgId: `url-${query.length}`, content: { type: 'text', text: 'via url token' } });
      expect(await c.closed).toMatchObject({ code: CloseCode.ProtocolError });
      expect(c.frames.some((f) => f.type === 'ready')).toBe(false);
    }
    expect(countMessages(conv)).toBe(0);
    const base = server().url.replace(/^http/, 'ws');
    for (const path of ['/other', '/ws/', '/wsx', '/api/ws']) expect(await upgradeStatus(base + path)).toBe(404);
    // The first-frame token does work.
    const a = await connect(alice!);
    const b = await connect(bob!);
    await exchange(a, b, conv, 'first-frame auth works');
  });
});

describe('pipelining behind the auth frame', () => {
  it('runs frames sent right behind a good auth frame after authentication, in order', async () => {
    await start();
    const [alice, bob] = await users('alice', 'bob');
    await rest.befriend(alice!, bob!);
    const conv = dmConversationId(alice!.id, bob!.id);
    const a = await open();
    a.send({ type: 'auth', token: alice!.token });
    a.send({ type: 'ping', id: 'p1' });
    a.send({ type: 'send', id: 's1', conversationId: conv, clientMsgId: 'pipelined', content: { type: 'text', text: 'sent before ready' } });
    a.send('not json');
    a.send({ type: 'ping', id: 'p2' });
    await a.next((f) => f.type === 'pong' && f.id === 'p2');
    await a.waitForCount((f) => f.type === 'ack' && f.id === 's1', 1);
    // Acks come after the commit; every other reply keeps the order of the frames. (Presence is
    // pushed on its own schedule: after `ready`, the state of alice's friend.)
    const replies = a.frames.filter((f) => f.type !== 'message' && f.type !== 'ack' && f.type !== 'presence').map((f) => [f.type, 'id' in f ? f.id : undefined]);
    expect(replies).toEqual([
      ['ready', undefined],
      ['pong', 'p1'],
      ['error', undefined],
      ['pong', 'p2'],
    ]);
    expect(a.frames.find((f) => f.type === 'error')).toMatchObject({ code: ErrorCode.BadFrame });
    expect(countMessages(conv)).toBe(1);
  });

  it('drops frames sent behind a rejected auth frame', async () => {
    await start();
    const [alice, bob] = await users('alice', 'bob');
    await rest.befriend(alice!, bob!);
    const conv = dmConversationId(alice!.id, bob!.id);
    const a = await open();
    a.send({ type: 'auth', token: `${alice!.token}x` });
    a.send({ type: 'send', id: 's1', conversationId: conv, clientMsgId: 'pipelined', content: { type: 'text', text: 'must not be stored' } });
    a.send({ type: 'ping', id: 'p1' });
    expect((await a.closed).code).toBe(CloseCode.AuthFailed);
    expect(a.frames.map((f) => f.type)).toEqual(['error']);
    expect(countMessages(conv)).toBe(0);
  });
});

describe('Origin allowlist', () => {
  const app = 'https://app.example.com';

  it('admits configured origins and the server\'s own, refuses foreign ones and (by default) a missing Origin', async () => {
    await start({ allowedOrigins: [app], allowNoOrigin: false });
    const [alice] = await users('alice');
    const viaApp = await connect(alice!, { origin: app });
    const own = await connect(alice!, { origin: `http://127.0.0.1:${server().server.port}` });
    for (const foreign of ['https://evil.example.com', 'http://app.example.com', 'https://app.example.com.evil.com', 'https://app.example.com:8443', 'null']) {
      expect(await upgradeStatus(server().wsUrl, { origin: foreign }), foreign).toBe(403);
    }
    expect(await upgradeStatus(server().wsUrl)).toBe(403);
    await viaApp.roundTrip();
    await own.roundTrip();
  });

  it('admits sockets without Origin only when allowNoOrigin is true', async () => {
    await start({ allowedOrigins: [app], allowNoOrigin: true });
    const [alice] = await users('alice');
    const noOrigin = await connect(alice!);
    expect(await upgradeStatus(server().wsUrl, { origin: 'https://evil.example.com' })).toBe(403);
    await noOrigin.roundTrip();
  });
});

describe('liveness', () => {
  it('answers an application ping with a pong carrying the same id', async () => {
    await start();
    const [alice] = await users('alice');
    const a = await connect(alice!);
    a.send({ type: 'ping', id: 'abc' });
    expect(await a.next<PongFrame>((f) => f.type === 'pong')).toEqual({ type: 'pong', id: 'abc' });
    a.send({ type: 'ping', id: 42 });
    expect(await a.next<PongFrame>((f) => f.type === 'pong')).toEqual({ type: 'pong', id: 42 });
    a.send({ type: 'ping' });
    expect(await a.next<PongFrame>((f) => f.type === 'pong')).toEqual({ type: 'pong' });
  });

  it('terminates a socket that does not answer WebSocket pings and keeps one that does', async () => {
    await start({ limits: { heartbeatMs: 200 } });
    const [alice, bob] = await users('alice', 'bob');
    const live = await connect(alice!);
    const ready = live.frames.find((f): f is ReadyFrame => f.type === 'ready');
    expect(ready?.heartbeatMs).toBe(200);
    let livePings = 0;
    live.ws.on('ping', () => livePings++);
    const dead = await open(server().wsUrl, { autoPong: false });
    let deadPings = 0;
    dead.ws.on('ping', () => deadPings++); // before auth: a heartbeat may come at any moment
    dead.send({ type: 'auth', token: bob!.token });
    await dead.next((f) => f.type === 'ready');
    expect((await dead.closed).code).toBe(1006);
    expect(deadPings).toBeGreaterThanOrEqual(1);
    const seen = livePings;
    await until(() => livePings >= seen + 3, 'three more heartbeats reached the live client');
    await live.roundTrip();
    expect(live.ws.readyState).toBe(live.ws.OPEN);
  });
});

describe('backpressure', () => {
  it('disconnects a client that stops reading without stalling the sender or other users (bad input row 13)', async () => {
    // connectionsPerIp equals the four test sockets, so a probe upgrade succeeds only once the
    // server has let go of one of them: that is how the test sees bob being dropped.
    await start({ limits: { maxQueueBytes: 64 * 1024, messagesPerSecond: 100_000, messageBurst: 100_000, connectionsPerIp: 4 } });
    const [alice, bob, carol, dave] = await users('alice', 'bob', 'carol', 'dave');
    await rest.befriend(alice!, bob!);
    await rest.befriend(carol!, dave!);
    const ab = dmConversationId(alice!.id, bob!.id);
    const cd = dmConversationId(carol!.id, dave!.id);
    const a = await connect(alice!);
    const b = await connect(bob!);
    const c = await connect(carol!);
    const d = await connect(dave!);
    expect(await upgradeStatus(server().wsUrl)).toBe(429);

    const bobSocket = (b.ws as unknown as { _socket: Socket })._socket;
    bobSocket.pause();
    const text = 'y'.repeat(3000);
    let sent = 0;
    let exchangesWhileStalled = 0;
    let bobDropped = false;
    const deadline = Date.now() + 20_000;
    for (let batch = 0; batch < 80 && !bobDropped && Date.now() < deadline; batch++) {
      // The first batch is smaller than the queue cap, so bob is certainly still connected after it.
      const size = batch === 0 ? 10 : 150;
      for (let i = 0; i < size; i++) a.send({ type: 'send', conversationId: ab, clientMsgId: `flood-${sent + i}`, content: { type: 'text', text } });
      sent += size;
      await exchange(c, d, cd, `carol to dave during batch ${batch}`);
      // The slow reader never stalls the sender: every message is acked.
      await a.waitForCount((f) => f.type === 'ack', sent, 15_000);
      bobDropped = (await upgradeStatus(server().wsUrl)) === 101;
      if (!bobDropped) exchangesWhileStalled++;
    }
    expect(bobDropped).toBe(true);
    expect(exchangesWhileStalled).toBeGreaterThan(0);
    expect(a.frames.filter((f) => f.type === 'error')).toEqual([]);

    // Bob was cut off (no close frame: the server terminated the socket), not merely slowed down.
    bobSocket.resume();
    expect((await b.closed).code).toBe(1006);
    expect(b.frames.filter((f) => f.type === 'message').length).toBeLessThan(sent);

    // Every acked message is stored, and bob gets them back by syncing after reconnecting. The
    // synced reply (100 messages, ~320 KB) is bigger than maxQueueBytes on its own: a reader that
    // keeps up still receives it rather than being dropped as a slow consumer.
    expect(countMessages(ab)).toBe(sent);
    const b2 = await connectWhenFree(bob!);
    b2.send({ type: 'sync', id: 'catch-up', cursors: { [ab]: 0 } });
    const synced = await b2.next<SyncedFrame>((f) => f.type === 'synced');
    const conv = synced.conversations.find((x) => x.conversationId === ab);
    expect(conv?.lastSeq).toBe(sent);
    expect(conv?.messages.map((m) => m.seq)).toEqual(Array.from({ length: conv?.messages.length ?? 0 }, (_, i) => i + 1));
    await exchange(c, d, cd, 'carol to dave afterwards');
    await exchange(a, b2, ab, 'alice to the reconnected bob');
  });
});

describe('frame size', () => {
  it('closes with 1009 on a frame over limits.maxFrameBytes, stores nothing, and keeps serving others', async () => {
    await start({ limits: { maxFrameBytes: 8 * 1024 } });
    const [alice, bob] = await users('alice', 'bob');
    await rest.befriend(alice!, bob!);
    const conv = dmConversationId(alice!.id, bob!.id);
    const a = await connect(alice!);
    const b = await connect(bob!);
    expect(a.frames.find((f): f is ReadyFrame => f.type === 'ready')?.limits.maxFrameBytes).toBe(8 * 1024);
    await exchange(a, b, conv, 'z'.repeat(3900)); // under the cap: fine
    a.send({ type: 'send', conversationId: conv, clientMsgId: 'too-big', content: { type: 'text', text: 'z'.repeat(9 * 1024) } });
    expect((await a.closed).code).toBe(CloseCode.MessageTooBig);
    expect(countMessages(conv)).toBe(1);
    await b.roundTrip();
    const a2 = await connect(alice!);
    await exchange(b, a2, conv, 'still up');
  });
});

describe('rate limit', () => {
  const limits = { messagesPerSecond: 5, messageBurst: 5, rateLimitStrikes: 20 };

  it('answers a burst past the bucket with rate_limited errors carrying retryAfterMs', async () => {
    await start({ limits });
    const [alice] = await users('alice');
    const a = await connect(alice!);
    for (let i = 0; i < 20; i++) a.send({ type: 'ping', id: i });
    const answers = await a.waitForCount((f) => (f.type === 'pong' || f.type === 'error') && typeof f.id === 'number', 20);
    const errors = answers.filter((f): f is ErrorFrame => f.type === 'error');
    const pongs = answers.filter((f) => f.type === 'pong');
    expect(pongs.length).toBeGreaterThanOrEqual(4); // the auth frame took one token of five
    expect(errors.length).toBeGreaterThanOrEqual(10);
    expect(new Set(answers.map((f) => (f as PongFrame).id))).toEqual(new Set(Array.from({ length: 20 }, (_, i) => i)));
    for (const e of errors) {
      expect(e.code).toBe(ErrorCode.RateLimited);
      expect(Number.isInteger(e.retryAfterMs) && (e.retryAfterMs ?? 0) > 0).toBe(true);
    }
    // Waiting as told makes the next frame welcome again; the socket stayed open.
    await new Promise((r) => setTimeout(r, errors.at(-1)!.retryAfterMs! + 20));
    await a.roundTrip();
    expect(a.ws.readyState).toBe(a.ws.OPEN);
  });

  it('closes a sustained flood with 4004 while other users keep chatting (bad input row 12)', async () => {
    await start({ limits });
    const [alice, bob, carol] = await users('alice', 'bob', 'carol');
    await rest.befriend(alice!, bob!);
    await rest.befriend(bob!, carol!);
    const ab = dmConversationId(alice!.id, bob!.id);
    const bc = dmConversationId(bob!.id, carol!.id);
    const a = await connect(alice!);
    const b = await connect(bob!);
    const c = await connect(carol!);
    const flood = (async () => {
      for (let i = 0; i < 200 && a.ws.readyState === a.ws.OPEN; i++) {
        a.send({ type: 'send', conversationId: ab, clientMsgId: `flood-${i}`, content: { type: 'text', text: `flood ${i}` } });
        if (i % 10 === 9) await new Promise((r) => setImmediate(r));
      }
    })();
    await Promise.all([flood, exchange(b, c, bc, 'bob to carol during the flood'), exchange(c, b, bc, 'carol to bob during the flood')]);
    expect((await a.closed).code).toBe(CloseCode.RateLimited);
    const acked = a.frames.filter((f) => f.type === 'ack').length;
    expect(acked).toBeLessThan(200);
    expect(a.frames.some((f) => f.type === 'error' && f.code === ErrorCode.RateLimited)).toBe(true);
    await exchange(b, c, bc, 'after the flood'); // also lets every accepted write commit
    // Only frames the bucket accepted were stored (acks for the last ones may have lost the race with the close).
    expect(countMessages(ab)).toBeGreaterThanOrEqual(acked);
    expect(countMessages(ab)).toBeLessThan(20);
  });
});

describe('connection caps', () => {
  it('refuses the upgrade past limits.connectionsPerIp with 429 until a socket closes', async () => {
    await start({ limits: { connectionsPerIp: 3 } });
    const [alice, bob, carol] = await users('alice', 'bob', 'carol');
    const a = await connect(alice!);
    await connect(bob!);
    const c = await connect(carol!);
    expect(await upgradeStatus(server().wsUrl)).toBe(429);
    await expect(RawClient.connect(server().wsUrl, alice!.token)).rejects.toThrow(/429/);
    await a.close();
    const a2 = await connectWhenFree(alice!);
    await a2.roundTrip();
    expect(await upgradeStatus(server().wsUrl)).toBe(429);
    await c.roundTrip();
  });

  it('accepts a session past limits.connectionsPerUser and closes the oldest with 4006', async () => {
    await start({ limits: { connectionsPerUser: 2 } });
    const [alice, bob] = await users('alice', 'bob');
    await rest.befriend(alice!, bob!);
    const conv = dmConversationId(alice!.id, bob!.id);
    const b = await connect(bob!);
    const a1 = await connect(alice!);
    const a2 = await connect(alice!);
    const a3 = await connect(alice!);
    expect(await a1.closed).toMatchObject({ code: CloseCode.TooManyConnections });
    const ack = await exchange(b, a2, conv, 'to both live sessions');
    await a3.next((f) => f.type === 'message' && f.message.seq === ack.seq);
    expect(a1.frames.some((f) => f.type === 'message')).toBe(false);
    const a4 = await connect(alice!);
    expect(await a2.closed).toMatchObject({ code: CloseCode.TooManyConnections });
    await a3.roundTrip();
    await a4.roundTrip();
    await b.roundTrip();
  });
});

describe('shutdown', () => {
  it('server.stop() closes every socket with 1001', async () => {
    await start();
    const [alice, bob] = await users('alice', 'bob');
    const a = await connect(alice!);
    const b = await connect(bob!);
    const pending = await open();
    await server().server.stop();
    for (const c of [a, b, pending]) expect((await c.closed).code).toBe(CloseCode.GoingAway);
    expect((await fetch(`${server().url}/healthz`).catch((err: unknown) => err)) instanceof Error).toBe(true);
  });
});
