import { describe, expect, it } from 'vitest';
import { Rest, type TestServer, type TestUser, clientMaker, until, usePair } from '../support/sdk-server.js';
import type { ChatClient, LocalMessage } from '../../src/index.js';
import { connected, nextSynced, ownItems, range, recordSurfaced, seqTexts } from './helpers.js';

/** One user on two devices: both show the whole conversation, own messages from the other device included, once each. */
describe('SDK multi-device against the real server', () => {
  let t: TestServer;
  let rest: Rest;
  let alice: TestUser;
  let bob: TestUser;
  const clients: ChatClient[] = [];
  const open = clientMaker(clients, () => t);

  usePair(clients, (p) => ({ t, rest, alice, bob } = p));

  it('both devices surface both sides exactly once in seq order, and receipts reach every device', async () => {
    const a1 = open(alice);
    const a2 = open(alice);
    const b = open(bob);
    const logs = new Map<ChatClient, LocalMessage[]>([a1, a2, b].map((c) => [c, recordSurfaced(c)]));
    const log = (c: ChatClient) => logs.get(c) as LocalMessage[];
    await Promise.all([connected(a1, 'alice device 1'), connected(a2, 'alice device 2'), connected(b, 'bob')]);
    const conv = a1.dmWith(bob.id);

    // Alice (device 1) and bob write at the same time; the server decides the interleaving.
    for (const i of range(20)) {
      a1.send(conv, `a${i}`);
      if (i % 4 === 0) b.send(conv, `b${i / 4}`);
    }
    for (const c of [a1, a2, b]) await until(c, () => log(c).length >= 25, 15_000, 'every device surfaced 25');

    const reference = seqTexts(log(b), conv);
    expect(reference.map((x) => Number(x.split(':')[0]))).toEqual(range(25));
    expect(seqTexts(log(a1), conv)).toEqual(reference);
    expect(seqTexts(log(a2), conv)).toEqual(reference);
    // Each sender's messages keep their send order within the total order.
    const texts = reference.map((x) => x.split(':')[1] as string);
    expect(texts.filter((x) => x.startsWith('a'))).toEqual(range(20).map((i) => `a${i}`));
    expect(texts.filter((x) => x.startsWith('b'))).toEqual(range(5).map((i) => `b${i}`));
    // On device 2, alice's messages from device 1 are hers (sender, clientMsgId) and are stored, not pending.
    const fromDevice1 = log(a2).filter((m) => m.senderId === alice.id);
    expect(fromDevice1.map((m) => m.clientMsgId)).toEqual(log(a1).filter((m) => m.senderId === alice.id).map((m) => m.clientMsgId));
    expect(a2.messages.getState()[conv]?.items.map((m) => m.seq)).toEqual(range(25));
    expect(a2.messages.getState()[conv]?.items.some((m) => m.state === 'pending')).toBe(false);

    // A message from device 2 shows up on device 1 as alice's own, once.
    a2.send(conv, 'from device 2');
    await until(a1, () => log(a1).length === 26, 15_000, 'device 1 surfaced device 2 message');
    await until(b, () => log(b).length === 26, 15_000, 'bob surfaced device 2 message');
    expect(log(a1)[25]).toMatchObject({ seq: 26, senderId: alice.id, content: { text: 'from device 2' } });
    expect(a1.messages.getState()[conv]?.items.filter((m) => m.content.type === 'text' && m.content.text === 'from device 2')).toHaveLength(1);

    // Bob's client acknowledges delivery by itself: every own message turns delivered on both of alice's devices.
    const allOwn = (c: ChatClient, state: LocalMessage['state']) => ownItems(c, conv).length === 21 && ownItems(c, conv).every((m) => m.state === state);
    await until(a1, () => allOwn(a1, 'delivered'), 15_000, 'delivered on device 1');
    await until(a2, () => allOwn(a2, 'delivered'), 15_000, 'delivered on device 2');

    // Bob reads: read ticks on both of alice's devices.
    b.markRead(conv);
    await until(a1, () => allOwn(a1, 'read'), 15_000, 'read on device 1');
    await until(a2, () => allOwn(a2, 'read'), 15_000, 'read on device 2');

    // Alice reads on device 2: device 1's unread badge clears, and bob sees his messages read.
    await until(a1, () => a1.conversations.getState()[conv]?.unread === 5, 15_000, 'alice device 1 unread 5');
    a2.markRead(conv);
    await until(a1, () => a1.conversations.getState()[conv]?.unread === 0, 15_000, 'alice device 1 unread 0');
    await until(b, () => ownItems(b, conv).length === 5 && ownItems(b, conv).every((m) => m.state === 'read'), 15_000, 'bob sees read');
    expect(a1.conversations.getState()[conv]?.cursors.find((c) => c.userId === alice.id)?.read).toBe(26);
  });

  it('a second device that connects later catches up on what the first device sent while it was offline', async () => {
    const a1 = open(alice);
    const b = open(bob);
    await Promise.all([connected(a1), connected(b)]);
    const conv = a1.dmWith(bob.id);
    const a2 = open(alice);
    const a2Log = recordSurfaced(a2);
    // The device completes one sync (its starting point), then goes offline.
    await nextSynced(a2);
    a2.disconnect();
    for (const i of range(30)) a1.send(conv, `while away ${i}`);
    b.send(conv, 'bob too');
    await until(a1, () => a1.conversations.getState()[conv]?.lastSeq === 31, 15_000, 'all stored');
    a2.connect();
    await until(a2, () => a2Log.length >= 31, 15_000, 'device 2 caught up');
    expect(seqTexts(a2Log, conv)).toEqual(seqTexts(a1.messages.getState()[conv]?.items ?? [], conv));
    expect(a2Log.map((m) => m.seq)).toEqual(range(31));
    expect(a2Log.filter((m) => m.senderId === alice.id)).toHaveLength(30);
  });
});
