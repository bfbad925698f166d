import { describe, expect, it } from 'vitest';
import { PROTOCOL_LIMITS, PROTOCOL_VERSION } from '@quickchat/protocol';
import { Rest, type TestServer, type TestUser, clientMaker, until, usePair } from '../support/sdk-server.js';
import type { ChatClient, LocalMessage } from '../../src/index.js';
import { friendsOf } from '../../src/friends/index.js';
import { connected, range, recordSurfaced, seqTexts } from './helpers.js';

describe('SDK against the real server', () => {
  let t: TestServer;
  let rest: Rest;
  let alice: TestUser;
  let bob: TestUser;
  const clients: ChatClient[] = [];
  const open = clientMaker(clients, () => t);

  usePair(clients, (p) => ({ t, rest, alice, bob } = p), { befriend: false });

  it('two users befriend each other and chat', async () => {
    const a = open(alice);
    const b = open(bob);
    await until(a, () => a.connectionState === 'connected', 15_000, 'alice connected');
    await until(b, () => b.connectionState === 'connected', 15_000, 'bob connected');
    await friendsOf(a).request(bob.id, 'hi bob');
    await until(b, () => friendsOf(b).store.getState().incoming.some((e) => e.user.id === alice.id), 15_000, 'bob sees request');
    await friendsOf(b).accept(alice.id);
    await until(a, () => friendsOf(a).store.getState().friends.some((e) => e.user.id === bob.id && e.status === 'friends'), 15_000, 'alice sees friend');

    const received: LocalMessage[] = [];
    b.on('message', ({ message }) => received.push(message));
    const conv = a.dmWith(bob.id);
    const sent = a.send(conv, 'hello bob');
    expect(sent.state).toBe('pending');
    await until(b, () => received.length === 1, 15_000, 'bob receives');
    expect(received[0]).toMatchObject({ senderId: alice.id, seq: 1, content: { type: 'text', text: 'hello bob' } });
    await until(a, () => a.messages.getState()[conv]?.items[0]?.state === 'delivered' || a.messages.getState()[conv]?.items[0]?.state === 'read', 15_000, 'delivered tick');
    b.markRead(conv);
    await until(a, () => a.messages.getState()[conv]?.items[0]?.state === 'read', 15_000, 'read tick');
    expect(a.messages.getState()[conv]?.items.map((m) => m.seq)).toEqual([1]);
  });

  it('learns the server\'s protocol version and limits from ready, and refuses text past its limit before sending', async () => {
    await rest.befriend(alice, bob);
    const a = open(alice);
    await connected(a, 'alice connected');
    expect(a.serverProtocol).toBe(PROTOCOL_VERSION);
    const max = a.limits.getState()?.maxTextLength as number;
    expect(max).toBeGreaterThan(0);
    expect(max).toBeLessThan(PROTOCOL_LIMITS.maxTextLength); // the server's own, tighter cap
    const conv = a.dmWith(bob.id);
    expect(() => a.send(conv, 'x'.repeat(max + 1))).toThrow(expect.objectContaining({ code: 'validation', retryable: false }));
    const atLimit = a.send(conv, 'y'.repeat(max));
    await until(a, () => a.messages.getState()[conv]?.items.find((m) => m.clientMsgId === atLimit.clientMsgId)?.state !== 'pending', 15_000, 'stored');
    expect(a.messages.getState()[conv]?.items.map((m) => (m.content.type === 'text' ? m.content.text.length : -1))).toEqual([max]);
  });

  it('chats both ways: 50 messages surface once each, in order, on both sides', async () => {
    await rest.befriend(alice, bob);
    const a = open(alice);
    const b = open(bob);
    const aLog = recordSurfaced(a);
    const bLog = recordSurfaced(b);
    await connected(a, 'alice connected');
    await connected(b, 'bob connected');
    const conv = a.dmWith(bob.id);
    for (const i of range(50)) a.send(conv, `a${i}`);
    await until(b, () => bLog.length >= 50, 15_000, 'bob surfaced 50');
    for (const i of range(3)) b.send(conv, `b${i}`);
    await until(a, () => aLog.length >= 53, 15_000, 'alice surfaced 53');
    await until(b, () => bLog.length >= 53, 15_000, 'bob surfaced his own 3');

    const expected = [...range(50).map((i) => `${i}:a${i}`), ...range(3).map((i) => `${50 + i}:b${i}`)];
    expect(seqTexts(aLog, conv)).toEqual(expected);
    expect(seqTexts(bLog, conv)).toEqual(expected);
    expect(aLog.slice(0, 50).every((m) => m.senderId === alice.id)).toBe(true);
    expect(bLog.slice(50).every((m) => m.senderId === bob.id)).toBe(true);
    // The stores agree with the events: one item per seq, in order, nothing pending.
    for (const c of [a, b]) {
      expect(c.messages.getState()[conv]?.items.map((m) => `${m.seq}:${m.content.type === 'text' ? m.content.text : ''}`)).toEqual(expected);
    }
  });

  it('the conversation list shows lastMessage and unread; markRead zeroes unread on the reader\'s other device', async () => {
    await rest.befriend(alice, bob);
    const a = open(alice);
    const b1 = open(bob);
    const b2 = open(bob);
    const b1Log = recordSurfaced(b1);
    const b2Log = recordSurfaced(b2);
    await Promise.all([connected(a), connected(b1), connected(b2)]);
    const conv = a.dmWith(bob.id);
    for (const i of range(5)) a.send(conv, `note ${i}`);
    await until(b1, () => b1Log.length === 5, 15_000, 'bob device 1 surfaced 5');
    await until(b2, () => b2Log.length === 5, 15_000, 'bob device 2 surfaced 5');

    for (const c of [b1, b2]) {
      const view = () => c.conversations.getState()[conv];
      await until(c, () => view()?.unread === 5, 15_000, 'bob unread 5');
      expect(view()).toMatchObject({ conversationId: conv, kind: 'dm', peerId: alice.id, lastSeq: 5, unread: 5 });
      expect(view()?.lastMessage).toMatchObject({ seq: 5, senderId: alice.id, content: { type: 'text', text: 'note 5' } });
    }
    // The sender has nothing unread in the same conversation.
    await until(a, () => a.conversations.getState()[conv]?.lastMessage?.seq === 5, 15_000, 'alice list entry');
    expect(a.conversations.getState()[conv]).toMatchObject({ unread: 0, peerId: bob.id, lastMessage: { seq: 5, content: { text: 'note 5' } } });

    // Reading on device 1 clears the badge on device 2 (the server pushes bob's read cursor to all his sessions).
    b1.markRead(conv);
    await until(b2, () => b2.conversations.getState()[conv]?.unread === 0, 15_000, 'bob device 2 unread 0');
    await until(b1, () => b1.conversations.getState()[conv]?.unread === 0, 15_000, 'bob device 1 unread 0');
    expect(b2.conversations.getState()[conv]?.cursors.find((c) => c.userId === bob.id)?.read).toBe(5);

    // A new message counts again on both devices, and the reply moves alice's lastMessage and unread.
    a.send(conv, 'note 6');
    await until(b2, () => b2.conversations.getState()[conv]?.unread === 1, 15_000, 'bob device 2 unread 1');
    await until(b1, () => b1.conversations.getState()[conv]?.unread === 1, 15_000, 'bob device 1 unread 1');
    b2.send(conv, 'got them');
    await until(a, () => a.conversations.getState()[conv]?.unread === 1, 15_000, 'alice unread 1');
    expect(a.conversations.getState()[conv]?.lastMessage).toMatchObject({ seq: 7, senderId: bob.id, content: { text: 'got them' } });
    await until(b1, () => b1.conversations.getState()[conv]?.lastMessage?.seq === 7, 15_000, 'bob device 1 sees his reply from device 2');
    expect(seqTexts(b1Log, conv)).toEqual([...range(5).map((i) => `${i}:note ${i}`), '6:note 6', '7:got them']);
  });
});
