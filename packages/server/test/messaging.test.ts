import { afterEach, describe, expect, it } from 'vitest';
import { dmConversationId, type AckFrame, type ErrorFrame, type MessageFrame, type ReadyFrame } from '@quickchat/protocol';
import type { TestUser } from './support/rest.js';
import { BURST_LIMITS, ChatFixture, messageIn, openReader, range, receivedMessages, sendBurst, tableCounts, textFrame } from './support/messaging.js';

interface Row {
  id: string;
  seq: number;
  sender_id: string;
  client_msg_id: string;
  content: string;
  created_at: number;
}

function storedRows(dbFile: string, conversationId: string): Row[] {
  const db = openReader(dbFile);
  try {
    return db.prepare<[string], Row>('SELECT id, seq, sender_id, client_msg_id, content, created_at FROM messages WHERE conversation_id = ? ORDER BY seq').all(conversationId);
  } finally {
    db.close();
  }
}

describe('1:1 messaging: order, delivery, server-set fields', () => {
  let f: ChatFixture;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let ab: string;
  let ac: string;

  const setup = async (overrides = {}) => {
    f = await ChatFixture.start({ limits: { ...BURST_LIMITS }, ...overrides });
    ({ alice, bob, carol } = await f.users(['alice', 'bob', 'carol'], [['alice', 'bob'], ['alice', 'carol']]));
    ab = dmConversationId(alice.id, bob.id);
    ac = dmConversationId(alice.id, carol.id);
  };
  afterEach(async () => {
    await f.close();
  });

  it('acks after commit with seq 1..N and delivers to every session of both users', async () => {
    await setup();
    const a1 = await f.connect(alice);
    const a2 = await f.connect(alice);
    const b1 = await f.connect(bob);
    const b2 = await f.connect(bob);
    for (let i = 1; i <= 5; i++) a1.send(textFrame(ab, `c${i}`, `hello ${i}`, i));
    const acks = (await a1.waitForCount((fr) => fr.type === 'ack', 5)) as AckFrame[];
    expect(acks.map((a) => [a.id, a.seq, a.duplicate])).toEqual(range(1, 5).map((i) => [i, i, false]));
    // Ack means stored: a separate reader on the same file sees every acked message.
    expect(storedRows(f.t.dbFile, ab).map((r) => [r.seq, r.sender_id, r.id])).toEqual(acks.map((a) => [a.seq, alice.id, a.messageId]));
    for (const c of [a1, a2, b1, b2]) {
      const msgs = (await c.waitForCount(messageIn(ab), 5)) as MessageFrame[];
      expect(msgs.map((m) => [m.message.seq, m.message.content, m.message.senderId, m.message.id])).toEqual(
        acks.map((a, i) => [a.seq, { type: 'text', text: `hello ${i + 1}` }, alice.id, a.messageId]),
      );
    }
    // The third user, friends with alice but not in this conversation, gets nothing.
    const c1 = await f.connect(carol);
    a1.send(textFrame(ac, 'to-carol', 'hi carol'));
    await c1.next(messageIn(ac));
    expect(c1.frames.filter(messageIn(ab))).toEqual([]);
  });

  it('two interleaved conversations get independent gap-free seqs 1..N', async () => {
    await setup();
    const a = await f.connect(alice);
    const b = await f.connect(bob);
    const c = await f.connect(carol);
    const n = 25;
    for (let i = 1; i <= n; i++) {
      a.send(textFrame(ab, `ab-a${i}`, `ab from alice ${i}`));
      a.send(textFrame(ac, `ac-a${i}`, `ac from alice ${i}`));
      b.send(textFrame(ab, `ab-b${i}`, `ab from bob ${i}`));
      c.send(textFrame(ac, `ac-c${i}`, `ac from carol ${i}`));
    }
    for (const [client, count] of [[a, 2 * n], [b, n], [c, n]] as const) {
      const acks = (await client.waitForCount((fr) => fr.type === 'ack', count)) as AckFrame[];
      expect(acks.every((ack) => !ack.duplicate)).toBe(true);
    }
    for (const [client, conv] of [[a, ab], [a, ac], [b, ab], [c, ac]] as const) await client.waitForCount(messageIn(conv), 2 * n);
    for (const conv of [ab, ac]) {
      const rows = storedRows(f.t.dbFile, conv);
      expect(rows.map((r) => r.seq)).toEqual(range(1, 2 * n));
      const db = openReader(f.t.dbFile);
      expect(db.prepare('SELECT MAX(seq) FROM messages WHERE conversation_id = ?').pluck().get(conv)).toBe(2 * n);
      db.close();
    }
    // Each conversation carries only its own messages, and both members saw the same 1..2n.
    expect(receivedMessages(b, ab).map((m) => m.seq)).toEqual(range(1, 2 * n));
    expect(receivedMessages(c, ac).map((m) => m.seq)).toEqual(range(1, 2 * n));
    expect(new Set(receivedMessages(b, ab).map((m) => m.clientMsgId.split('-')[0]))).toEqual(new Set(['ab']));
    expect(b.frames.filter(messageIn(ac))).toEqual([]);
    expect(c.frames.filter(messageIn(ab))).toEqual([]);
    expect(receivedMessages(a, ab)).toEqual(receivedMessages(b, ab));
    expect(receivedMessages(a, ac)).toEqual(receivedMessages(c, ac));
  });

  it('concurrent sends from both members yield one total order every session sees identically', async () => {
    await setup();
    const [a1, a2, b1, b2] = [await f.connect(alice), await f.connect(alice), await f.connect(bob), await f.connect(bob)];
    const n = 30;
    for (let i = 1; i <= n; i++) {
      a1.send(textFrame(ab, `a1-${i}`, `a1 ${i}`));
      b1.send(textFrame(ab, `b1-${i}`, `b1 ${i}`));
      a2.send(textFrame(ab, `a2-${i}`, `a2 ${i}`));
    }
    const total = 3 * n;
    const seen = [];
    for (const c of [a1, a2, b1, b2]) {
      await c.waitForCount(messageIn(ab), total);
      seen.push(receivedMessages(c, ab));
    }
    const [first] = seen;
    expect(first!.map((m) => m.seq)).toEqual(range(1, total));
    for (const other of seen.slice(1)) expect(other).toEqual(first);
    // Each socket's messages keep their submission order within the total order.
    for (const prefix of ['a1', 'b1', 'a2']) {
      expect(first!.filter((m) => m.clientMsgId.startsWith(`${prefix}-`)).map((m) => m.clientMsgId)).toEqual(range(1, n).map((i) => `${prefix}-${i}`));
    }
    // Acks agree with the delivered order, and the stored rows are the same order.
    const bySeq = new Map(first!.map((m) => [m.seq, m]));
    for (const c of [a1, a2, b1]) {
      const acks = (await c.waitForCount((fr) => fr.type === 'ack', n)) as AckFrame[];
      for (const ack of acks) expect(bySeq.get(ack.seq)).toMatchObject({ id: ack.messageId, clientMsgId: ack.clientMsgId });
    }
    expect(storedRows(f.t.dbFile, ab).map((r) => [r.seq, r.id])).toEqual(first!.map((m) => [m.seq, m.id]));
  });

  it('ignores forged senderId, seq, createdAt and from: the server sets them', async () => {
    await setup();
    const a = await f.connect(alice);
    const b = await f.connect(bob);
    const before = Date.now();
    a.send({ ...textFrame(ab, 'forged-1', 'who sent this?', 'f1'), senderId: bob.id, seq: 99, createdAt: 1, from: bob.id, messageId: 'm_forged', duplicate: true });
    const ack1 = await a.next<AckFrame>((fr) => fr.type === 'ack' && fr.id === 'f1');
    a.send({ ...textFrame(ab, 'forged-2', 'again', 'f2'), senderId: carol.id, seq: 1, createdAt: 4102444800000, from: carol.id });
    const ack2 = await a.next<AckFrame>((fr) => fr.type === 'ack' && fr.id === 'f2');
    const after = Date.now();
    expect([ack1.seq, ack2.seq]).toEqual([1, 2]);
    expect(ack1.duplicate).toBe(false);
    expect(ack1.messageId).not.toBe('m_forged');
    for (const ack of [ack1, ack2]) {
      expect(ack.createdAt).toBeGreaterThanOrEqual(before);
      expect(ack.createdAt).toBeLessThanOrEqual(after);
    }
    const rows = storedRows(f.t.dbFile, ab);
    expect(rows.map((r) => [r.seq, r.sender_id, r.id, r.created_at])).toEqual([
      [1, alice.id, ack1.messageId, ack1.createdAt],
      [2, alice.id, ack2.messageId, ack2.createdAt],
    ]);
    // Unknown keys inside content are not stored either.
    a.send({ type: 'send', id: 'f3', conversationId: ab, clientMsgId: 'forged-3', content: { type: 'text', text: 'plain', senderId: bob.id, html: '<b>x</b>' } });
    await a.next((fr) => fr.type === 'ack' && fr.id === 'f3');
    expect(JSON.parse(storedRows(f.t.dbFile, ab)[2]!.content)).toEqual({ type: 'text', text: 'plain' });
    const received = (await b.waitForCount(messageIn(ab), 3)) as MessageFrame[];
    expect(received.map((m) => [m.message.senderId, m.message.seq, m.message.createdAt])).toEqual([
      [alice.id, 1, ack1.createdAt],
      [alice.id, 2, ack2.createdAt],
      [alice.id, 3, expect.any(Number)],
    ]);
    expect(received[2]!.message.content).toEqual({ type: 'text', text: 'plain' });
  });

  it('refuses text over limits.maxTextLength with validation and stores nothing', async () => {
    await setup({ limits: { ...BURST_LIMITS, maxTextLength: 50 } });
    const a = await f.connect(alice);
    const b = await f.connect(bob);
    expect((a.frames[0] as ReadyFrame).limits.maxTextLength).toBe(50);
    const counts = tableCounts(f.t.dbFile);
    a.send(textFrame(ab, 'too-long', 'x'.repeat(51), 'long'));
    const err = await a.next<ErrorFrame>((fr) => fr.type === 'error');
    expect(err).toMatchObject({ id: 'long', code: 'validation' });
    expect(err.message).toMatch(/50/);
    // A 25-emoji text is 50 UTF-16 code units: allowed. 26 emoji (52 units) is not.
    a.send(textFrame(ab, 'emoji-long', '😀'.repeat(26), 'emoji'));
    expect(await a.next<ErrorFrame>((fr) => fr.type === 'error')).toMatchObject({ id: 'emoji', code: 'validation' });
    await a.roundTrip();
    expect(tableCounts(f.t.dbFile)).toEqual(counts);
    // Exactly at the limit is accepted and takes seq 1: the refused sends consumed nothing.
    a.send(textFrame(ab, 'just-right', 'y'.repeat(50), 'ok'));
    expect(await a.next<AckFrame>((fr) => fr.type === 'ack')).toMatchObject({ id: 'ok', seq: 1, duplicate: false });
    a.send(textFrame(ab, 'emoji-ok', '😀'.repeat(25), 'ok2'));
    expect(await a.next<AckFrame>((fr) => fr.type === 'ack')).toMatchObject({ id: 'ok2', seq: 2 });
    await b.waitForCount(messageIn(ab), 2);
    expect(receivedMessages(b, ab).map((m) => m.clientMsgId)).toEqual(['just-right', 'emoji-ok']);
    // The refused clientMsgId was not reserved: resending it with valid text stores it as new.
    a.send(textFrame(ab, 'too-long', 'short now', 'retry'));
    expect(await a.next<AckFrame>((fr) => fr.type === 'ack')).toMatchObject({ id: 'retry', seq: 3, duplicate: false });
  });

  it('enforces the protocol cap of 16000 characters even when the server allows that much', async () => {
    await setup({ limits: { ...BURST_LIMITS, maxTextLength: 16_000 } });
    const a = await f.connect(alice);
    const b = await f.connect(bob);
    const counts = tableCounts(f.t.dbFile);
    a.send(textFrame(ab, 'over-cap', 'x'.repeat(16_001), 'over'));
    expect(await a.next<ErrorFrame>((fr) => fr.type === 'error')).toMatchObject({ id: 'over', code: 'validation' });
    // 8001 emoji are 8001 code points but 16002 UTF-16 code units: over the cap.
    a.send(textFrame(ab, 'astral', '😀'.repeat(8001), 'astral'));
    expect(await a.next<ErrorFrame>((fr) => fr.type === 'error')).toMatchObject({ id: 'astral', code: 'validation' });
    await a.roundTrip();
    expect(tableCounts(f.t.dbFile)).toEqual(counts);
    a.send(textFrame(ab, 'at-cap', 'x'.repeat(16_000), 'at'));
    expect(await a.next<AckFrame>((fr) => fr.type === 'ack')).toMatchObject({ id: 'at', seq: 1 });
    const msg = await b.next<MessageFrame>(messageIn(ab));
    expect(msg.message.content).toEqual({ type: 'text', text: 'x'.repeat(16_000) });
    expect(storedRows(f.t.dbFile, ab)).toHaveLength(1);
  });

  it('every ack of a 200-message burst arrives only after its row is readable by another connection', async () => {
    await setup();
    const a = await f.connect(alice);
    const b = await f.connect(bob);
    const reader = openReader(f.t.dbFile);
    const lookup = reader.prepare<[string, number], { id: string; client_msg_id: string; sender_id: string }>(
      'SELECT id, client_msg_id, sender_id FROM messages WHERE conversation_id = ? AND seq = ?',
    );
    const checked: { seq: number; row: unknown; ack: AckFrame }[] = [];
    // Runs synchronously as each ack frame arrives, before anything else can commit on its behalf.
    a.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string };
      if (frame.type !== 'ack') return;
      const ack = frame as AckFrame;
      checked.push({ seq: ack.seq, row: lookup.get(ab, ack.seq), ack });
    });
    try {
      const acks = await sendBurst(a, ab, 'burst', 200);
      expect(acks.map((x) => x.seq)).toEqual(range(1, 200));
      expect(checked).toHaveLength(200);
      for (const { row, ack } of checked) {
        expect(row, `row for seq ${ack.seq} at ack time`).toEqual({ id: ack.messageId, client_msg_id: ack.clientMsgId, sender_id: alice.id });
      }
    } finally {
      reader.close();
    }
    await b.waitForCount(messageIn(ab), 200);
    expect(receivedMessages(b, ab).map((m) => m.seq)).toEqual(range(1, 200));
  });
});
