import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dmConversationId, type AckFrame, type HistoryResponse, type MessageFrame, type SyncedFrame } from '@quickchat/protocol';
import { startTestServer, type TestServer } from './support/server.js';
import { Rest, type TestUser } from './support/rest.js';
import { RawClient } from './support/ws-client.js';
import { ChatFixture, messageIn, receivedMessages, tableCounts, textFrame } from './support/messaging.js';

describe('idempotent send (clientMsgId)', () => {
  let f: ChatFixture;
  let alice: TestUser;
  let bob: TestUser;
  let conv: string;

  const setup = async () => {
    f = await ChatFixture.start();
    ({ alice, bob } = await f.users(['alice', 'bob'], [['alice', 'bob']]));
    conv = dmConversationId(alice.id, bob.id);
  };
  afterEach(async () => {
    await f?.close();
  });

  it('a resent clientMsgId on the same socket returns the original and stores nothing new', async () => {
    await setup();
    const a = await f.connect(alice);
    const b = await f.connect(bob);
    a.send(textFrame(conv, 'same', 'once', 1));
    const first = await a.next<AckFrame>((fr) => fr.type === 'ack');
    const counts = tableCounts(f.t.dbFile);
    a.send(textFrame(conv, 'same', 'twice?', 2));
    const second = await a.next<AckFrame>((fr) => fr.type === 'ack');
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ ...first, id: 2, duplicate: true });
    expect(tableCounts(f.t.dbFile)).toEqual(counts);
    const history = await f.rest.call<HistoryResponse>('GET', `/api/conversations/${conv}/messages`, { token: bob.token });
    expect(history.body.messages.map((m) => m.content)).toEqual([{ type: 'text', text: 'once' }]);
    a.send(textFrame(conv, 'next', 'next one', 3));
    await b.next(messageIn(conv));
    await b.next(messageIn(conv));
    expect(receivedMessages(b, conv).map((m) => [m.seq, m.clientMsgId])).toEqual([[1, 'same'], [2, 'next']]);
  });

  it('the same clientMsgId twice in one burst (one write batch) stores one message', async () => {
    await setup();
    const a = await f.connect(alice);
    const b = await f.connect(bob);
    a.send(textFrame(conv, 'dup', 'first', 'x'));
    a.send(textFrame(conv, 'dup', 'second', 'y'));
    a.send(textFrame(conv, 'after', 'third', 'z'));
    const acks = (await a.waitForCount((fr) => fr.type === 'ack', 3)) as AckFrame[];
    expect(acks.map((x) => [x.id, x.seq, x.duplicate])).toEqual([['x', 1, false], ['y', 1, true], ['z', 2, false]]);
    expect(acks[1]!.messageId).toBe(acks[0]!.messageId);
    await b.waitForCount(messageIn(conv), 2);
    await b.roundTrip();
    expect(receivedMessages(b, conv).map((m) => [m.seq, m.content])).toEqual([
      [1, { type: 'text', text: 'first' }],
      [2, { type: 'text', text: 'third' }],
    ]);
  });

  it('clientMsgIds are scoped per sender: the peer may reuse one', async () => {
    await setup();
    const a = await f.connect(alice);
    const b = await f.connect(bob);
    a.send(textFrame(conv, 'shared-id', 'from alice'));
    const fromAlice = await a.next<AckFrame>((fr) => fr.type === 'ack');
    b.send(textFrame(conv, 'shared-id', 'from bob'));
    const fromBob = await b.next<AckFrame>((fr) => fr.type === 'ack');
    expect(fromBob).toMatchObject({ seq: 2, duplicate: false });
    expect(fromBob.messageId).not.toBe(fromAlice.messageId);
  });

  it('a resend on a new socket after reconnect returns the original; the peer gets no second message', async () => {
    await setup();
    const b = await f.connect(bob);
    const a1 = await f.connect(alice);
    a1.send(textFrame(conv, 'outbox-1', 'before reconnect', 'orig'));
    const original = await a1.next<AckFrame>((fr) => fr.type === 'ack');
    await b.next(messageIn(conv));
    await a1.close();

    const a2 = await f.connect(alice);
    a2.send(textFrame(conv, 'outbox-1', 'resent from outbox', 'resend'));
    const resent = await a2.next<AckFrame>((fr) => fr.type === 'ack');
    expect(resent).toEqual({ ...original, id: 'resend', duplicate: true });
    // The original was delivered to a1's session, not replayed to the new one.
    expect(a2.frames.filter(messageIn(conv))).toEqual([]);

    a2.send(textFrame(conv, 'outbox-2', 'after reconnect', 'later'));
    const later = await a2.next<AckFrame>((fr) => fr.type === 'ack');
    expect(later).toMatchObject({ seq: original.seq + 1, duplicate: false });
    await b.next<MessageFrame>((fr) => messageIn(conv)(fr) && fr.message.clientMsgId === 'outbox-2');
    // Bob's frames: the original, then the later message, with nothing in between.
    expect(receivedMessages(b, conv).map((m) => [m.seq, m.id, m.clientMsgId])).toEqual([
      [original.seq, original.messageId, 'outbox-1'],
      [later.seq, later.messageId, 'outbox-2'],
    ]);
    expect(receivedMessages(b, conv)[0]!.content).toEqual({ type: 'text', text: 'before reconnect' });
  });
});

