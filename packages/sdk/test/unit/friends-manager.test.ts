/**
 * `@quickchat/sdk/friends`: one manager per client; every action goes to its REST route and
 * resolves once the lists are current; the lists load on first use (at once on a connected
 * client, else on `synced`), and a client that never asks for them fetches none; relation events
 * refetch once per burst (one more when a fetch was in flight); profile events patch entries in
 * place without a request; a sync that skipped events refetches; a failed fetch is an `error` event.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FriendEntry, PublicUser, UserEvent } from '@quickchat/protocol';
import { ApiError, type FetchLike, type QuickchatError } from '../../src/index.js';
import { friendsOf, FriendsManager, type FriendsState } from '../../src/friends/index.js';
import { C, closeAll, testClient } from '../support/client.js';
import { defaultRoutes, eventually, flush, readyFrame, syncedFrame, user, type FakeSocket } from '../support/fakes.js';

const LISTS: Record<string, keyof Omit<FriendsState, 'loaded'>> = {
  '/api/friends': 'friends',
  '/api/friend-requests/incoming': 'incoming',
  '/api/friend-requests/outgoing': 'outgoing',
  '/api/blocks': 'blocked',
};

const entry = (id: string, status: FriendEntry['status'] = 'friends', memo: string | null = null): FriendEntry => ({ user: user(id), status, memo, since: 1 });
const friendship = (seq: number, peerId = 'bob'): UserEvent => ({ kind: 'friendship', seq, at: 0, peerId, status: 'friends', actorId: peerId });
const profile = (seq: number, who: PublicUser): UserEvent => ({ kind: 'profile', seq, at: 0, user: who });

/**
 * A client for alice whose server holds `lists` (what the friend list routes answer), records
 * every request, and answers other requests with `reply`. While `hold` is pending, list requests
 * wait for it; with `failLists`, they fail with a 500.
 */
function setup() {
  const lists: Omit<FriendsState, 'loaded'> = { friends: [], incoming: [], outgoing: [], blocked: [] };
  const calls: { method: string; path: string; body: unknown }[] = [];
  const server = { lists, calls, reply: { status: 204 } as { status: number; body?: unknown }, hold: Promise.resolve(), failLists: false };
  const fallback = defaultRoutes('alice');
  const fetch: FetchLike = async (input, init = {}) => {
    const method = init.method ?? 'GET';
    const path = new URL(input).pathname;
    calls.push({ method, path, body: init.body ? JSON.parse(init.body) : undefined });
    const respond = (status: number, body?: unknown) => ({ status, ok: status < 300, text: async () => (body === undefined ? '' : JSON.stringify(body)) });
    const list = LISTS[path];
    if (method === 'GET' && list) {
      await server.hold;
      return server.failLists ? respond(500, { error: { code: 'internal', message: 'lists are down' } }) : respond(200, { items: lists[list] });
    }
    const known = fallback({ method, path, headers: {}, body: undefined });
    if (known) return respond(known.status ?? 200, known.body);
    return respond(server.reply.status, server.reply.body);
  };
  const t = testClient({ fetch });
  /** How many times the lists were fetched (each fetch asks all four routes). */
  const fetches = () => calls.filter((c) => c.path === '/api/friends').length;
  /** Drops the socket and reconnects (the policy waits 1 s); returns the new socket once it asked for sync. */
  const reconnect = async (socket: FakeSocket): Promise<FakeSocket> => {
    const before = t.ws.sockets.length;
    socket.serverClose(1006);
    t.clock.advance(1000);
    await eventually(() => t.ws.sockets.length > before, 'new socket');
    const next = t.ws.last();
    next.open();
    next.deliver(readyFrame('alice'));
    await eventually(() => next.frames('sync').length === 1, 'sync on the new socket');
    return next;
  };
  /** Answers the pending sync of `socket` with `extra` (events, cursor, limited), and waits for `synced`. */
  const answerSync = async (socket: FakeSocket, extra: Parameters<typeof syncedFrame>[1]) => {
    let done = false;
    const off = t.client.on('synced', () => void (done = true));
    socket.deliver({ ...syncedFrame([{ conversationId: C }], extra), id: socket.frames('sync').at(-1)!['id'] as string });
    await eventually(() => done, 'synced');
    off();
    await flush();
  };
  return { ...t, server, fetches, reconnect, answerSync };
}

afterEach(closeAll);

describe('friendsOf', () => {
  it('returns one manager per client', () => {
    const a = testClient();
    const b = testClient();
    expect(friendsOf(a.client)).toBeInstanceOf(FriendsManager);
    expect(friendsOf(a.client)).toBe(friendsOf(a.client));
    expect(friendsOf(a.client)).not.toBe(friendsOf(b.client));
  });

  it('the core client fetches no friend list by itself', async () => {
    const { client, online, server, fetches } = setup();
    await online(syncedFrame([{ conversationId: C }], { events: [friendship(1)], eventsCursor: 1 }));
    await flush();
    expect(client.connectionState).toBe('connected');
    expect(fetches()).toBe(0);
    expect(server.calls.map((c) => c.path)).not.toContain('/api/blocks');
  });
});

