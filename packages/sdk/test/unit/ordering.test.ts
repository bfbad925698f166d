import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { Message, UserEvent } from '@quickchat/protocol';
import { createClient, type ChatClient, type FetchLike } from '../../src/index.js';
import { eventually, FakeClock, fakeSockets, flush, handshake, jwt, message, readyFrame, syncedFrame, user, type FakeSocket } from '../support/fakes.js';

const BASE = 'http://order.test';
const C = 'dm:alice~bob';

/** What the fake server has stored, and the history requests it saw. */
let stored: Message[];
let historyCalls: { after: number | null; limit: number | null }[];
let historyAnswered: number;
let gate: Promise<void>;
let openGate: () => void;

const server = setupServer(
  http.get(`${BASE}/api/conversations/:id/messages`, async ({ request, params }) => {
    const url = new URL(request.url);
    const after = url.searchParams.has('after') ? Number(url.searchParams.get('after')) : null;
    const limit = url.searchParams.has('limit') ? Number(url.searchParams.get('limit')) : null;
    historyCalls.push({ after, limit });
    await gate;
    const rows = stored.filter((m) => m.conversationId === params['id'] && m.seq > (after ?? 0));
    const page = rows.slice(0, limit ?? 50);
    historyAnswered++;
    return HttpResponse.json({ messages: page, hasMore: rows.length > page.length });
  }),
  http.get(`${BASE}/api/me`, () => HttpResponse.json(user('alice'))),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

let clock: FakeClock;
let ws: ReturnType<typeof fakeSockets>;
let client: ChatClient;
let seen: number[];
let errors: string[];

beforeEach(() => {
  stored = [];
  historyCalls = [];
  historyAnswered = 0;
  gate = Promise.resolve();
  clock = new FakeClock();
  ws = fakeSockets();
  const fetchViaMsw: FetchLike = (input, init) => fetch(input, init);
  client = createClient({ url: BASE, auth: { token: jwt('alice', clock.nowMs + 3_600_000) }, WebSocket: ws.WebSocket, fetch: fetchViaMsw, environment: clock.env, reconnectPolicy: { nextRetryDelayMs: () => 100 }, pingIntervalMs: 100_000_000 });
  seen = [];
  errors = [];
  client.on('message', ({ message: m }) => seen.push(m.seq as number));
  client.on('error', ({ error }) => errors.push(error.code));
});
afterEach(() => client.close());

/** The next history request waits until the returned function is called. */
function holdHistory(): () => void {
  gate = new Promise<void>((resolve) => (openGate = resolve));
  return () => openGate();
}

const live = (socket: FakeSocket, ...seqs: number[]) => {
  for (const seq of seqs) socket.deliver({ type: 'message', message: message(C, seq) });
};
const loadedSeqs = () => client.messages.getState()[C]?.items.map((m) => m.seq) ?? [];

async function reconnect(socket: FakeSocket): Promise<FakeSocket> {
  socket.serverClose(1006);
  clock.advance(100);
  await eventually(() => ws.sockets.length === 2 || ws.sockets.length > 2, 'new socket');
  const next = ws.last();
  next.open();
  next.deliver(readyFrame('alice'));
  await eventually(() => next.frames('sync').length === 1, 'sync on the new socket');
  return next;
}

describe('ordering and dedupe of messages', () => {
  it('surfaces each seq once, in order: duplicates dropped, a gap filled over REST while later messages wait', async () => {
    await flush();
    const socket = ws.last();
    await handshake(socket, 'alice', syncedFrame([{ conversationId: C, lastSeq: 0 }], { eventsCursor: 1 }));
    stored = [1, 2, 3, 4, 5].map((s) => message(C, s));
    live(socket, 1, 1, 2, 1);
    expect(seen).toEqual([1, 2]);
    const release = holdHistory();
    live(socket, 4); // 3 is missing
    await eventually(() => historyCalls.length === 1, 'gap fetch');
    live(socket, 5, 4, 2);
    await flush();
    expect(seen).toEqual([1, 2]);
    expect(historyCalls).toEqual([{ after: 2, limit: 100 }]); // single flight
    release();
    await eventually(() => seen.length >= 5, 'gap filled');
    live(socket, 3, 5);
    await flush();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(loadedSeqs()).toEqual([1, 2, 3, 4, 5]);
    expect(historyCalls).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('a server resync (its node lost the other nodes and got them back) syncs again on the same socket and surfaces what was missed once', async () => {
    await flush();
    const socket = ws.last();
    await handshake(socket, 'alice', syncedFrame([{ conversationId: C, lastSeq: 0 }], { eventsCursor: 1 }));
    live(socket, 1, 2);
    // 3 and 4 were committed on another node while this one was cut off from the bus.
    socket.deliver({ type: 'resync' });
    await eventually(() => socket.frames('sync').length === 2, 'a second sync on the same socket');
    const sync = socket.frames('sync')[1] as Record<string, unknown>;
    expect(sync['cursors']).toEqual({ [C]: 2 });
    expect(sync['eventsAfter']).toBe(1);
    live(socket, 4); // a live one that races the reply: waits for the gap
    socket.deliver({ ...syncedFrame([{ conversationId: C, lastSeq: 4, messages: [message(C, 3), message(C, 4)] }], { eventsCursor: 1 }), id: sync['id'] as string });
    await eventually(() => seen.length >= 4, 'the missed messages surfaced');
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(ws.sockets).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('a live message that arrives before the first synced waits for it and is surfaced after', async () => {
    await flush();
    const socket = ws.last();
    socket.open();
    socket.deliver(readyFrame('alice'));
    await eventually(() => socket.frames('sync').length === 1, 'sync');
    live(socket, 3);
    expect(seen).toEqual([]);
    socket.deliver(syncedFrame([{ conversationId: C, lastSeq: 2, lastMessage: message(C, 2) }]));
    await flush();
    expect(seen).toEqual([3]);
    live(socket, 3);
    expect(seen).toEqual([3]);
  });

  it('a synced reply overlapping live messages surfaces each seq once, in order', async () => {
    await flush();
    const first = ws.last();
    await handshake(first, 'alice', syncedFrame([{ conversationId: C, lastSeq: 2, lastMessage: message(C, 2) }], { eventsCursor: 3 }));
    expect(seen).toEqual([]); // history before the first sync is summary, not news
    const second = await reconnect(first);
    const sync = second.frames('sync')[0] as Record<string, unknown>;
    expect(sync['cursors']).toEqual({ [C]: 2 });
    expect(sync['eventsAfter']).toBe(3);
    stored = [1, 2, 3, 4, 5].map((s) => message(C, s));
    const release = holdHistory();
    live(second, 3, 5); // 5 is ahead of a gap: waits, and a REST fill starts
    expect(seen).toEqual([3]);
    await eventually(() => historyCalls.length === 1, 'gap fetch');
    second.deliver({ ...syncedFrame([{ conversationId: C, lastSeq: 5, messages: [message(C, 3), message(C, 4), message(C, 5)] }], { eventsCursor: 3 }), id: sync['id'] as string });
    await flush();
    expect(seen).toEqual([3, 4, 5]);
    release();
    await eventually(() => historyAnswered === 1, 'gap fetch answered');
    live(second, 4, 5, 3);
    expect(seen).toEqual([3, 4, 5]);
    // the next gap starts a new fetch only once the first one is finished (single flight)
    stored = [1, 2, 3, 4, 5, 6, 7].map((s) => message(C, s));
    live(second, 7);
    await eventually(() => seen.length === 5, 'second gap filled');
    expect(historyCalls.map((c) => c.after)).toEqual([3, 5]);
    expect(seen).toEqual([3, 4, 5, 6, 7]);
    expect(loadedSeqs()).toEqual([3, 4, 5, 6, 7]);
  });

  it('backfills a limited conversation over REST and reports how many came that way', async () => {
    await flush();
    const first = ws.last();
    await handshake(first, 'alice', syncedFrame([{ conversationId: C, lastSeq: 2 }], { eventsCursor: 1 }));
    const second = await reconnect(first);
    stored = Array.from({ length: 10 }, (_, i) => message(C, i + 1));
    const synced: number[] = [];
    client.on('synced', ({ backfilled }) => synced.push(backfilled));
    second.deliver(syncedFrame([{ conversationId: C, lastSeq: 10, messages: [message(C, 3), message(C, 4)], limited: true }], { eventsCursor: 1 }));
    await eventually(() => synced.length === 1, 'synced event');
    expect(seen).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(historyCalls[0]?.after).toBe(4);
    expect(synced).toEqual([6]);
  });
});

describe('relation events', () => {
  const event = (seq: number): UserEvent => ({ kind: 'friendship', seq, at: 0, peerId: 'bob', status: 'friends', actorId: 'bob' });

  it('replayed events (seq ≤ cursor) are not re-emitted, live or in a synced reply', async () => {
    const relations: number[] = [];
    client.on('relationChanged', ({ event: e }) => relations.push(e.seq));
    await flush();
    const first = ws.last();
    await handshake(first, 'alice', syncedFrame([], { events: [event(4), event(5)], eventsCursor: 5 }));
    expect(relations).toEqual([4, 5]);
    first.deliver({ type: 'event', event: event(6) });
    first.deliver({ type: 'event', event: event(6) });
    first.deliver({ type: 'event', event: event(3) });
    expect(relations).toEqual([4, 5, 6]);
    const second = await reconnect(first);
    const sync = second.frames('sync')[0] as Record<string, unknown>;
    expect(sync['eventsAfter']).toBe(6);
    second.deliver({ ...syncedFrame([], { events: [event(5), event(6), event(7)], eventsCursor: 7 }), id: sync['id'] as string });
    await flush();
    expect(relations).toEqual([4, 5, 6, 7]);
    second.deliver({ type: 'event', event: event(7) });
    expect(relations).toEqual([4, 5, 6, 7]);
  });
});

describe('an events cursor the server does not know', () => {
  const event = (seq: number): UserEvent => ({ kind: 'friendship', seq, at: 0, peerId: 'bob', status: 'friends', actorId: 'bob' });

  it('is replaced by the server’s lower cursor, so later events are not skipped', async () => {
    const relations: number[] = [];
    client.on('relationChanged', ({ event: e }) => relations.push(e.seq));
    await flush();
    const first = ws.last();
    // E.g. a restored backup: the client holds cursor 900, the server's newest event is 5.
    await handshake(first, 'alice', syncedFrame([], { events: [], eventsCursor: 900 }));
    const second = await reconnect(first);
    const sync = second.frames('sync')[0] as Record<string, unknown>;
    expect(sync['eventsAfter']).toBe(900);
    second.deliver({ ...syncedFrame([], { events: [], eventsCursor: 5, eventsLimited: true }), id: sync['id'] as string });
    await flush();
    second.deliver({ type: 'event', event: event(6) });
    expect(relations).toEqual([6]);
    const third = await reconnect(second);
    expect((third.frames('sync')[0] as Record<string, unknown>)['eventsAfter']).toBe(6);
  });
});
