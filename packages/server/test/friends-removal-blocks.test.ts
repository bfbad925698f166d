import { beforeEach, describe, expect, it } from 'vitest';
import type { TestUser } from './support/rest.js';
import { NOBODY, sendDm, useFriendsServer, type FriendsHarness } from './support/friends.js';

const empty = { friends: [], incoming: [], outgoing: [] };
const startServer = useFriendsServer();

describe('friend removal', () => {
  let h: FriendsHarness;
  let alice: TestUser;
  let bob: TestUser;
  beforeEach(async () => ({ h, alice, bob } = await startServer({ befriend: true })));

  it('is one-way: the remover drops the peer, the peer sees "removed", and neither can DM', async () => {
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    // Positive control: friends can DM.
    expect((await sendDm(a, alice.id, bob.id)).type).toBe('ack');
    const stored = h.count('messages');

    const res = await h.remove(alice, bob.id);
    expect(res.status).toBe(204);
    expect(await h.relations(alice)).toEqual(empty);
    expect(await h.relations(bob)).toEqual({ friends: [[alice.id, 'removed']], incoming: [], outgoing: [] });
    const [entry] = await h.list(bob, 'friends');
    expect(entry!.user).toEqual({ id: alice.id, handle: 'alice', displayName: 'alice', avatarUrl: null, signature: '' });

    for (const [client, from, to] of [[a, alice, bob], [b, bob, alice]] as const) {
      const reply = await sendDm(client, from.id, to.id);
      expect(reply).toMatchObject({ type: 'error', code: 'not_found' });
    }
    expect(h.count('messages')).toBe(stored);
    // Removing again: the remover has nothing left to remove.
    expect((await h.remove(alice, bob.id)).status).toBe(404);
  });

  it('the removed peer can delete their "removed" row', async () => {
    await h.remove(alice, bob.id);
    const res = await h.remove(bob, alice.id);
    expect(res.status).toBe(204);
    expect(await h.relations(bob)).toEqual(empty);
    expect(await h.relations(alice)).toEqual(empty);
    expect(h.count('friendships')).toBe(0);
    expect((await h.remove(bob, alice.id)).status).toBe(404);
  });

  it('the removed peer can send a new request and the two can be friends (and DM) again', async () => {
    await h.remove(alice, bob.id);
    expect((await h.request(bob, alice.id, 'again?')).body).toEqual({ status: 'outgoing' });
    expect(await h.relations(bob)).toEqual({ friends: [], incoming: [], outgoing: [[alice.id, 'outgoing']] });
    expect(await h.relations(alice)).toEqual({ friends: [], incoming: [[bob.id, 'incoming']], outgoing: [] });
    expect((await h.accept(alice, bob.id)).body).toEqual({ status: 'friends' });
    expect(await h.relations(alice)).toEqual({ friends: [[bob.id, 'friends']], incoming: [], outgoing: [] });
    expect(await h.relations(bob)).toEqual({ friends: [[alice.id, 'friends']], incoming: [], outgoing: [] });
    const b = await h.connect(bob);
    expect((await sendDm(b, bob.id, alice.id)).type).toBe('ack');
  });

  it('the remover can send a new request and the two can be friends (and DM) again', async () => {
    await h.remove(alice, bob.id);
    expect((await h.request(alice, bob.id)).body).toEqual({ status: 'outgoing' });
    // Bob's "removed" row became a pending incoming request.
    expect(await h.relations(bob)).toEqual({ friends: [], incoming: [[alice.id, 'incoming']], outgoing: [] });
    // Still no DMs while only pending.
    const a = await h.connect(alice);
    expect(await sendDm(a, alice.id, bob.id)).toMatchObject({ type: 'error', code: 'not_found' });
    expect((await h.accept(bob, alice.id)).body).toEqual({ status: 'friends' });
    expect(await h.relations(bob)).toEqual({ friends: [[alice.id, 'friends']], incoming: [], outgoing: [] });
    expect((await sendDm(a, alice.id, bob.id)).type).toBe('ack');
  });

  it('removing a non-friend or a nonexistent user is 404', async () => {
    const carol = await h.register('carol');
    await h.request(alice, carol.id);
    expect((await h.remove(alice, carol.id)).status).toBe(404); // pending, not friends
    expect((await h.remove(carol, alice.id)).status).toBe(404);
    const gone = await h.remove(alice, NOBODY);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('not_found');
    expect(await h.relations(carol)).toEqual({ friends: [], incoming: [[alice.id, 'incoming']], outgoing: [] });
  });
});