describe('idempotent send across a server restart', () => {
  let dataDir: string;
  let t: TestServer | undefined;
  const clients: RawClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await t?.stop();
    t = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a resend after the server restarted on the same data dir still returns the original', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'quickchat-restart-'));
    t = await startTestServer({ dataDir });
    let rest = new Rest(t.url);
    const alice = await rest.register('alice');
    const bob = await rest.register('bob');
    await rest.befriend(alice, bob);
    const conv = dmConversationId(alice.id, bob.id);

    const a1 = await RawClient.connect(t.wsUrl, alice.token);
    clients.push(a1);
    a1.send(textFrame(conv, 'survives', 'before restart', 1));
    a1.send(textFrame(conv, 'also', 'second before restart', 2));
    const originals = (await a1.waitForCount((fr) => fr.type === 'ack', 2)) as AckFrame[];
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await t.stop();

    t = await startTestServer({ dataDir });
    rest = new Rest(t.url);
    const a2 = await RawClient.connect(t.wsUrl, alice.token);
    clients.push(a2);
    a2.send(textFrame(conv, 'survives', 'resent after restart', 'r1'));
    const resent = await a2.next<AckFrame>((fr) => fr.type === 'ack');
    expect(resent).toEqual({ ...originals[0]!, id: 'r1', duplicate: true });
    a2.send(textFrame(conv, 'new-after', 'new after restart', 'r2'));
    const fresh = await a2.next<AckFrame>((fr) => fr.type === 'ack' && fr.id === 'r2');
    expect(fresh).toMatchObject({ seq: 3, duplicate: false });

    // Bob was offline throughout: catch-up shows each message exactly once.
    const b = await RawClient.connect(t.wsUrl, bob.token);
    clients.push(b);
    b.send({ type: 'sync', id: 's', cursors: { [conv]: 0 }, eventsAfter: 0 });
    const synced = await b.next<SyncedFrame>((fr) => fr.type === 'synced');
    const summary = synced.conversations.find((c) => c.conversationId === conv);
    expect(summary?.messages.map((m) => [m.seq, m.clientMsgId, m.content])).toEqual([
      [1, 'survives', { type: 'text', text: 'before restart' }],
      [2, 'also', { type: 'text', text: 'second before restart' }],
      [3, 'new-after', { type: 'text', text: 'new after restart' }],
    ]);
    expect(summary?.messages[0]!.id).toBe(originals[0]!.messageId);
    const history = await rest.call<HistoryResponse>('GET', `/api/conversations/${conv}/messages`, { token: bob.token });
    expect(history.body.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
  });
});
