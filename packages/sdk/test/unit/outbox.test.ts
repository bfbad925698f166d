import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type ChatClient, type LocalMessage, type StorageAdapter } from '../../src/index.js';
import type { AuthOption } from '../../src/auth/token-source.js';
import { defaultRoutes, FakeClock, fakeFetch, fakeSockets, flush, handshake, jwt, readyFrame, syncedFrame, type FakeSocket } from '../support/fakes.js';

const C = 'dm:alice~bob';

/** A Map-backed adapter: share one between two clients to simulate a page reload. */
class MapStorage implements StorageAdapter {
  readonly map = new Map<string, string>();
  get(key: string) {
    return Promise.resolve(this.map.get(key) ?? null);
  }
  set(key: string, value: string) {
    this.map.set(key, value);
    return Promise.resolve();
  }
  remove(key: string) {
    this.map.delete(key);
    return Promise.resolve();
  }
}

const clients: ChatClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

function setup(options: { storage?: StorageAdapter; autoConnect?: boolean; auth?: (clock: FakeClock) => AuthOption } = {}) {
  const clock = new FakeClock();
  const ws = fakeSockets();
  const rest = fakeFetch(defaultRoutes('alice'));
  const client = createClient({
    url: 'http://chat.test',
    auth: options.auth?.(clock) ?? { token: jwt('alice', clock.nowMs + 3_600_000) },
    WebSocket: ws.WebSocket,
    fetch: rest.fetch,
    environment: clock.env,
    reconnectPolicy: { nextRetryDelayMs: () => 1000 },
    pingIntervalMs: 100_000_000,
    autoConnect: options.autoConnect ?? false,
    ...(options.storage ? { storage: options.storage } : {}),
  });
  clients.push(client);
  const errors: string[] = [];
  client.on('error', ({ error }) => errors.push(error.code));
  const item = (clientMsgId: string): LocalMessage | undefined => client.messages.getState()[C]?.items.find((m) => m.clientMsgId === clientMsgId);
  const sends = (socket: FakeSocket) => socket.frames('send').map((f) => f['clientMsgId']);
  /** Connect (if needed) and finish the handshake on a new socket; the conversation exists at `lastSeq`. */
  const online = async (lastSeq = 0) => {
    if (client.connectionState === 'idle' || client.connectionState === 'disconnected') client.connect();
    await flush();
    await handshake(ws.last(), 'alice', syncedFrame([{ conversationId: C, lastSeq }]));
    return ws.last();
  };
  const ack = (socket: FakeSocket, clientMsgId: string, seq: number) =>
    socket.deliver({ type: 'ack', id: clientMsgId, clientMsgId, conversationId: C, messageId: `srv-${seq}`, seq, createdAt: clock.nowMs, duplicate: false });
  return { clock, ws, client, errors, item, sends, online, ack };
}