describe('blocking', () => {
  let h: FriendsHarness;
  let alice: TestUser;
  let bob: TestUser;
  beforeEach(async () => ({ h, alice, bob } = await startServer()));

  it('ends a friendship (the blocked peer sees "removed") and lists the blocked user', async () => {
    await h.rest.befriend(alice, bob);
    const res = await h.block(alice, bob.id);
    expect(res.status).toBe(204);
    expect(await h.relations(alice)).toEqual(empty);
    expect(await h.relations(bob)).toEqual({ friends: [[alice.id, 'removed']], incoming: [], outgoing: [] });
    expect(await h.blocks(alice)).toEqual([{ id: bob.id, handle: 'bob', displayName: 'bob', avatarUrl: null, signature: '' }]);
    expect(await h.blocks(bob)).toEqual([]);
    const raw = await h.rest.call('GET', '/api/blocks', { token: alice.token });
    expect(JSON.stringify(raw.body)).not.toMatch(/password|hash/i);
    // Blocking twice is harmless.
    expect((await h.block(alice, bob.id)).status).toBe(204);
    expect(await h.blocks(alice)).toHaveLength(1);
  });

  it('cancels a pending request the blocker sent', async () => {
    await h.request(alice, bob.id, 'hi');
    await h.block(alice, bob.id);
    expect(await h.relations(alice)).toEqual(empty);
    expect(await h.relations(bob)).toEqual(empty);
    expect(h.count('friendships')).toBe(0);
  });

  it('cancels a pending request the blocked user sent', async () => {
    await h.request(bob, alice.id, 'hi');
    await h.block(alice, bob.id);
    expect(await h.relations(alice)).toEqual(empty);
    expect(await h.relations(bob)).toEqual(empty);
    expect(h.count('friendships')).toBe(0);
  });

  it('the blocked user cannot request the blocker: exactly the 404 of a nonexistent user', async () => {
    await h.block(alice, bob.id);
    const blocked = await h.request(bob, alice.id, 'please');
    const nobody = await h.request(bob, NOBODY, 'please');
    expect(blocked.status).toBe(404);
    expect(blocked.body.error.code).toBe('not_found');
    expect({ status: blocked.status, body: blocked.body }).toEqual({ status: nobody.status, body: nobody.body });
    expect(await h.relations(alice)).toEqual(empty);
    expect(await h.relations(bob)).toEqual(empty);
  });

  it('the blocked user cannot DM the blocker, nor the blocker the blocked user', async () => {
    await h.rest.befriend(alice, bob);
    await h.block(alice, bob.id);
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const fromBob = await sendDm(b, bob.id, alice.id);
    const fromAlice = await sendDm(a, alice.id, bob.id);
    const toNobody = await sendDm(b, bob.id, NOBODY);
    expect(fromBob).toMatchObject({ type: 'error', code: 'not_found' });
    const seen = (r: typeof fromBob) => ({ type: r.type, code: 'code' in r ? r.code : undefined, message: 'message' in r ? r.message : undefined });
    expect(seen(fromAlice)).toEqual(seen(fromBob));
    expect(seen(toNobody)).toEqual(seen(fromBob));
    expect(h.count('messages')).toBe(0);
  });

  it('the blocker gets 409 requesting the blocked user until they unblock', async () => {
    await h.block(alice, bob.id);
    const res = await h.request(alice, bob.id);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(h.count('friendships')).toBe(0);
    expect((await h.unblock(alice, bob.id)).status).toBe(204);
    expect((await h.request(alice, bob.id)).body).toEqual({ status: 'outgoing' });
    expect(await h.relations(bob)).toEqual({ friends: [], incoming: [[alice.id, 'incoming']], outgoing: [] });
  });

  it('unblocking removes the block but does not restore the friendship', async () => {
    await h.rest.befriend(alice, bob);
    await h.block(alice, bob.id);
    const res = await h.unblock(alice, bob.id);
    expect(res.status).toBe(204);
    expect(await h.blocks(alice)).toEqual([]);
    expect(h.count('blocks')).toBe(0);
    expect(await h.relations(alice)).toEqual(empty);
    expect((await h.relations(bob)).friends.filter(([, status]) => status === 'friends')).toEqual([]);
    // Still no DMs: a new request is needed.
    const a = await h.connect(alice);
    expect(await sendDm(a, alice.id, bob.id)).toMatchObject({ type: 'error', code: 'not_found' });
    // Now the blocked user may request again.
    expect((await h.request(bob, alice.id)).body).toEqual({ status: 'outgoing' });
    expect((await h.accept(alice, bob.id)).body).toEqual({ status: 'friends' });
    expect((await sendDm(a, alice.id, bob.id)).type).toBe('ack');
  });

  it('unblocking someone not blocked, blocking yourself or a nonexistent user are refused', async () => {
    expect((await h.unblock(alice, bob.id)).status).toBe(404);
    await h.block(bob, alice.id);
    // Bob's block of Alice is not Alice's to lift.
    expect((await h.unblock(alice, bob.id)).status).toBe(404);
    expect(await h.blocks(bob)).toHaveLength(1);
    const self = await h.block(alice, alice.id);
    expect(self.status).toBe(400);
    expect(self.body.error.code).toBe('validation');
    const nobody = await h.block(alice, NOBODY);
    expect(nobody.status).toBe(404);
    expect(nobody.body.error.code).toBe('not_found');
    expect(await h.blocks(alice)).toEqual([]);
  });
});
