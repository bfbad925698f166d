import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dmConversationId,
  type AckFrame,
  type ConversationListResponse,
  type ConversationSync,
  type ErrorFrame,
  type HistoryResponse,
  type Message,
  type SyncedFrame,
} from '@quickchat/protocol';
import type { TestUser } from './support/rest.js';
import type { RawClient } from './support/ws-client.js';
import { BURST_LIMITS, ChatFixture, range, sendBurst } from './support/messaging.js';

let nextId = 0;
/** Sends a `sync` and returns the conversation `conv` of the reply (and the whole reply). */
async function sync(c: RawClient, conv: string, frame: Record<string, unknown>): Promise<{ reply: SyncedFrame; entry: ConversationSync }> {
  const id = `sync-${++nextId}`;
  c.send({ type: 'sync', id, ...frame });
  const reply = await c.next<SyncedFrame | ErrorFrame>((fr) => (fr.type === 'synced' || fr.type === 'error') && fr.id === id);
  if (reply.type !== 'synced') throw new Error(`sync failed: ${JSON.stringify(reply)}`);
  const entry = reply.conversations.find((x) => x.conversationId === conv);
  if (!entry) throw new Error(`conversation ${conv} missing from synced`);
  return { reply, entry };
}

describe('catch-up after being offline (sync + REST backfill)', () => {
  let f: ChatFixture;
  let alice: TestUser;
  let bob: TestUser;
  let conv: string;
  let acks: AckFrame[];
  let b: RawClient;

  // One server for the whole file: alice sends 250 messages while bob has no session.
  beforeAll(async () => {
    f = await ChatFixture.start({ limits: { ...BURST_LIMITS } });
    ({ alice, bob } = await f.users(['alice', 'bob'], [['alice', 'bob']]));
    conv = dmConversationId(alice.id, bob.id);
    const a = await f.connect(alice);
    acks = await sendBurst(a, conv, 'm', 250);
    await a.close();
    b = await f.connect(bob);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('the 250 messages were acked with seq 1..250 while bob was offline', () => {
    expect(acks.map((a) => a.seq)).toEqual(range(1, 250));
    // Nothing was pushed to bob's new session: catch-up is only what he asks for.
    expect(b.frames.filter((fr) => fr.type === 'message')).toEqual([]);
  });

  it('a first sync without eventsAfter returns the summary only: lastSeq, lastMessage, unread', async () => {
    const { reply, entry } = await sync(b, conv, {});
    expect(entry).toMatchObject({ kind: 'dm', peerId: alice.id, lastSeq: 250, unread: 250, messages: [], limited: false });
    expect(entry.lastMessage).toMatchObject({ seq: 250, id: acks[249]!.messageId, senderId: alice.id, content: { type: 'text', text: 'm 250' } });
    expect(entry.cursors).toEqual(
      [alice.id, bob.id].sort().map((userId) => ({ userId, delivered: 0, read: 0 })),
    );
    expect(reply.events).toEqual([]);
    expect(reply.eventsLimited).toBe(false);
    // The same summary over REST.
    const list = await f.rest.call<ConversationListResponse>('GET', '/api/conversations', { token: bob.token });
    expect(list.body.items.find((x) => x.conversationId === conv)).toMatchObject({ lastSeq: 250, unread: 250, lastMessage: { seq: 250 } });
  });

  it('without eventsAfter, a conversation that IS in cursors still gets its messages', async () => {
    const { entry } = await sync(b, conv, { cursors: { [conv]: 245 } });
    expect(entry.messages.map((m) => m.seq)).toEqual(range(246, 250));
    expect(entry.limited).toBe(false);
  });

  it('sync from 0 gives the first 100 with limited:true; REST backfill completes 1..250 exactly once, in order', async () => {
    const { reply, entry } = await sync(b, conv, { cursors: { [conv]: 0 }, eventsAfter: 0 });
    expect(entry.messages.map((m) => m.seq)).toEqual(range(1, 100));
    expect(entry.limited).toBe(true);
    expect(entry.lastSeq).toBe(250);
    // eventsAfter: 0 replays bob's friendship history.
    expect(reply.events.length).toBeGreaterThan(0);

    const all: Message[] = [...entry.messages];
    const pages: boolean[] = [];
    for (;;) {
      const after = all.at(-1)!.seq;
      const page = await f.rest.call<HistoryResponse>('GET', `/api/conversations/${conv}/messages?after=${after}&limit=100`, { token: bob.token });
      expect(page.status).toBe(200);
      all.push(...page.body.messages);
      pages.push(page.body.hasMore);
      if (!page.body.hasMore) break;
      expect(pages.length).toBeLessThan(5);
    }
    expect(pages).toEqual([true, false]);
    expect(all.map((m) => m.seq)).toEqual(range(1, 250));
    expect(new Set(all.map((m) => m.id)).size).toBe(250);
    expect(all.map((m) => [m.id, m.clientMsgId, m.senderId])).toEqual(acks.map((a) => [a.messageId, a.clientMsgId, alice.id]));
    expect(all.map((m) => m.content)).toEqual(range(1, 250).map((i) => ({ type: 'text', text: `m ${i}` })));
  });

  it('sync from a cursor in the middle returns exactly the rest, limited false', async () => {
    const { entry } = await sync(b, conv, { cursors: { [conv]: 240 }, eventsAfter: 0 });
    expect(entry.messages.map((m) => m.seq)).toEqual(range(241, 250));
    expect(entry.limited).toBe(false);
    expect(entry.messages.map((m) => m.id)).toEqual(acks.slice(240).map((a) => a.messageId));
    // At the end there is nothing more.
    const end = await sync(b, conv, { cursors: { [conv]: 250 }, eventsAfter: 0 });
    expect(end.entry.messages).toEqual([]);
    expect(end.entry.limited).toBe(false);
    // A page exactly filling the limit is not "limited".
    const exact = await sync(b, conv, { cursors: { [conv]: 150 }, eventsAfter: 0 });
    expect(exact.entry.messages.map((m) => m.seq)).toEqual(range(151, 250));
    expect(exact.entry.limited).toBe(false);
  });

  it('the limit field of sync is honored', async () => {
    const small = await sync(b, conv, { cursors: { [conv]: 0 }, eventsAfter: 0, limit: 10 });
    expect(small.entry.messages.map((m) => m.seq)).toEqual(range(1, 10));
    expect(small.entry.limited).toBe(true);
    const tail = await sync(b, conv, { cursors: { [conv]: 245 }, eventsAfter: 0, limit: 5 });
    expect(tail.entry.messages.map((m) => m.seq)).toEqual(range(246, 250));
    expect(tail.entry.limited).toBe(false);
  });

  it('a sync limit above the protocol cap of 100 is a validation error', async () => {
    for (const limit of [101, 0, 2.5]) {
      b.send({ type: 'sync', id: `bad-${limit}`, cursors: { [conv]: 0 }, eventsAfter: 0, limit });
      const err = await b.next<ErrorFrame>((fr) => fr.type === 'error');
      expect(err).toMatchObject({ id: `bad-${limit}`, code: 'validation' });
      expect(err.message).toMatch(/limit/);
    }
    // The socket is still usable afterwards.
    const { entry } = await sync(b, conv, { cursors: { [conv]: 249 }, eventsAfter: 0 });
    expect(entry.messages.map((m) => m.seq)).toEqual([250]);
  });

  it('a sync does not move the read cursor or the unread count', async () => {
    const list = await f.rest.call<ConversationListResponse>('GET', '/api/conversations', { token: bob.token });
    expect(list.body.items.find((x) => x.conversationId === conv)).toMatchObject({ unread: 250 });
  });
});

describe('sync limit is capped by limits.syncPageSize', () => {
  let f: ChatFixture;
  afterAll(async () => {
    await f?.close();
  });

  it('asks for more than syncPageSize and gets syncPageSize, limited', async () => {
    f = await ChatFixture.start({ limits: { ...BURST_LIMITS, syncPageSize: 20 } });
    const { alice, bob } = await f.users(['alice', 'bob'], [['alice', 'bob']]);
    const conv = dmConversationId(alice.id, bob.id);
    const a = await f.connect(alice);
    await sendBurst(a, conv, 'x', 30);
    const b = await f.connect(bob);
    const capped = await sync(b, conv, { cursors: { [conv]: 0 }, eventsAfter: 0, limit: 100 });
    expect(capped.entry.messages.map((m) => m.seq)).toEqual(range(1, 20));
    expect(capped.entry.limited).toBe(true);
    const byDefault = await sync(b, conv, { cursors: { [conv]: 5 }, eventsAfter: 0 });
    expect(byDefault.entry.messages.map((m) => m.seq)).toEqual(range(6, 25));
    expect(byDefault.entry.limited).toBe(true);
    const below = await sync(b, conv, { cursors: { [conv]: 0 }, eventsAfter: 0, limit: 7 });
    expect(below.entry.messages.map((m) => m.seq)).toEqual(range(1, 7));
    const rest = await sync(b, conv, { cursors: { [conv]: 20 }, eventsAfter: 0, limit: 50 });
    expect(rest.entry.messages.map((m) => m.seq)).toEqual(range(21, 30));
    expect(rest.entry.limited).toBe(false);
  });
});
