import { afterEach, describe, expect, it } from 'vitest';
import { dmConversationId, type AckFrame, type ErrorFrame, type EventFrame, type MessageFrame, type ReceiptEventFrame, type ServerFrame, type TypingEventFrame } from '@quickchat/protocol';
import type { TestUser } from './support/rest.js';
import type { RawClient } from './support/ws-client.js';
import { GroupsHarness } from './support/groups.js';
import { sync } from './support/friends.js';
import { messageIn, range, receivedMessages, sendBurst, textFrame, sendTo } from './support/messaging.js';

const isEvent = (f: ServerFrame): f is EventFrame => f.type === 'event';
const isReceipt = (conv: string) => (f: ServerFrame): f is ReceiptEventFrame => f.type === 'receipt' && f.conversationId === conv;
const isTyping = (conv: string) => (f: ServerFrame): f is TypingEventFrame => f.type === 'typing' && f.conversationId === conv;

describe('group messages', () => {
  let h: GroupsHarness;
  let alice: TestUser, bob: TestUser, carol: TestUser, dave: TestUser;

  const start = async (limits: Record<string, number> = {}) => {
    h = await GroupsHarness.start({ limits });
    ({ alice, bob, carol, dave } = await h.users(['alice', 'bob', 'carol', 'dave'], [['alice', 'bob'], ['alice', 'carol'], ['alice', 'dave']]));
  };
  afterEach(async () => {
    await h?.close();
  });

  it('reach every device of every member once, with a gap-free per-group seq, acked after the copies', async () => {
    await start();
    const g = await h.createGroup(alice, { members: [bob.id, carol.id] });
    const [a1, b1, b2, c1] = [await h.connect(alice), await h.connect(bob), await h.connect(bob), await h.connect(carol)];
    const acks = await sendBurst(a1, g, 'a', 5);
    // seq 1 is the `created` notice.
    expect(acks.map((a) => a.seq)).toEqual(range(2, 6));
    for (const c of [a1, b1, b2, c1]) {
      await c.waitForCount(messageIn(g), 5);
      expect(receivedMessages(c, g).map((m) => m.seq)).toEqual(range(2, 6));
    }
    // The sender's own copy arrives before its ack.
    const firstAck = a1.frames.findIndex((f) => f.type === 'ack');
    const firstCopy = a1.frames.findIndex(messageIn(g));
    expect(firstCopy).toBeLessThan(firstAck);
    // Bob sends too; the seq continues with no gap.
    const reply = (await sendTo(b1, g, 'hi all')) as AckFrame;
    expect(reply).toMatchObject({ type: 'ack', seq: 7, duplicate: false });
    await a1.waitForCount(messageIn(g), 6);
  });

  it('acknowledge a repeated clientMsgId as the original, storing nothing new', async () => {
    await start();
    const g = await h.createGroup(alice, { members: [bob.id] });
    const a1 = await h.connect(alice);
    const first = (await sendTo(a1, g, 'once', 'same-id')) as AckFrame;
    const again = (await sendTo(a1, g, 'once', 'same-id')) as AckFrame;
    expect(again).toMatchObject({ seq: first.seq, messageId: first.messageId, duplicate: true });
    const page = await h.history(bob, g);
    expect(page.body.messages.filter((m) => m.content.type === 'text')).toHaveLength(1);
  });

  it('refuse system content from clients, and anyone who is not a member', async () => {
    await start();
    const g = await h.createGroup(alice, { members: [bob.id] });
    const [a1, c1] = [await h.connect(alice), await h.connect(carol)];
    a1.send({ type: 'send', id: 'sys', conversationId: g, clientMsgId: 'x1', content: { type: 'system', action: 'dissolved', actorId: alice.id } });
    const refused = await a1.next<ErrorFrame>((f) => f.type === 'error' && f.id === 'sys');
    expect(refused.code).toBe('validation');
    const outsider = (await sendTo(c1, g, 'let me in')) as ErrorFrame;
    expect(outsider).toMatchObject({ type: 'error', code: 'not_found' });
    // The same answer as for a group that does not exist.
    const missing = (await sendTo(c1, 'g:doesnotexist', 'hello')) as ErrorFrame;
    expect(missing.message).toBe(outsider.message);
    expect((await h.history(carol, g)).status).toBe(404);
    expect((await h.history(bob, g)).body.messages.map((m) => m.seq)).toEqual([1]);
  });

  it('catch up an offline device with `limited`, then page history, never below the floor', async () => {
    await start({ syncPageSize: 3 });
    const g = await h.createGroup(alice, { members: [bob.id] });
    const a1 = await h.connect(alice);
    await sendBurst(a1, g, 'm', 8); // seq 2..9
    const b1 = await h.connect(bob);
    const synced = await sync(b1, { eventsAfter: 0, cursors: { [g]: 2 } });
    const conv = synced.conversations.find((c) => c.conversationId === g)!;
    expect(conv).toMatchObject({ kind: 'group', lastSeq: 9, floor: 0, limited: true, group: { name: 'Hikers', memberCount: 2, role: 'member' } });
    expect(conv.messages.map((m) => m.seq)).toEqual([3, 4, 5]);
    const rest = await h.history(bob, g, '?after=5');
    expect(rest.body.messages.map((m) => m.seq)).toEqual([6, 7, 8, 9]);
    expect(rest.body.hasMore).toBe(false);
  });

  it('show a joiner only what came after they joined, unless the owner made history visible', async () => {
    await start();
    const g = await h.createGroup(alice, { members: [bob.id] });
    const a1 = await h.connect(alice);
    await sendBurst(a1, g, 'before', 4); // seq 2..5
    expect((await h.add(alice, g, [carol.id])).body.added).toEqual([carol.id]); // seq 6: added
    const c1 = await h.connect(carol);
    const synced = await sync(c1, { eventsAfter: 0 });
    const conv = synced.conversations.find((c) => c.conversationId === g)!;
    expect(conv.floor).toBe(5);
    expect(conv.messages.map((m) => m.seq)).toEqual([6]);
    // History and sync never go below the floor, whatever the client asks for.
    expect((await h.history(carol, g)).body).toMatchObject({ hasMore: false });
    expect((await h.history(carol, g)).body.messages.map((m) => m.seq)).toEqual([6]);
    expect((await h.history(carol, g, '?before=6')).body.messages).toEqual([]);
    expect((await h.history(carol, g, '?after=0')).body.messages.map((m) => m.seq)).toEqual([6]);
    const again = await sync(c1, { eventsAfter: 0, cursors: { [g]: 0 } });
    expect(again.conversations.find((c) => c.conversationId === g)!.messages.map((m) => m.seq)).toEqual([6]);
    // Read-by of a message below the floor is not visible either.
    expect((await h.readBy(carol, g, 3)).status).toBe(404);

    const open = await h.createGroup(alice, { members: [bob.id], historyVisible: true });
    await sendBurst(a1, open, 'old', 2);
    await h.add(alice, open, [dave.id]);
    expect((await h.history(dave, open)).body.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('stop a removed member at once on every device, keep their sockets working, and tell an offline device on sync', async () => {
    await start();
    const g = await h.createGroup(alice, { members: [bob.id, carol.id] });
    const [a1, b1, c1] = [await h.connect(alice), await h.connect(bob), await h.connect(carol)];
    await sendBurst(a1, g, 'x', 2);
    await b1.waitForCount(messageIn(g), 2);
    expect((await h.remove(alice, g, bob.id)).status).toBe(204);
    // Bob's device sees its own removal notice, then nothing more from the group.
    const notice = await b1.next<MessageFrame>((f) => messageIn(g)(f) && f.message.content.type === 'system');
    expect(notice.message.content).toMatchObject({ type: 'system', action: 'removed', actorId: alice.id, targetIds: [bob.id] });
    await sendBurst(a1, g, 'after', 3);
    await c1.waitForCount((f) => messageIn(g)(f) && f.message.content.type === 'text', 5);
    expect(receivedMessages(b1, g).map((m) => m.seq)).toEqual([2, 3, 4]);
    // Bob's socket still works for his DMs.
    const dm = (await sendTo(b1, dmConversationId(alice.id, bob.id), 'still here')) as AckFrame;
    expect(dm.type).toBe('ack');
    // He can neither send to the group nor read it.
    expect(((await sendTo(b1, g, 'hello?')) as ErrorFrame).code).toBe('not_found');
    expect((await h.history(bob, g)).status).toBe(404);
    // A device of Bob's that was offline learns of it on sync: the group is gone from the list,
    // and a `removed` event says why.
    const b2 = await h.connect(bob);
    const synced = await sync(b2, { eventsAfter: 0 });
    expect(synced.conversations.map((c) => c.conversationId)).not.toContain(g);
    const synced2 = await sync(b2, { eventsAfter: synced.eventsCursor - 1 });
    expect(synced2.events.at(-1)).toMatchObject({ kind: 'group', conversationId: g, change: 'removed', actorId: alice.id, subjectId: bob.id });
  });

  it('relay typing from several members, coalesced, and not at all above the size switch', async () => {
    await start({ typingMaxGroupMembers: 3 });
    const small = await h.createGroup(alice, { members: [bob.id, carol.id] });
    const [a1, b1, c1] = [await h.connect(alice), await h.connect(bob), await h.connect(carol)];
    b1.send({ type: 'typing', conversationId: small, active: true });
    c1.send({ type: 'typing', conversationId: small, active: true });
    b1.send({ type: 'typing', conversationId: small, active: true }); // a repeat: coalesced
    b1.send({ type: 'typing', conversationId: small, active: false });
    const seen = (await a1.waitForCount(isTyping(small), 3)) as TypingEventFrame[];
    // Two typers at once; each one's indicators in order, the repeat coalesced away.
    const of = (userId: string) => seen.filter((f) => f.userId === userId).map((f) => f.active);
    expect(of(bob.id)).toEqual([true, false]);
    expect(of(carol.id)).toEqual([true]);
    // The typer's own sessions are not echoed: bob hears carol only.
    await b1.waitForCount(isTyping(small), 1);
    await b1.roundTrip();
    expect(b1.frames.filter(isTyping(small)).map((f) => f.userId)).toEqual([carol.id]);

    const big = await h.createGroup(alice, { members: [bob.id, carol.id, dave.id] }); // 4 > 3
    b1.send({ type: 'typing', conversationId: big, active: true });
    // A round trip after it: once its pong is back, the typing frame was handled (and relayed, if ever).
    await b1.roundTrip();
    await a1.roundTrip();
    expect(a1.frames.filter(isTyping(big))).toEqual([]);
  });

  it('push read cursors to every member of a small group, only to the reader in a large one, and count read-by on demand', async () => {
    await start({ liveReceiptsMaxGroupMembers: 3 });
    const small = await h.createGroup(alice, { members: [bob.id, carol.id] });
    const [a1, b1, b2, c1] = [await h.connect(alice), await h.connect(bob), await h.connect(bob), await h.connect(carol)];
    const [ack] = await sendBurst(a1, small, 's', 1);
    b1.send({ type: 'receipt', conversationId: small, read: ack!.seq });
    for (const c of [a1, b2, c1]) expect(await c.next(isReceipt(small))).toMatchObject({ userId: bob.id, read: ack!.seq });
    expect((await h.readBy(alice, small, ack!.seq)).body).toEqual({ seq: ack!.seq, read: 1, delivered: 1, of: 2 });

    const big = await h.createGroup(alice, { members: [bob.id, carol.id, dave.id] });
    const [bigAck] = await sendBurst(a1, big, 'b', 1);
    const readsBefore = a1.frames.filter(isReceipt(big)).length;
    b1.send({ type: 'receipt', conversationId: big, read: bigAck!.seq });
    // Bob's other device hears of it (its unread count must drop); nobody else does.
    expect(await b2.next(isReceipt(big))).toMatchObject({ userId: bob.id, read: bigAck!.seq });
    await a1.roundTrip();
    await c1.roundTrip();
    expect(a1.frames.filter(isReceipt(big)).length).toBe(readsBefore);
    expect(c1.frames.filter(isReceipt(big))).toEqual([]);
    expect((await h.readBy(alice, big, bigAck!.seq)).body).toEqual({ seq: bigAck!.seq, read: 1, delivered: 1, of: 3 });
    // In sync, a large group lists only the viewer's own cursor; a small one lists everyone's.
    const synced = await sync(c1, { eventsAfter: 0 });
    expect(synced.conversations.find((c) => c.conversationId === big)!.cursors.map((c) => c.userId)).toEqual([carol.id]);
    expect(synced.conversations.find((c) => c.conversationId === small)!.cursors).toHaveLength(3);
  });

  it('count unread from the floor, never the member’s own messages', async () => {
    await start();
    const g = await h.createGroup(alice, { members: [bob.id] });
    const [a1, b1] = [await h.connect(alice), await h.connect(bob)];
    await sendBurst(a1, g, 'a', 3);
    await sendBurst(b1, g, 'b', 2);
    const bobView = (await sync(b1, { eventsAfter: 0 })).conversations.find((c) => c.conversationId === g)!;
    // The `created` notice and alice's three messages; not bob's own two.
    expect(bobView.unread).toBe(4);
    await h.add(alice, g, [carol.id]);
    const c1 = await h.connect(carol);
    const carolView = (await sync(c1, { eventsAfter: 0 })).conversations.find((c) => c.conversationId === g)!;
    expect(carolView.unread).toBe(1); // the notice that added her
    c1.send(textFrame(g, 'c1', 'hello'));
    await c1.next((f) => f.type === 'ack');
    expect((await sync(c1, { eventsAfter: 0 })).conversations.find((c) => c.conversationId === g)!.unread).toBe(1);
  });
});