describe('outbox', () => {
  it('messages sent while disconnected wait, then go out once each, in order, after connect + sync', async () => {
    const { client, ws, item, sends } = setup();
    const one = client.send(C, 'one');
    const two = client.send(C, 'two');
    const three = client.send(C, 'three');
    expect([one.state, two.state, three.state]).toEqual(['pending', 'pending', 'pending']);
    expect(client.messages.getState()[C]?.items.map((m) => m.content.type === 'text' && m.content.text)).toEqual(['one', 'two', 'three']);
    await flush();
    expect(ws.sockets).toHaveLength(0);

    client.connect();
    await flush();
    const socket = ws.last();
    socket.open();
    socket.deliver(readyFrame('alice'));
    await flush();
    // connected but not synced yet: nothing is sent before catch-up
    expect(socket.frames('sync')).toHaveLength(1);
    const four = client.send(C, 'four');
    expect(sends(socket)).toEqual([]);
    socket.deliver({ ...syncedFrame(), id: socket.frames('sync')[0]?.['id'] as string });
    await flush();
    expect(sends(socket)).toEqual([one.clientMsgId, two.clientMsgId, three.clientMsgId, four.clientMsgId]);
    expect(socket.frames('send').map((f) => (f['content'] as { text: string }).text)).toEqual(['one', 'two', 'three', 'four']);
    expect(socket.frames('send')[0]).toMatchObject({ type: 'send', conversationId: C, id: one.clientMsgId });
    await flush();
    expect(sends(socket)).toHaveLength(4);
    expect(item(one.clientMsgId)?.state).toBe('pending');
  });

  it('a message sent while connected goes out at once', async () => {
    const { client, online, sends } = setup();
    const socket = await online();
    const m = client.send(C, 'now');
    expect(sends(socket)).toEqual([m.clientMsgId]);
  });

  it('after a drop before the ack, the resend after reconnecting carries the same clientMsgId', async () => {
    const { client, online, sends, clock, ws, item, ack } = setup();
    const first = await online();
    const m = client.send(C, 'hello');
    expect(sends(first)).toEqual([m.clientMsgId]);
    first.serverClose(1006);
    expect(client.connectionState).toBe('reconnecting');
    expect(client.send(C, 'while away').state).toBe('pending');
    clock.advance(1000);
    await flush();
    expect(ws.sockets).toHaveLength(2);
    const second = await online();
    expect(second).toBe(ws.sockets[1]);
    const pending = client.messages.getState()[C]?.items.map((x) => x.clientMsgId) ?? [];
    expect(sends(second)).toEqual(pending);
    expect(sends(second)[0]).toBe(m.clientMsgId);
    ack(second, m.clientMsgId, 1);
    expect(item(m.clientMsgId)).toMatchObject({ state: 'sent', seq: 1 });
  });

  it('an ack moves the message to sent with its seq; the echo and later reconnects do not duplicate it', async () => {
    const { client, online, sends, clock, ws, item, ack } = setup();
    const socket = await online(6);
    const surfaced: number[] = [];
    const updated: string[] = [];
    client.on('message', ({ message }) => surfaced.push(message.seq as number));
    client.on('messageUpdated', ({ message }) => updated.push(message.state));
    const m = client.send(C, 'hi');
    ack(socket, m.clientMsgId, 7);
    expect(item(m.clientMsgId)).toMatchObject({ state: 'sent', seq: 7, id: 'srv-7' });
    socket.deliver({ type: 'message', message: { id: 'srv-7', conversationId: C, seq: 7, senderId: 'alice', clientMsgId: m.clientMsgId, content: { type: 'text', text: 'hi' }, createdAt: clock.nowMs } });
    expect(surfaced).toEqual([7]);
    expect(client.messages.getState()[C]?.items.filter((x) => x.clientMsgId === m.clientMsgId)).toHaveLength(1);
    socket.serverClose(1006);
    clock.advance(1000);
    await flush();
    const again = await online(7);
    expect(ws.sockets).toHaveLength(2);
    expect(sends(again)).toEqual([]);
    expect(updated).not.toContain('failed');
  });

  it('a retryable error (rate_limited + retryAfterMs) resends later with the same clientMsgId', async () => {
    const { client, online, sends, clock, item, errors, ack } = setup();
    const socket = await online();
    const m = client.send(C, 'slow down');
    socket.deliver({ type: 'error', id: m.clientMsgId, code: 'rate_limited', message: 'too fast', retryAfterMs: 3000 });
    expect(item(m.clientMsgId)?.state).toBe('pending');
    clock.advance(2999);
    expect(sends(socket)).toEqual([m.clientMsgId]);
    clock.advance(1);
    expect(sends(socket)).toEqual([m.clientMsgId, m.clientMsgId]);
    ack(socket, m.clientMsgId, 1);
    expect(item(m.clientMsgId)?.state).toBe('sent');
    clock.advance(60_000);
    expect(sends(socket)).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('a non-retryable error marks the message failed; retry() sends it again with the same clientMsgId', async () => {
    const { client, online, sends, clock, item, errors, ack, ws } = setup();
    const socket = await online();
    const m = client.send(C, 'to a stranger');
    socket.deliver({ type: 'error', id: m.clientMsgId, code: 'not_found', message: 'no such conversation' });
    expect(item(m.clientMsgId)?.state).toBe('failed');
    expect(item(m.clientMsgId)?.error?.code).toBe('not_found');
    expect(item(m.clientMsgId)?.error?.retryable).toBe(false);
    expect(errors).toEqual(['not_found']);
    clock.advance(60_000);
    expect(sends(socket)).toEqual([m.clientMsgId]);
    // a failed message is not resent by a reconnect either
    socket.serverClose(1006);
    clock.advance(1000);
    await flush();
    const second = await online();
    expect(ws.sockets).toHaveLength(2);
    expect(sends(second)).toEqual([]);

    client.retry(C, m.clientMsgId);
    expect(item(m.clientMsgId)).toMatchObject({ state: 'pending', error: null });
    expect(sends(second)).toEqual([m.clientMsgId]);
    ack(second, m.clientMsgId, 1);
    expect(item(m.clientMsgId)).toMatchObject({ state: 'sent', seq: 1 });
    // retry() of a message that is not failed does nothing
    client.retry(C, m.clientMsgId);
    expect(sends(second)).toHaveLength(1);
  });
});

describe('client close()', () => {
  it('releases every timer (send retry, delivery receipt, typing, socket) and becomes terminal', async () => {
    const { client, online, clock } = setup();
    const socket = await online();
    const m = client.send(C, 'x');
    socket.deliver({ type: 'error', id: m.clientMsgId, code: 'rate_limited', message: 'slow', retryAfterMs: 5000 });
    socket.deliver({ type: 'message', message: { id: 'srv-1', conversationId: C, seq: 1, senderId: 'bob', clientMsgId: 'b1', content: { type: 'text', text: 'yo' }, createdAt: 0 } });
    socket.deliver({ type: 'typing', conversationId: C, userId: 'bob', active: true });
    expect(clock.pending()).toBeGreaterThanOrEqual(4);
    const states: string[] = [];
    client.on('connectionStateChanged', ({ newState }) => states.push(newState));
    client.close();
    expect(states).toEqual(['closed']);
    expect(clock.pending()).toBe(0);
    expect(socket.closedByClient).not.toBeNull();
    expect(() => client.connect()).toThrow(/closed/);
  });
});

describe('outbox with persistent storage (page reload)', () => {
  it.each([
    ['a token', undefined],
    ['getToken()', (clock: FakeClock): AuthOption => ({ getToken: () => Promise.resolve(jwt('alice', clock.nowMs + 3_600_000)) })],
  ] as const)('keeps unsent messages across client instances (%s auth); the second instance shows and sends them', async (_name, auth) => {
    const storage = new MapStorage();
    const before = setup({ storage, ...(auth ? { auth } : {}) });
    await before.online(); // the user is known when the messages are written
    before.client.disconnect();
    const one = before.client.send(C, 'one');
    const two = before.client.send(C, 'two');
    await flush();
    before.client.close();
    expect(JSON.parse(storage.map.get('qc:outbox') ?? '[]')).toHaveLength(2);

    const after = setup({ storage, ...(auth ? { auth } : {}) });
    after.client.connect();
    await flush();
    const socket = after.ws.last();
    socket.open();
    socket.deliver(readyFrame('alice'));
    await flush();
    // visible as pending before the server confirmed anything
    expect(after.item(one.clientMsgId)?.state).toBe('pending');
    expect(after.item(two.clientMsgId)?.state).toBe('pending');
    expect(after.client.messages.getState()[C]?.items.map((m) => m.senderId)).toEqual(['alice', 'alice']);
    socket.deliver({ ...syncedFrame(), id: socket.frames('sync')[0]?.['id'] as string });
    await flush();
    expect(after.sends(socket)).toEqual([one.clientMsgId, two.clientMsgId]);
    after.ack(socket, one.clientMsgId, 1);
    after.ack(socket, two.clientMsgId, 2);
    expect(after.item(two.clientMsgId)?.state).toBe('sent');
    await flush();
    expect(JSON.parse(storage.map.get('qc:outbox') ?? 'null')).toEqual([]);
  });
});
