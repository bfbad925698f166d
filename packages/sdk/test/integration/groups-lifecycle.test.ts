/**
 * The groups capability point by point, SDK against the real server (no fakes): a join request
 * approved while the requester is offline, one user on two devices, roles and transfer, read-by
 * below and above the live-receipts size, dissolution, and several typers at once.
 */
import { describe, expect, it } from 'vitest';
import { groupsOf, type GroupEventContext, type GroupEvents } from '../../src/groups/index.js';
import { ApiError, MemoryStorage, type ChatClient, type ClientOptions, type FetchLike, type LocalMessage } from '../../src/index.js';
import { type TestServer, type TestUser, Rest, clientMaker, startServerForSdk, until, usePair } from '../support/sdk-server.js';
import { eventually, nextSynced, persistedOutbox, range, recordSurfaced, seqTexts, trackedWebSocket } from './helpers.js';

type GroupEventName = keyof GroupEvents;

/** Every group event the client's manager emits, in order, as `[name, context]`. */
function recordGroupEvents(client: ChatClient): [GroupEventName, GroupEventContext][] {
  const log: [GroupEventName, GroupEventContext][] = [];
  const names: GroupEventName[] = ['invited', 'inviteDeclined', 'inviteCancelled', 'requested', 'requestCancelled', 'requestApproved', 'requestDeclined', 'joined', 'left', 'removed', 'roleChanged', 'dissolved'];
  for (const name of names) groupsOf(client).on(name, (context) => log.push([name, context]));
  return log;
}

/** The pieces of a suite that {@link groupOfThree} needs. */
interface Suite {
  rest: Rest;
  alice: TestUser;
  bob: TestUser;
  open: (user: TestUser, options?: Partial<ClientOptions>) => ChatClient;
}

/**
 * Registers carol as alice's friend, opens alice's (with `aliceOptions`), bob's and carol's
 * clients, and has alice create a group of the three; resolves once bob and carol list it.
 */
async function groupOfThree({ rest, alice, bob, open }: Suite, name: string, aliceOptions: Partial<ClientOptions> = {}) {
  const carol = await rest.register('carol');
  await rest.befriend(alice, carol);
  const a = open(alice, aliceOptions);
  const b = open(bob);
  const c = open(carol);
  await Promise.all([a, b, c].map((x) => nextSynced(x)));
  const { group } = await groupsOf(a).create({ name, members: [bob.id, carol.id] });
  const G = group.id;
  for (const x of [b, c]) await until(x, () => x.conversations.getState()[G]?.group?.memberCount === 3, 15_000, 'member has the group');
  return { carol, a, b, c, G };
}

/** The names of the recorded events about group `G`. */
const namesFor = (log: [GroupEventName, GroupEventContext][], G: string) => log.filter(([, e]) => e.groupId === G).map(([name]) => name);

/** A fetch that records the path and query of every request. */
function recordingFetch(): { fetch: FetchLike; urls: string[] } {
  const urls: string[] = [];
  const fetch: FetchLike = (input, init) => {
    const url = new URL(input);
    urls.push(url.pathname + url.search);
    return globalThis.fetch(input, init);
  };
  return { fetch, urls };
}

/** The seq of the newest system notice with `action` the client surfaced in `G`. */
function noticeSeq(log: readonly LocalMessage[], G: string, action: string): number | undefined {
  return log.filter((m) => m.conversationId === G && m.content.type === 'system' && m.content.action === action).at(-1)?.seq ?? undefined;
}

const textsOf = (client: ChatClient, G: string) => (client.messages.getState()[G]?.items ?? []).flatMap((m) => (m.content.type === 'text' ? [m.content.text] : []));