describe('loading on first use', () => {
  it('asked for before connecting, the lists load on the first `synced`, once', async () => {
    const { client, online, server, fetches } = setup();
    server.lists.friends = [entry('bob')];
    const friends = friendsOf(client);
    await flush();
    expect(fetches()).toBe(0);
    expect(friends.store.getState().loaded).toBe(false);
    await online();
    await eventually(() => friends.store.getState().loaded, 'loaded');
    expect(friends.store.getState()).toEqual({ friends: [entry('bob')], incoming: [], outgoing: [], blocked: [], loaded: true });
    expect(fetches()).toBe(1);
  });

  it('asked for after the client synced, the lists are fetched at once', async () => {
    const { client, online, server, fetches } = setup();
    server.lists.incoming = [entry('carol', 'incoming', 'hi')];
    server.lists.blocked = [user('zed')];
    await online();
    await flush();
    expect(fetches()).toBe(0);
    const friends = friendsOf(client);
    await eventually(() => friends.store.getState().loaded, 'loaded without another sync');
    expect(friends.store.getState()).toEqual({ friends: [], incoming: [entry('carol', 'incoming', 'hi')], outgoing: [], blocked: [user('zed')], loaded: true });
    expect(fetches()).toBe(1);
  });
});

describe('friend actions over REST', () => {
  const cases: [string, (f: FriendsManager) => Promise<unknown>, { status: number; body?: unknown }, string, string, unknown, unknown][] = [
    ['request', (f) => f.request('u:b@x', 'hi bob'), { status: 200, body: { status: 'outgoing' } }, 'POST', '/api/friend-requests', { userId: 'u:b@x', memo: 'hi bob' }, 'outgoing'],
    ['request (no memo, they asked first)', (f) => f.request('bob'), { status: 200, body: { status: 'friends' } }, 'POST', '/api/friend-requests', { userId: 'bob' }, 'friends'],
    ['accept', (f) => f.accept('u:b@x'), { status: 200, body: { status: 'friends' } }, 'POST', '/api/friend-requests/u%3Ab%40x/accept', undefined, 'friends'],
    ['decline', (f) => f.decline('bob'), { status: 204 }, 'POST', '/api/friend-requests/bob/decline', undefined, undefined],
    ['cancel', (f) => f.cancel('bob'), { status: 204 }, 'DELETE', '/api/friend-requests/bob', undefined, undefined],
    ['remove', (f) => f.remove('bob'), { status: 204 }, 'DELETE', '/api/friends/bob', undefined, undefined],
    ['block', (f) => f.block('bob'), { status: 204 }, 'PUT', '/api/blocks/bob', undefined, undefined],
    ['unblock', (f) => f.unblock('bob'), { status: 204 }, 'DELETE', '/api/blocks/bob', undefined, undefined],
  ];

  it.each(cases)('%s: its route, then resolves once the lists are refetched', async (_name, act, reply, method, path, body, result) => {
    const { client, online, server, fetches } = setup();
    await online();
    const friends = friendsOf(client);
    await eventually(() => friends.store.getState().loaded, 'loaded');
    const before = fetches();
    server.reply = reply;
    server.lists.outgoing = [entry('bob', 'outgoing')]; // what the server holds after the action
    await expect(act(friends)).resolves.toEqual(result);
    const own = server.calls.filter((c) => !(c.method === 'GET' && LISTS[c.path]));
    expect(own.at(-1)).toEqual({ method, path, body });
    expect(fetches()).toBe(before + 1);
    expect(friends.store.getState().outgoing).toEqual([entry('bob', 'outgoing')]);
  });

  it("a refusal is an ApiError with the server's code", async () => {
    const { client, server } = setup();
    server.reply = { status: 409, body: { error: { code: 'conflict', message: 'already friends' } } };
    const err = await friendsOf(client).request('bob').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'conflict', status: 409 });
  });
});

