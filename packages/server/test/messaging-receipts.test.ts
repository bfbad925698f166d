import { afterEach, describe, expect, it } from 'vitest';
import {
  dmConversationId,
  type ConversationListResponse,
  type ConversationSummary,
  type ErrorFrame,
  type ReceiptEventFrame,
  type ServerFrame,
  type TypingEventFrame,
} from '@quickchat/protocol';
import type { TestUser } from './support/rest.js';
import type { RawClient } from './support/ws-client.js';
import { ChatFixture, messageIn, sendBurst, storedCursor, tableCounts, textFrame } from './support/messaging.js';

const isReceipt = (f: ServerFrame): f is ReceiptEventFrame => f.type === 'receipt';

describe('receipts and unread counts', () => {
  let f: ChatFixture;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let conv: string;
  let a1: RawClient, a2: RawClient, b1: RawClient, b2: RawClient;

  /** The viewer's summary of `conv` over REST. */
  const summary = async (user: TestUser): Promise<ConversationSummary> => {
    const res = await f.rest.call<ConversationListResponse>('GET', '/api/conversations', { token: user.token });
    expect(res.status).toBe(200);
    const item = res.body.items.find((x) => x.conversationId === conv);
    if (!item) throw new Error('conversation missing from list');
    return item;
  };
  /** Waits for the next receipt frame on each of the four sessions; they must all be equal. */
  const nextReceipt = async (): Promise<ReceiptEventFrame> => {
    const frames = await Promise.all([a1, a2, b1, b2].map((c) => c.next<ReceiptEventFrame>(isReceipt)));
    for (const fr of frames.slice(1)) expect(fr).toEqual(frames[0]);
    return frames[0]!;
  };
  const receiptCount = () => [a1, a2, b1, b2].map((c) => c.frames.filter(isReceipt).length);

  /** Alice sends seq 1-3, bob seq 4-5. */
  const setup = async () => {
    f = await ChatFixture.start();
    ({ alice, bob, carol } = await f.users(['alice', 'bob', 'carol'], [['alice', 'bob'], ['alice', 'carol']]));
    conv = dmConversationId(alice.id, bob.id);
    [a1, a2, b1, b2] = [await f.connect(alice), await f.connect(alice), await f.connect(bob), await f.connect(bob)];
    await sendBurst(a1, conv, 'a', 3);
    await sendBurst(b1, conv, 'b', 2);
    for (const c of [a1, a2, b1, b2]) await c.waitForCount(messageIn(conv), 5);
  };
  afterEach(async () => {
    await f?.close();
  });

  it('unread counts only the peer’s messages after the read cursor', async () => {
    await setup();
    expect(await summary(bob)).toMatchObject({ lastSeq: 5, unread: 3 });
    expect(await summary(alice)).toMatchObject({ lastSeq: 5, unread: 2 });
    b1.send({ type: 'receipt', conversationId: conv, read: 2 });
    await nextReceipt();
    expect((await summary(bob)).unread).toBe(1);
    // Bob's own later messages never count for him, however far his read cursor lags.
    await sendBurst(b2, conv, 'more-b', 4);
    expect(await summary(bob)).toMatchObject({ lastSeq: 9, unread: 1 });
    expect((await summary(alice)).unread).toBe(6);
    a1.send({ type: 'receipt', conversationId: conv, read: 5 });
    await nextReceipt();
    expect((await summary(alice)).unread).toBe(4);
    a2.send({ type: 'receipt', conversationId: conv, read: 9 });
    await nextReceipt();
    expect((await summary(alice)).unread).toBe(0);
    expect((await summary(bob)).unread).toBe(1);
  });

  it('delivered and read push a receipt frame with the new cursors to all sessions of both users', async () => {
    await setup();
    b1.send({ type: 'receipt', conversationId: conv, delivered: 3 });
    expect(await nextReceipt()).toEqual({ type: 'receipt', conversationId: conv, userId: bob.id, delivered: 3, read: 0 });
    // read implies delivered.
    b2.send({ type: 'receipt', conversationId: conv, read: 4 });
    expect(await nextReceipt()).toEqual({ type: 'receipt', conversationId: conv, userId: bob.id, delivered: 4, read: 4 });
    a1.send({ type: 'receipt', conversationId: conv, delivered: 5, read: 2 });
    expect(await nextReceipt()).toEqual({ type: 'receipt', conversationId: conv, userId: alice.id, delivered: 5, read: 2 });
    expect(storedCursor(f.t.dbFile, conv, bob.id)).toEqual({ delivered: 4, read: 4 });
    expect(storedCursor(f.t.dbFile, conv, alice.id)).toEqual({ delivered: 5, read: 2 });
    expect((await summary(alice)).cursors).toEqual(
      [{ userId: alice.id, delivered: 5, read: 2 }, { userId: bob.id, delivered: 4, read: 4 }].sort((x, y) => (x.userId < y.userId ? -1 : 1)),
    );
  });

  it('cursors never move back: a lower receipt is a no-op with no frame', async () => {
    await setup();
    b1.send({ type: 'receipt', conversationId: conv, delivered: 4, read: 3 });
    await nextReceipt();
    const before = receiptCount();
    b1.send({ type: 'receipt', conversationId: conv, read: 1 });
    b1.send({ type: 'receipt', conversationId: conv, delivered: 2 });
    b1.send({ type: 'receipt', conversationId: conv, delivered: 4, read: 3 });
    await b1.roundTrip();
    expect(storedCursor(f.t.dbFile, conv, bob.id)).toEqual({ delivered: 4, read: 3 });
    expect((await summary(bob)).unread).toBe(0);
    // The next real advance is the very next receipt frame everywhere: nothing came in between.
    b2.send({ type: 'receipt', conversationId: conv, read: 4 });
    expect(await nextReceipt()).toMatchObject({ userId: bob.id, delivered: 4, read: 4 });
    expect(receiptCount()).toEqual(before.map((n) => n + 1));
  });

  it('a read beyond lastSeq is clamped to lastSeq', async () => {
    await setup();
    b1.send({ type: 'receipt', conversationId: conv, read: 999 });
    expect(await nextReceipt()).toMatchObject({ userId: bob.id, delivered: 5, read: 5 });
    expect(storedCursor(f.t.dbFile, conv, bob.id)).toEqual({ delivered: 5, read: 5 });
    a1.send({ type: 'receipt', conversationId: conv, delivered: Number.MAX_SAFE_INTEGER });
    expect(await nextReceipt()).toMatchObject({ userId: alice.id, delivered: 5, read: 0 });
    // New messages after the clamp are unread: the cursor did not jump ahead of them.
    await sendBurst(a1, conv, 'late', 2);
    expect(await summary(bob)).toMatchObject({ lastSeq: 7, unread: 2 });
  });

  it('a receipt for a conversation you are not in is not_found, like one that does not exist', async () => {
    await setup();
    const c = await f.connect(carol);
    const counts = tableCounts(f.t.dbFile);
    const tries = [conv, dmConversationId(carol.id, 'u_ghost'), dmConversationId(alice.id, carol.id), 'g:nosuchgroup'];
    const errors: ErrorFrame[] = [];
    for (const [i, id] of tries.entries()) {
      c.send({ type: 'receipt', id: `r${i}`, conversationId: id, read: 3 });
      errors.push(await c.next<ErrorFrame>((fr) => fr.type === 'error'));
    }
    expect(errors.map((e) => [e.id, e.code])).toEqual(tries.map((_, i) => [`r${i}`, 'not_found']));
    expect(new Set(errors.map((e) => e.message)).size).toBe(1);
    expect(tableCounts(f.t.dbFile)).toEqual(counts);
    expect(storedCursor(f.t.dbFile, conv, carol.id)).toBeUndefined();
    // Nobody in the conversation heard about it: the next receipt they get is a real one.
    const before = receiptCount();
    b1.send({ type: 'receipt', conversationId: conv, read: 1 });
    expect(await nextReceipt()).toMatchObject({ userId: bob.id, read: 1 });
    expect(receiptCount()).toEqual(before.map((n) => n + 1));
    expect(c.frames.filter(isReceipt)).toEqual([]);
  });
});