describe('group lifecycle through the SDK', () => {
  let t: TestServer;
  let rest: Rest;
  let alice: TestUser;
  let bob: TestUser;
  const clients: ChatClient[] = [];
  const open = clientMaker(clients, () => t);
  usePair(clients, (p) => ({ t, rest, alice, bob } = p));

  it('a join request approved while the requester is offline: on restart the group is listed with its summary, `joined` fired, and messages arrive live', async () => {
    const carol = await rest.register('carol'); // not alice's friend: she can only ask to join
    const a = open(alice);
    const aliceEvents = recordGroupEvents(a);
    const aliceLog = recordSurfaced(a);
    const storage = new MemoryStorage();
    const c1 = open(carol, { storage });
    await Promise.all([nextSynced(a), nextSynced(c1)]);

    const { group } = await groupsOf(a).create({ name: 'Boulderers', joinMode: 'request' });
    const G = group.id;
    expect(await groupsOf(c1).requestToJoin(G, 'let me in')).toBe('requested');
    await until(a, () => namesFor(aliceEvents, G).includes('requested'), 15_000, 'alice sees the request');
    expect(aliceEvents.find(([n]) => n === 'requested')?.[1]).toMatchObject({ subjectId: carol.id, memo: 'let me in' });
    expect(c1.conversations.getState()[G]).toBeUndefined();

    // Carol's client is closed (a closed tab); alice approves and writes meanwhile.
    c1.close();
    await groupsOf(a).approve(G, carol.id);
    await until(a, () => namesFor(aliceEvents, G).includes('requestApproved') && noticeSeq(aliceLog, G, 'approved') !== undefined, 15_000, 'alice sees the approval');
    const approvedSeq = noticeSeq(aliceLog, G, 'approved') as number;
    a.send(G, 'while you were away');
    await until(a, () => aliceLog.some((m) => m.conversationId === G && m.content.type === 'text'), 15_000, 'alice message stored');

    // Carol starts again on the same storage.
    const c2 = open(carol, { storage, autoConnect: false });
    const carolEvents = recordGroupEvents(c2);
    const carolLog = recordSurfaced(c2);
    const synced = nextSynced(c2);
    c2.connect();
    await synced;
    await until(c2, () => c2.conversations.getState()[G]?.group?.name === 'Boulderers' && namesFor(carolEvents, G).includes('joined'), 15_000, 'carol has the group and joined');
    expect(namesFor(carolEvents, G)).toEqual(['joined']);
    expect(carolEvents[0]?.[1]).toMatchObject({ groupId: G, subjectId: carol.id, actorId: alice.id, role: 'member' });
    expect(c2.conversations.getState()[G]).toMatchObject({
      kind: 'group',
      left: false,
      floor: approvedSeq - 1,
      group: { name: 'Boulderers', memberCount: 2, role: 'member' },
    });
    await until(c2, () => seqTexts(carolLog, G).some((s) => s.endsWith(':while you were away')), 15_000, 'carol caught up');
    // She sees from her approval notice on, nothing below her floor.
    expect(carolLog.filter((m) => m.conversationId === G).map((m) => m.seq)).toEqual([approvedSeq, approvedSeq + 1]);

    // Live from now on: no reconnect, the message just arrives.
    const reconnects: string[] = [];
    c2.on('connectionStateChanged', ({ newState }) => reconnects.push(newState));
    a.send(G, 'welcome, carol');
    await until(c2, () => seqTexts(carolLog, G).some((s) => s.endsWith(':welcome, carol')), 15_000, 'carol got the live message');
    expect(seqTexts(carolLog, G)).toEqual([`${approvedSeq}:?`, `${approvedSeq + 1}:while you were away`, `${approvedSeq + 2}:welcome, carol`]);
    expect(reconnects).toEqual([]);
    expect(c2.connectionState).toBe('connected');
  });

  it('one user on two devices: both get `invited`, then `joined` when one accepts, and every group message once, in order', async () => {
    const carol = await rest.register('carol'); // not alice's friend: she is invited, not added
    const a = open(alice);
    const b = open(bob);
    const c1 = open(carol);
    const c2 = open(carol);
    const events = new Map([c1, c2].map((c) => [c, recordGroupEvents(c)]));
    const logs = new Map([c1, c2].map((c) => [c, recordSurfaced(c)]));
    await Promise.all([a, b, c1, c2].map((c) => nextSynced(c)));

    const { group, outcome } = await groupsOf(a).create({ name: 'Crag trip', members: [bob.id, carol.id] });
    expect(outcome).toMatchObject({ added: [bob.id], invited: [carol.id], refused: [] });
    const G = group.id;
    for (const c of [c1, c2]) await until(c, () => namesFor(events.get(c)!, G).includes('invited'), 15_000, 'invited on each device');
    for (const c of [c1, c2]) expect(events.get(c)!.find(([n]) => n === 'invited')?.[1]).toMatchObject({ groupId: G, actorId: alice.id, group: { name: 'Crag trip', role: null } });

    await groupsOf(c1).acceptInvite(G);
    for (const c of [c1, c2]) {
      await until(c, () => namesFor(events.get(c)!, G).includes('joined') && c.conversations.getState()[G]?.group?.role === 'member', 15_000, 'joined on each device');
      expect(namesFor(events.get(c)!, G)).toEqual(['invited', 'joined']);
      expect(c.conversations.getState()[G]).toMatchObject({ left: false, group: { name: 'Crag trip', memberCount: 3, role: 'member' } });
    }

    // Alice and bob write at once, carol from device 2 too: both of carol's devices see the same order, once each.
    for (const i of range(15)) {
      a.send(G, `a${i}`);
      if (i % 3 === 0) b.send(G, `b${i / 3}`);
    }
    c2.send(G, 'from device 2');
    const textCount = (c: ChatClient) => logs.get(c)!.filter((m) => m.conversationId === G && m.content.type === 'text').length;
    for (const c of [c1, c2]) await until(c, () => textCount(c) === 21, 20_000, 'every message on each device');
    const reference = seqTexts(logs.get(c1)!, G);
    expect(seqTexts(logs.get(c2)!, G)).toEqual(reference);
    const seqs = reference.map((x) => Number(x.split(':')[0]));
    expect(seqs).toEqual(range(seqs.length).map((i) => seqs[0]! + i - 1)); // consecutive: no gap, no repeat
    const texts = reference.map((x) => x.slice(x.indexOf(':') + 1));
    expect(texts.filter((x) => /^a\d+$/.test(x))).toEqual(range(15).map((i) => `a${i}`));
    expect(texts.filter((x) => /^b\d+$/.test(x))).toEqual(range(5).map((i) => `b${i}`));
    expect(texts.filter((x) => x === 'from device 2')).toHaveLength(1);
    // On device 1 the message from device 2 is carol's own, stored.
    expect(logs.get(c1)!.find((m) => m.content.type === 'text' && m.content.text === 'from device 2')).toMatchObject({ senderId: carol.id, state: 'sent' });
    for (const c of [c1, c2]) expect(c.messages.getState()[G]?.items.filter((m) => m.content.type === 'text' && m.content.text === 'from device 2')).toHaveLength(1);
  });

  it('role changes and transfer emit `roleChanged` with the new role; the owner cannot leave until they transfer', async () => {
    const a = open(alice);
    const b = open(bob);
    const aliceEvents = recordGroupEvents(a);
    const bobEvents = recordGroupEvents(b);
    // What bob's conversation list says of his role at the moment each event fires.
    const roleInStore: unknown[] = [];
    groupsOf(b).on('roleChanged', (e) => roleInStore.push(b.conversations.getState()[e.groupId]?.group?.role));
    await Promise.all([nextSynced(a), nextSynced(b)]);
    const { group } = await groupsOf(a).create({ name: 'Route setters', members: [bob.id] });
    const G = group.id;
    await until(b, () => b.conversations.getState()[G]?.group?.role === 'member', 15_000, 'bob is a member');
    const roles = (log: typeof bobEvents) => log.filter(([n, e]) => n === 'roleChanged' && e.groupId === G).map(([, e]) => e.role);

    await groupsOf(a).setRole(G, bob.id, 'admin');
    await until(b, () => roles(bobEvents).length === 1, 15_000, 'bob made admin');
    expect(roles(bobEvents)).toEqual(['admin']);
    expect(bobEvents.find(([n]) => n === 'roleChanged')?.[1]).toMatchObject({ subjectId: bob.id, actorId: alice.id });
    expect((await groupsOf(b).get(G)).myRole).toBe('admin');
    // The conversation list knows it too (a UI showing admin controls reads it there).
    expect(b.conversations.getState()[G]?.group?.role).toBe('admin');

    await groupsOf(a).setRole(G, bob.id, 'member');
    await until(b, () => roles(bobEvents).length === 2, 15_000, 'bob made member again');
    expect(roles(bobEvents)).toEqual(['admin', 'member']);

    // The owner cannot leave.
    const refused = await groupsOf(a).leave(G).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: 'forbidden', status: 403 });
    expect(a.conversations.getState()[G]?.left).toBe(false);
    expect((await groupsOf(a).get(G)).myRole).toBe('owner');

    // Transfer: bob becomes the owner, alice an admin; each hears of their own new role.
    await groupsOf(a).transfer(G, bob.id);
    await until(b, () => roles(bobEvents).length === 3, 15_000, 'bob made owner');
    await until(a, () => roles(aliceEvents).length === 1, 15_000, 'alice made admin');
    expect(roles(bobEvents)).toEqual(['admin', 'member', 'owner']);
    expect(roleInStore).toEqual(['admin', 'member', 'owner']);
    expect(roles(aliceEvents)).toEqual(['admin']);
    expect(await groupsOf(b).get(G)).toMatchObject({ ownerId: bob.id, myRole: 'owner' });
    expect([a.conversations.getState()[G]?.group?.role, b.conversations.getState()[G]?.group?.role]).toEqual(['admin', 'owner']);

    // Now alice may leave; bob (the owner now) may not.
    await groupsOf(a).leave(G);
    await until(a, () => a.conversations.getState()[G]?.left === true && namesFor(aliceEvents, G).includes('left'), 15_000, 'alice left');
    await expect(groupsOf(b).leave(G)).rejects.toMatchObject({ code: 'forbidden', status: 403 });
  });

  it('read-by in a small group is counted from live cursors, locally, once another member read', async () => {
    const recorded = recordingFetch();
    const { carol, a, b, c, G } = await groupOfThree({ rest, alice, bob, open }, 'Small', { fetch: recorded.fetch });
    expect(a.limits.getState()?.groups.liveReceiptsMaxMembers).toBeGreaterThanOrEqual(3);

    const sent = a.send(G, 'who reads this?');
    await until(a, () => a.messages.getState()[G]?.items.find((m) => m.clientMsgId === sent.clientMsgId)?.seq != null, 15_000, 'stored');
    const seq = a.messages.getState()[G]!.items.find((m) => m.clientMsgId === sent.clientMsgId)!.seq as number;
    // Both clients acknowledge delivery by themselves; only bob reads.
    const cursorOf = (userId: string) => a.conversations.getState()[G]?.cursors.find((x) => x.userId === userId);
    await until(a, () => (cursorOf(bob.id)?.delivered ?? 0) >= seq && (cursorOf(carol.id)?.delivered ?? 0) >= seq, 15_000, 'delivered to both');
    await until(b, () => b.conversations.getState()[G]?.lastSeq === seq, 15_000, 'bob has it');
    b.markRead(G);
    await until(a, () => (cursorOf(bob.id)?.read ?? 0) >= seq, 15_000, 'alice sees bob read');

    const before = recorded.urls.length;
    expect(await groupsOf(a).readBy(G, seq)).toEqual({ seq, read: 1, delivered: 2, of: 2 });
    expect(recorded.urls.slice(before).filter((u) => u.includes('/read-by'))).toEqual([]); // computed locally
    // The server agrees.
    const server = await rest.call('GET', `/api/conversations/${encodeURIComponent(G)}/read-by?seq=${seq}`, { token: alice.token });
    expect(server.body).toEqual({ seq, read: 1, delivered: 2, of: 2 });
  });

  it('dissolve: every member gets `dissolved`, the conversation is left and readable, sending rejects with not_found and queues nothing', async () => {
    const carol = await rest.register('carol');
    await rest.befriend(alice, carol);
    const storageOf = new Map<ChatClient, MemoryStorage>();
    const tracked = trackedWebSocket();
    const openWith = (user: TestUser, extra: Parameters<typeof open>[1] = {}) => {
      const storage = new MemoryStorage();
      const client = open(user, { storage, ...extra });
      storageOf.set(client, storage);
      return client;
    };
    const a = openWith(alice);
    const b = openWith(bob, { WebSocket: tracked.WebSocket });
    const c = openWith(carol);
    const all = [a, b, c];
    const events = new Map(all.map((x) => [x, recordGroupEvents(x)]));
    await Promise.all(all.map((x) => nextSynced(x)));
    const { group } = await groupsOf(a).create({ name: 'Short-lived', members: [bob.id, carol.id] });
    const G = group.id;
    a.send(G, 'one');
    b.send(G, 'two');
    c.send(G, 'three');
    for (const x of all) await until(x, () => ['one', 'two', 'three'].every((s) => textsOf(x, G).includes(s)), 15_000, 'everyone has the messages');
    const held = new Map(all.map((x) => [x, x.messages.getState()[G]!.items.length]));

    await groupsOf(a).dissolve(G);
    for (const x of all) {
      await until(x, () => x.conversations.getState()[G]?.left === true && namesFor(events.get(x)!, G).includes('dissolved'), 15_000, 'dissolved on every member');
      expect(events.get(x)!.filter(([n, e]) => n === 'dissolved' && e.groupId === G)).toHaveLength(1);
      // Still readable: what it held is kept (plus the dissolution notice).
      expect(textsOf(x, G)).toEqual(expect.arrayContaining(['one', 'two', 'three']));
      expect(x.messages.getState()[G]!.items.length).toBeGreaterThanOrEqual(held.get(x)!);
      expect(x.conversations.getState()[G]).toMatchObject({ kind: 'group', left: true });
    }

    const framesBefore = tracked.sent.get(tracked.live()!)!.length;
    for (const x of all) {
      const count = x.messages.getState()[G]!.items.length;
      expect(() => x.send(G, 'anyone?')).toThrow(expect.objectContaining({ code: 'not_found', retryable: false }));
      // Nothing was queued: no pending copy in the store, nothing in the persisted outbox.
      expect(x.messages.getState()[G]!.items).toHaveLength(count);
      expect(x.messages.getState()[G]!.items.some((m) => m.state === 'pending' || (m.content.type === 'text' && m.content.text === 'anyone?'))).toBe(false);
      expect(await persistedOutbox(storageOf.get(x)!)).toEqual([]);
    }
    expect(tracked.sent.get(tracked.live()!)!.slice(framesBefore).filter((f) => f.includes('"send"'))).toEqual([]);
    await expect(groupsOf(b).get(G)).rejects.toMatchObject({ code: 'not_found', status: 404 });
  });

  it('typing in a group of 3: the third member sees both typers at once', async () => {
    const { a, b, c, G } = await groupOfThree({ rest, alice, bob, open }, 'Chatty');
    const typingEvents: { userId: string; active: boolean }[] = [];
    c.on('typing', ({ conversationId, userId, active }) => conversationId === G && typingEvents.push({ userId, active }));

    a.setTyping(G, true);
    await until(c, () => c.conversations.getState()[G]?.typing.includes(alice.id) === true, 15_000, 'carol sees alice typing');
    b.setTyping(G, true);
    await until(c, () => c.conversations.getState()[G]?.typing.length === 2, 15_000, 'carol sees both typing');
    expect(c.conversations.getState()[G]!.typing).toEqual([alice.id, bob.id]);
    expect(typingEvents).toEqual([
      { userId: alice.id, active: true },
      { userId: bob.id, active: true },
    ]);
    // Alice sees bob only (never herself).
    await until(a, () => a.conversations.getState()[G]?.typing.includes(bob.id) === true, 15_000, 'alice sees bob typing');
    expect(a.conversations.getState()[G]!.typing).toEqual([bob.id]);

    // Alice stops: bob remains.
    a.setTyping(G, false);
    await until(c, () => c.conversations.getState()[G]?.typing.length === 1, 15_000, 'alice stopped');
    expect(c.conversations.getState()[G]!.typing).toEqual([bob.id]);
  });
});