describe('following events', () => {
  it('relation events refetch once per burst: a sync reply, live events in one turn; one more when a fetch is in flight', async () => {
    const { client, online, server, fetches } = setup();
    const friends = friendsOf(client);
    const socket = await online(syncedFrame([{ conversationId: C }], { events: [friendship(1), friendship(2, 'carol'), friendship(3, 'dave')], eventsCursor: 3 }));
    await eventually(() => friends.store.getState().loaded, 'loaded');
    await flush();
    expect(fetches()).toBe(1); // the reply's three events and the first `synced`: one fetch

    server.lists.friends = [entry('erin')];
    for (const seq of [4, 5, 6]) socket.deliver({ type: 'event', event: friendship(seq, 'erin') });
    await flush();
    expect(fetches()).toBe(2);
    expect(friends.store.getState().friends).toEqual([entry('erin')]);

    let release = () => undefined as void;
    server.hold = new Promise<void>((resolve) => (release = resolve));
    socket.deliver({ type: 'event', event: friendship(7) });
    await flush();
    expect(fetches()).toBe(3); // started, waiting on the server
    socket.deliver({ type: 'event', event: friendship(8) });
    await flush();
    socket.deliver({ type: 'event', event: friendship(9) });
    await flush();
    server.lists.friends = [entry('erin'), entry('bob')];
    release();
    await flush();
    expect(fetches()).toBe(4); // the two events during the fetch: one more, which read what they changed
    expect(friends.store.getState().friends).toEqual([entry('erin'), entry('bob')]);
  });

  it('profile events patch the entries in place, without a request', async () => {
    const { client, online, server, fetches } = setup();
    server.lists = Object.assign(server.lists, { friends: [entry('bob')], incoming: [entry('carol', 'incoming', 'hi')], outgoing: [entry('dave', 'outgoing')] });
    const friends = friendsOf(client);
    const socket = await online();
    await eventually(() => friends.store.getState().loaded, 'loaded');
    const before = fetches();
    const updates: PublicUser[] = [];
    client.on('userUpdated', ({ user: u }) => updates.push(u));
    const bob = { ...user('bob'), displayName: 'Robert', avatarUrl: 'https://example.com/b.png' };
    const carol = { ...user('carol'), signature: 'climbing' };
    socket.deliver({ type: 'event', event: profile(1, bob) });
    socket.deliver({ type: 'event', event: profile(2, carol) });
    await flush();
    expect(updates).toEqual([bob, carol]);
    expect(friends.store.getState()).toMatchObject({ friends: [{ ...entry('bob'), user: bob }], incoming: [{ ...entry('carol', 'incoming', 'hi'), user: carol }], outgoing: [entry('dave', 'outgoing')] });
    expect(fetches()).toBe(before);
  });

  it('a profile event during a fetch fetches once more (the fetch may have read the old profile)', async () => {
    const { client, online, server, fetches } = setup();
    server.lists.friends = [entry('bob')];
    const friends = friendsOf(client);
    let release = () => undefined as void;
    server.hold = new Promise<void>((resolve) => (release = resolve));
    const socket = await online();
    await eventually(() => fetches() === 1, 'first fetch started');
    const bob = { ...user('bob'), displayName: 'Robert' };
    socket.deliver({ type: 'event', event: profile(1, bob) });
    server.lists.friends = [{ ...entry('bob'), user: bob }];
    release();
    await eventually(() => fetches() === 2, 'fetched again');
    await flush();
    expect(friends.store.getState().friends).toEqual([{ ...entry('bob'), user: bob }]);
  });

  it('a sync that skipped events (`eventsLimited`) refetches, once even when its events also changed relations; a plain one does not', async () => {
    const { client, online, server, fetches, reconnect, answerSync } = setup();
    const friends = friendsOf(client);
    const limited: boolean[] = [];
    client.on('synced', ({ eventsLimited }) => limited.push(eventsLimited));
    let socket = await online(syncedFrame([{ conversationId: C }], { eventsCursor: 3 }));
    await eventually(() => friends.store.getState().loaded, 'loaded');
    expect(fetches()).toBe(1);

    socket = await reconnect(socket);
    server.lists.friends = [entry('bob')];
    await answerSync(socket, { eventsCursor: 10, eventsLimited: true });
    expect(fetches()).toBe(2);
    expect(friends.store.getState().friends).toEqual([entry('bob')]);

    socket = await reconnect(socket);
    await answerSync(socket, { events: [friendship(11), friendship(12, 'carol')], eventsCursor: 20, eventsLimited: true });
    expect(fetches()).toBe(3);

    socket = await reconnect(socket);
    await answerSync(socket, { eventsCursor: 20 });
    expect(fetches()).toBe(3);
    expect(limited).toEqual([false, true, true, false]);
  });

  it('a failed fetch is an `error` event; the next relation event fetches again', async () => {
    const { client, online, server, fetches, errors } = setup();
    server.failLists = true;
    const friends = friendsOf(client);
    const socket = await online();
    await eventually(() => errors.length === 1, 'error event');
    expect(errors[0]).toBeInstanceOf(ApiError);
    expect((errors[0] as QuickchatError).code).toBe('internal');
    expect(friends.store.getState().loaded).toBe(false);
    server.failLists = false;
    server.lists.friends = [entry('bob')];
    socket.deliver({ type: 'event', event: friendship(1) });
    await eventually(() => friends.store.getState().loaded, 'loaded after the event');
    expect(friends.store.getState().friends).toEqual([entry('bob')]);
    expect(fetches()).toBe(2);
  });

  it('closing the client drops a refetch it had scheduled', async () => {
    const { client, online, fetches } = setup();
    const friends = friendsOf(client);
    const socket = await online();
    await eventually(() => friends.store.getState().loaded, 'loaded');
    socket.deliver({ type: 'event', event: friendship(1) });
    client.close();
    await flush();
    expect(fetches()).toBe(1);
  });
});
