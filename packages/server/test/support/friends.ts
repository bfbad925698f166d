import Database from 'better-sqlite3';
import { dmConversationId, type AckFrame, type ErrorFrame, type EventFrame, type FriendEntry, type PublicUser, type ServerFrame, type SyncedFrame, type UserEvent } from '@quickchat/protocol';
import { parseServerFrame, ProtocolError } from '@quickchat/protocol/validate';
import { afterEach } from 'vitest';
import { startTestServer } from './server.js';
import type { TestUser } from './rest.js';
import type { RawClient } from './ws-client.js';
import { ChatFixture, sendTo } from './messaging.js';
import type { ServerOptions } from '../../src/config.js';

/** A user id that is well-formed but belongs to nobody. */
export const NOBODY = 'u_nobody000000000000000';

/** A {@link ChatFixture} with shortcuts for the friend, block and event routes and a look into the database. */
export class FriendsHarness extends ChatFixture {
  static override async start(overrides: Partial<ServerOptions> = {}): Promise<FriendsHarness> {
    return new FriendsHarness(await startTestServer(overrides));
  }

  register(handle: string): Promise<TestUser> {
    return this.rest.register(handle);
  }

  // --- REST shortcuts (return the raw result so tests can assert status and body) ---

  request(from: TestUser, to: string, memo?: string) {
    return this.rest.call('POST', '/api/friend-requests', { token: from.token, body: memo === undefined ? { userId: to } : { userId: to, memo } });
  }
  accept(user: TestUser, requester: string) {
    return this.rest.call('POST', `/api/friend-requests/${requester}/accept`, { token: user.token });
  }
  decline(user: TestUser, requester: string) {
    return this.rest.call('POST', `/api/friend-requests/${requester}/decline`, { token: user.token });
  }
  cancel(user: TestUser, peer: string) {
    return this.rest.call('DELETE', `/api/friend-requests/${peer}`, { token: user.token });
  }
  remove(user: TestUser, peer: string) {
    return this.rest.call('DELETE', `/api/friends/${peer}`, { token: user.token });
  }
  block(user: TestUser, peer: string) {
    return this.rest.call('PUT', `/api/blocks/${peer}`, { token: user.token });
  }
  unblock(user: TestUser, peer: string) {
    return this.rest.call('DELETE', `/api/blocks/${peer}`, { token: user.token });
  }

  /** One of the friend lists; throws unless 200. */
  async list(user: TestUser, which: 'friends' | 'incoming' | 'outgoing'): Promise<FriendEntry[]> {
    const path = which === 'friends' ? '/api/friends' : `/api/friend-requests/${which}`;
    const res = await this.rest.call<{ items: FriendEntry[] }>('GET', path, { token: user.token });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.items;
  }

  /** Users `user` has blocked; throws unless 200. */
  async blocks(user: TestUser): Promise<PublicUser[]> {
    const res = await this.rest.call<{ items: PublicUser[] }>('GET', '/api/blocks', { token: user.token });
    if (res.status !== 200) throw new Error(`GET /api/blocks: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.items;
  }

  /** All three lists as `[peerId, status]` pairs, for compact assertions. */
  async relations(user: TestUser): Promise<{ friends: [string, string][]; incoming: [string, string][]; outgoing: [string, string][] }> {
    const pairs = (items: FriendEntry[]) => items.map((e): [string, string] => [e.user.id, e.status]);
    const [friends, incoming, outgoing] = await Promise.all([this.list(user, 'friends'), this.list(user, 'incoming'), this.list(user, 'outgoing')]);
    return { friends: pairs(friends), incoming: pairs(incoming), outgoing: pairs(outgoing) };
  }

  // --- database (a separate read-only reader on the server's SQLite file) ---

  query<T>(sql: string, ...params: unknown[]): T[] {
    const db = new Database(this.t.dbFile, { readonly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  }

  count(table: 'messages' | 'conversations' | 'friendships' | 'blocks'): number {
    return this.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)[0]!.n;
  }

  latestEventSeq(userId: string): number {
    return this.query<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM user_events WHERE user_id = ?', userId)[0]!.seq ?? 0;
  }
}

/** What the function {@link useFriendsServer} returns resolves with: a fresh harness and its first two users. */
export interface FriendsPair {
  h: FriendsHarness;
  alice: TestUser;
  bob: TestUser;
}

/**
 * Registers the usual hooks of a friends suite and returns a start function (the suites name it
 * `startServer`). Each call (in a test, or in a `beforeEach` when every test of a suite wants the
 * same server) boots a fresh server with `overrides` and registers `alice` then `bob`, mutual
 * friends if `befriend`. After each test, every harness started for it is closed (its sockets,
 * then its server).
 */
export function useFriendsServer(): (options?: { befriend?: boolean; overrides?: Partial<ServerOptions> }) => Promise<FriendsPair> {
  const started: FriendsHarness[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((h) => h.close()));
  });
  return async ({ befriend = false, overrides = {} } = {}) => {
    const h = await FriendsHarness.start(overrides);
    started.push(h);
    const alice = await h.register('alice');
    const bob = await h.register('bob');
    if (befriend) await h.rest.befriend(alice, bob);
    return { h, alice, bob };
  };
}

let frameId = 0;

/** Sends a DM over `client` and resolves with its ack or error (matched by frame id). */
export function sendDm(client: RawClient, from: string, to: string, text = 'hi'): Promise<AckFrame | ErrorFrame> {
  return sendTo(client, dmConversationId(from, to), text);
}

/** Sends a `sync` (with cursors, if given) and resolves with the matching `synced`. */
export async function sync(client: RawClient, frame: { eventsAfter?: number; cursors?: Record<string, number> } = {}): Promise<SyncedFrame> {
  const id = ++frameId;
  client.send({ type: 'sync', id, ...frame });
  const reply = await client.next<SyncedFrame | ErrorFrame>((f) => (f.type === 'synced' || f.type === 'error') && f.id === id);
  if (reply.type !== 'synced') throw new Error(`sync failed: ${JSON.stringify(reply)}`);
  return reply;
}

/** The `event` frames `client` received so far, each checked against the protocol schema. */
export function events(client: RawClient): UserEvent[] {
  return client.frames
    .filter((f): f is EventFrame => f.type === 'event')
    .map((f) => {
      const parsed = parseServerFrame(JSON.stringify(f));
      if (parsed instanceof ProtocolError || parsed.type !== 'event') throw new Error(`invalid event frame: ${JSON.stringify(f)}`);
      return f.event;
    });
}

/** Waits until `client` has received at least `count` event frames, then returns them all. */
export async function waitForEvents(client: RawClient, count: number): Promise<UserEvent[]> {
  await client.waitForCount((f: ServerFrame) => f.type === 'event', count);
  return events(client);
}

/** An event without its `seq` and `at`, for comparing content. */
export function shape(event: UserEvent): Record<string, unknown> {
  const { seq: _seq, at: _at, ...rest } = event;
  return rest;
}