describe('typing indicators', () => {
  let f: ChatFixture;
  afterEach(async () => {
    await f?.close();
  });

  it('reach every session of the peer, not the sender’s other sessions, and store nothing', async () => {
    f = await ChatFixture.start();
    const { alice, bob } = await f.users(['alice', 'bob'], [['alice', 'bob']]);
    const conv = dmConversationId(alice.id, bob.id);
    const [a1, a2, b1, b2] = [await f.connect(alice), await f.connect(alice), await f.connect(bob), await f.connect(bob)];
    a1.send(textFrame(conv, 'first', 'hi'));
    for (const c of [a1, a2, b1, b2]) await c.next(messageIn(conv));
    const counts = tableCounts(f.t.dbFile);
    const isTyping = (fr: ServerFrame): fr is TypingEventFrame => fr.type === 'typing';

    a1.send({ type: 'typing', conversationId: conv, active: true });
    for (const b of [b1, b2]) {
      expect(await b.next<TypingEventFrame>(isTyping)).toEqual({ type: 'typing', conversationId: conv, userId: alice.id, active: true });
    }
    a1.send({ type: 'typing', conversationId: conv, active: false });
    for (const b of [b1, b2]) expect(await b.next<TypingEventFrame>(isTyping)).toMatchObject({ userId: alice.id, active: false });
    // A message sent after the typing frames reaches alice's sessions; no typing frame came before it.
    a1.send(textFrame(conv, 'second', 'after typing'));
    for (const c of [a1, a2]) await c.next((fr) => messageIn(conv)(fr) && fr.message.clientMsgId === 'second');
    expect(a1.frames.filter(isTyping)).toEqual([]);
    expect(a2.frames.filter(isTyping)).toEqual([]);
    // Bob typing back reaches alice's two sessions, not bob's other one.
    b2.send({ type: 'typing', conversationId: conv, active: true });
    for (const a of [a1, a2]) expect(await a.next<TypingEventFrame>(isTyping)).toMatchObject({ userId: bob.id, active: true });
    await b2.roundTrip();
    await b1.roundTrip();
    expect(b1.frames.filter(isTyping).map((fr) => fr.userId)).toEqual([alice.id, alice.id]);
    expect(b2.frames.filter(isTyping).map((fr) => fr.userId)).toEqual([alice.id, alice.id]);

    // Only the second message was written; the typing frames wrote nothing at all.
    const after = tableCounts(f.t.dbFile);
    expect(after).toEqual({ ...counts, messages: counts['messages']! + 1 });
  });

  it('store nothing even in a conversation with no messages yet', async () => {
    f = await ChatFixture.start();
    const { alice, bob } = await f.users(['alice', 'bob'], [['alice', 'bob']]);
    const conv = dmConversationId(alice.id, bob.id);
    const a = await f.connect(alice);
    const b = await f.connect(bob);
    const counts = tableCounts(f.t.dbFile);
    a.send({ type: 'typing', conversationId: conv, active: true });
    expect(await b.next<TypingEventFrame>((fr) => fr.type === 'typing')).toMatchObject({ conversationId: conv, userId: alice.id });
    expect(tableCounts(f.t.dbFile)).toEqual(counts);
  });

  it('to a non-friend (or a nonexistent user) is not_found and relays nothing', async () => {
    f = await ChatFixture.start();
    const { alice, bob, carol } = await f.users(['alice', 'bob', 'carol'], [['alice', 'bob']]);
    const a = await f.connect(alice);
    const c = await f.connect(carol);
    const b = await f.connect(bob);
    const counts = tableCounts(f.t.dbFile);
    const targets = [dmConversationId(alice.id, carol.id), dmConversationId(alice.id, 'u_ghost'), dmConversationId(bob.id, carol.id)];
    const errors: ErrorFrame[] = [];
    for (const conversationId of targets) {
      a.send({ type: 'typing', conversationId, active: true });
      errors.push(await a.next<ErrorFrame>((fr) => fr.type === 'error'));
    }
    expect(errors.map((e) => e.code)).toEqual(['not_found', 'not_found', 'not_found']);
    expect(new Set(errors.map((e) => e.message)).size).toBe(1);
    // A relay would have been written to carol's and bob's sockets before alice's error, so it
    // would arrive before these pongs.
    await c.roundTrip();
    await b.roundTrip();
    expect(c.frames.filter((fr) => fr.type === 'typing')).toEqual([]);
    expect(b.frames.filter((fr) => fr.type === 'typing')).toEqual([]);
    expect(tableCounts(f.t.dbFile)).toEqual(counts);
  });
});