describe('read-by above the live-receipts size, through the SDK', () => {
  let t: TestServer;
  let rest: Rest;
  let alice: TestUser;
  let bob: TestUser;
  const clients: ChatClient[] = [];
  const open = clientMaker(clients, () => t);
  usePair(clients, (p) => ({ t, rest, alice, bob } = p), {
    start: () => startServerForSdk({ limits: { messagesPerSecond: 5000, messageBurst: 5000, authAttemptsPerMinute: 1000, liveReceiptsMaxGroupMembers: 2 } }),
  });

  it('in a group larger than liveReceiptsMaxMembers, readBy asks the server and returns its count', async () => {
    const recorded = recordingFetch();
    const { a, b, c, G } = await groupOfThree({ rest, alice, bob, open }, 'Big enough', { fetch: recorded.fetch });
    expect(a.limits.getState()?.groups.liveReceiptsMaxMembers).toBe(2);

    const sent = a.send(G, 'count me');
    await until(a, () => a.messages.getState()[G]?.items.find((m) => m.clientMsgId === sent.clientMsgId)?.seq != null, 15_000, 'stored');
    const seq = a.messages.getState()[G]!.items.find((m) => m.clientMsgId === sent.clientMsgId)!.seq as number;
    await until(b, () => b.conversations.getState()[G]?.lastSeq === seq, 15_000, 'bob has it');
    b.markRead(G);
    // Only bob's own devices hear of his read: wait for it there.
    await until(b, () => (b.conversations.getState()[G]?.cursors.find((x) => x.userId === bob.id)?.read ?? 0) >= seq, 15_000, 'bob read stored');
    await until(c, () => c.conversations.getState()[G]?.lastSeq === seq, 15_000, 'carol has it');
    expect(a.conversations.getState()[G]!.cursors.find((x) => x.userId === bob.id)?.read ?? 0).toBeLessThan(seq); // no live cursor for alice

    const before = recorded.urls.length;
    const fromSdk = await groupsOf(a).readBy(G, seq);
    expect(recorded.urls.slice(before).filter((u) => u.includes('/read-by'))).toEqual([`/api/conversations/${encodeURIComponent(G)}/read-by?seq=${seq}`]);
    const server = await rest.call('GET', `/api/conversations/${encodeURIComponent(G)}/read-by?seq=${seq}`, { token: alice.token });
    expect(server.status).toBe(200);
    expect(fromSdk).toEqual(server.body);
    expect(fromSdk).toMatchObject({ seq, read: 1, of: 2 });
    // Carol's delivery acknowledgement reaches the server on its own: the count follows it.
    await eventually(async () => (await groupsOf(a).readBy(G, seq)).delivered === 2, 15_000, 'carol delivered');
    expect(await groupsOf(a).readBy(G, seq)).toEqual({ seq, read: 1, delivered: 2, of: 2 });
  });
});
