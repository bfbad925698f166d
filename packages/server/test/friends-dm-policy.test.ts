import { beforeEach, describe, expect, it } from 'vitest';
import { dmConversationId, type AckFrame, type ErrorFrame, type MessageFrame } from '@quickchat/protocol';
import type { TestUser } from './support/rest.js';
import type { RawClient } from './support/ws-client.js';
import { NOBODY, sendDm, useFriendsServer, type FriendsHarness } from './support/friends.js';

/** The parts of a reply a client can observe, minus the echoed request id. */
function observed(reply: AckFrame | ErrorFrame): { type: string; code?: string; message?: string } {
  return reply.type === 'error' ? { type: reply.type, code: reply.code, message: reply.message } : { type: reply.type };
}

describe('DM policy "friends" (default)', () => {
  const startServer = useFriendsServer();

  it('pending, non-friend, blocked, blocking and nonexistent peers all get the same not_found, and nothing is stored', async () => {
    const { h, alice, bob: stranger } = await startServer();
    const pending = await h.register('pending');
    const blockedByAlice = await h.register('blocked');
    const blocksAlice = await h.register('blocker');
    const friend = await h.register('friend');
    await h.request(alice, pending.id, 'hi');
    await h.block(alice, blockedByAlice.id);
    await h.block(blocksAlice, alice.id);
    await h.rest.befriend(alice, friend);

    const a = await h.connect(alice);
    const replies: Record<string, AckFrame | ErrorFrame> = {};
    for (const [name, peer] of [
      ['pending request (outgoing)', pending.id],
      ['non-friend', stranger.id],
      ['blocked by me', blockedByAlice.id],
      ['blocked me', blocksAlice.id],
      ['nonexistent', NOBODY],
    ] as const) {
      replies[name] = await sendDm(a, alice.id, peer);
    }
    // The other side of the pending request cannot DM either.
    const p = await h.connect(pending);
    replies['pending request (incoming)'] = await sendDm(p, pending.id, alice.id);
    // Nor can the users on the other side of each block.
    const bl = await h.connect(blockedByAlice);
    replies['blocked user to blocker'] = await sendDm(bl, blockedByAlice.id, alice.id);
    const br = await h.connect(blocksAlice);
    replies['blocker to blocked user'] = await sendDm(br, blocksAlice.id, alice.id);

    const reference = observed(replies['nonexistent']!);
    expect(reference).toEqual({ type: 'error', code: 'not_found', message: expect.any(String) });
    for (const [name, reply] of Object.entries(replies)) {
      expect({ name, ...observed(reply) }).toEqual({ name, ...reference });
    }
    expect(h.count('messages')).toBe(0);
    expect(h.count('conversations')).toBe(0);
    // No side effects: nobody received a message frame.
    for (const c of [a, p, bl, br]) {
      await c.roundTrip();
      expect(c.frames.filter((f) => f.type === 'message')).toEqual([]);
    }

    // Positive control on the same sockets: the actual friend can be messaged.
    const ok = await sendDm(a, alice.id, friend.id, 'hello friend');
    expect(ok).toMatchObject({ type: 'ack', conversationId: dmConversationId(alice.id, friend.id), seq: 1 });
    expect(h.count('messages')).toBe(1);
  });

  it('typing to a non-friend is refused the same way and relays nothing', async () => {
    const { h, alice, bob } = await startServer();
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    // Typing frames carry no request id; the refusal is the only error this socket can get here.
    a.send({ type: 'typing', conversationId: dmConversationId(alice.id, bob.id), active: true });
    const err = await a.next<ErrorFrame>((f) => f.type === 'error');
    const nobody = await sendDm(a, alice.id, NOBODY);
    expect(observed(err)).toEqual(observed(nobody));
    await b.roundTrip();
    expect(b.frames.filter((f) => f.type === 'typing')).toEqual([]);
  });
});

describe('DM policy "anyone"', () => {
  let h: FriendsHarness;
  let alice: TestUser;
  let bob: TestUser;
  let a: RawClient;
  let b: RawClient;
  const startServer = useFriendsServer();
  beforeEach(async () => {
    ({ h, alice, bob } = await startServer({ overrides: { dmPolicy: 'anyone' } }));
    a = await h.connect(alice);
    b = await h.connect(bob);
  });

  it('non-friends can DM each other', async () => {
    expect(await h.relations(alice)).toEqual({ friends: [], incoming: [], outgoing: [] });
    const fromAlice = await sendDm(a, alice.id, bob.id, 'hello stranger');
    expect(fromAlice).toMatchObject({ type: 'ack', seq: 1 });
    const received = await b.next<MessageFrame>((f) => f.type === 'message');
    expect(received.message).toMatchObject({ senderId: alice.id, seq: 1, content: { type: 'text', text: 'hello stranger' } });
    expect(await sendDm(b, bob.id, alice.id, 'hi back')).toMatchObject({ type: 'ack', seq: 2 });
    expect(h.count('messages')).toBe(2);
    // Still nobody who does not exist.
    expect(observed(await sendDm(a, alice.id, NOBODY))).toEqual({ type: 'error', code: 'not_found', message: expect.any(String) });
    expect(h.count('messages')).toBe(2);
  });

  it('a block still prevents DMs in both directions, with the same not_found as a nonexistent user', async () => {
    expect((await sendDm(a, alice.id, bob.id)).type).toBe('ack');
    await h.block(bob, alice.id);
    const reference = observed(await sendDm(a, alice.id, NOBODY));
    expect(reference.code).toBe('not_found');
    expect(observed(await sendDm(a, alice.id, bob.id))).toEqual(reference);
    expect(observed(await sendDm(b, bob.id, alice.id))).toEqual(reference);
    expect(h.count('messages')).toBe(1);
    // Lifting the block restores the policy's default.
    await h.unblock(bob, alice.id);
    expect((await sendDm(a, alice.id, bob.id)).type).toBe('ack');
    expect(h.count('messages')).toBe(2);
  });
});
