import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorFrame, MessageFrame, ServerFrame } from '@quickchat/protocol';
import { errorOf, GroupsHarness } from './support/groups.js';
import { sync } from './support/friends.js';
import type { TestUser } from './support/rest.js';
import type { RawClient } from './support/ws-client.js';
import { externalIssuer } from './support/external-users.js';
import { messageIn, sendTo } from './support/messaging.js';

/**
 * A group of 1,000 members, every one connected: one message reaches each member once, a read
 * costs no frame to anyone else, typing is off, members page, and the cap holds. Bounded in time.
 */
const MEMBERS = 1000;
const { auth: EXTERNAL_AUTH, user } = externalIssuer('large-group');

describe(`a group of ${MEMBERS} members`, () => {
  let h: GroupsHarness;
  let owner: TestUser;
  let members: TestUser[];
  let g: string;
  let sockets: RawClient[];

  beforeAll(async () => {
    h = await GroupsHarness.start({
      auth: EXTERNAL_AUTH,
      limits: { connectionsPerIp: MEMBERS + 10, groupInvitesPerHour: MEMBERS * 2 },
    });
    owner = user('owner');
    members = Array.from({ length: MEMBERS - 1 }, (_, i) => user(`m${String(i).padStart(4, '0')}`));
    for (const u of [owner, ...members]) expect((await h.rest.call('GET', '/api/me', { token: u.token })).status).toBe(200);
    g = await h.createGroup(owner, { name: 'Everyone' });
    for (let i = 0; i < members.length; i += 100) {
      const res = await h.add(owner, g, members.slice(i, i + 100).map((m) => m.id));
      expect(res.body.invited).toHaveLength(Math.min(100, members.length - i));
    }
    for (const m of members) expect((await h.acceptInvite(m, g)).status).toBe(204);
    sockets = [];
    for (const u of [owner, ...members]) sockets.push(await h.connect(u));
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('holds every member, pages them, and refuses one more', async () => {
    expect((await h.info(owner, g)).body.memberCount).toBe(MEMBERS);
    const seen: string[] = [];
    let after = '';
    for (;;) {
      const page = await h.members(members[0]!, g, `?limit=200${after ? `&after=${after}` : ''}`);
      seen.push(...page.body.items.map((m) => m.user.id));
      if (!page.body.next) break;
      after = page.body.next;
    }
    expect(seen).toHaveLength(MEMBERS);
    expect(new Set(seen).size).toBe(MEMBERS);
    const extra = user('one-too-many');
    await h.rest.call('GET', '/api/me', { token: extra.token });
    await h.add(owner, g, [extra.id]);
    const full = await h.acceptInvite(extra, g);
    expect(full.status).toBe(409);
    expect(errorOf(full).message).toMatch(/full/);
  });

  it('delivers one message to every member exactly once', async () => {
    const ack = await sendTo(sockets[0]!, g, 'hello, everyone');
    expect(ack.type).toBe('ack');
    const seq = (ack as { seq: number }).seq;
    const isIt = (f: ServerFrame) => messageIn(g)(f) && (f as MessageFrame).message.seq === seq;
    await Promise.all(sockets.slice(1).map((s) => s.next(isIt, 30_000)));
    for (const s of sockets) await s.roundTrip();
    expect(sockets.map((s) => s.frames.filter(isIt).length)).toEqual(sockets.map(() => 1));
  }, 60_000);

  it('a read costs no frame to the other members, typing is not relayed, and read-by is counted on demand', async () => {
    const ack = (await sendTo(sockets[0]!, g, 'read me')) as { seq: number };
    const [reader, other] = [sockets[1]!, sockets[2]!];
    await reader.next((f) => messageIn(g)(f) && (f as MessageFrame).message.seq === ack.seq);
    const before = sockets.map((s) => s.frames.length);
    reader.send({ type: 'receipt', conversationId: g, read: ack.seq });
    reader.send({ type: 'typing', conversationId: g, active: true });
    await reader.roundTrip();
    for (const s of [sockets[0]!, other, sockets.at(-1)!]) await s.roundTrip();
    // Only the round trips' pongs arrived at the others.
    expect(sockets[0]!.frames.slice(before[0]).map((f) => f.type)).toEqual(['pong']);
    expect(other.frames.slice(before[2]).map((f) => f.type)).toEqual(['pong']);
    expect((await h.readBy(owner, g, ack.seq)).body).toMatchObject({ read: 1, of: MEMBERS - 1 });
    // A member's sync lists one cursor for this group, their own.
    const synced = await sync(other, { eventsAfter: 0 });
    expect(synced.conversations.find((c) => c.conversationId === g)!.cursors).toHaveLength(1);
  }, 60_000);

  it('a removed member stops receiving at once; the others still do', async () => {
    const removed = members.at(-1)!;
    const removedSocket = sockets.at(-1)!;
    expect((await h.remove(owner, g, removed.id)).status).toBe(204);
    const ack = (await sendTo(sockets[0]!, g, 'after the removal')) as { seq: number };
    const isIt = (f: ServerFrame) => messageIn(g)(f) && (f as MessageFrame).message.seq === ack.seq;
    await sockets[1]!.next(isIt);
    await removedSocket.roundTrip();
    expect(removedSocket.frames.filter(isIt)).toEqual([]);
    expect(((await sendTo(removedSocket, g, 'still here?')) as ErrorFrame).code).toBe('not_found');
  }, 60_000);
});

/**
 * The code holds at 10,000 members (the largest `maxGroupMembers` allowed): a group seeded through
 * the store with 10,000 members still answers every operation, and dissolving it tells all of them.
 */
describe('a group of 10,000 members', () => {
  const BIG = 10_000;
  let h: GroupsHarness;
  let dataDir: string;
  let store: import('../src/store/sqlite/sqlite-store.js').SqliteStore;

  afterAll(async () => {
    await h?.close();
    await store?.close();
    if (dataDir) (await import('node:fs')).rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers info, paging, sends, read-by, removal and dissolution', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openSqliteStore } = await import('../src/store/sqlite/sqlite-store.js');
    const { systemMessage } = await import('../src/services/groups/notices.js');
    dataDir = mkdtempSync(join(tmpdir(), 'quickchat-10k-'));
    store = openSqliteStore({ file: join(dataDir, 'quickchat.db') });
    h = await GroupsHarness.start({
      dataDir,
      store,
      auth: EXTERNAL_AUTH,
      limits: { maxGroupMembers: BIG },
    });
    const owner = user('big-owner');
    const someone = user('big-0001');
    for (const u of [owner, someone]) await h.rest.call('GET', '/api/me', { token: u.token });
    const ids = Array.from({ length: BIG - 1 }, (_, i) => `big-${String(i + 1).padStart(4, '0')}`);
    const g = 'g:tenthousand';
    const at = Date.now();
    for (const id of ids) await store.upsertExternalUser({ id, displayName: id, avatarUrl: null, createdAt: at });
    const created = await store.createGroup({
      id: g,
      ownerId: owner.id,
      name: 'Ten thousand',
      avatarUrl: null,
      description: '',
      joinMode: 'closed',
      historyVisible: false,
      members: ids,
      pending: [],
      message: systemMessage(g, owner.id, { action: 'created', changes: { name: 'Ten thousand' } }, at),
      events: [],
      createdAt: at,
    });
    expect(created.status).toBe('applied');

    expect((await h.info(someone, g)).body.memberCount).toBe(BIG);
    const last = await h.members(someone, g, `?after=big-9900&limit=200`);
    // big-9901 … big-9999, then big-owner (ids sort as text).
    expect(last.body.items.map((m) => m.user.id)).toEqual([...ids.slice(9900), owner.id]);
    expect(last.body.next).toBeNull();
    const o = await h.connect(owner);
    const s = await h.connect(someone);
    const ack = (await sendTo(o, g, 'hello ten thousand')) as { seq: number };
    expect((await s.next<MessageFrame>(messageIn(g))).message.seq).toBe(ack.seq);
    expect((await h.readBy(owner, g, ack.seq)).body).toEqual({ seq: ack.seq, read: 0, delivered: 0, of: BIG - 1 });
    expect((await sync(s, { eventsAfter: 0 })).conversations.find((c) => c.conversationId === g)).toMatchObject({ group: { memberCount: BIG, role: 'member' } });
    expect((await h.remove(owner, g, 'big-9999')).status).toBe(204);
    expect((await h.info(owner, g)).body.memberCount).toBe(BIG - 1);
    expect((await h.dissolve(owner, g)).status).toBe(204);
    await s.next((f) => f.type === 'event' && f.event.kind === 'group' && f.event.change === 'dissolved');
    expect(await store.latestUserEventSeq('big-5000')).toBe(1);
  }, 60_000);
});
