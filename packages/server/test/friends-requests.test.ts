import { beforeEach, describe, expect, it } from 'vitest';
import { PROTOCOL_LIMITS, type FriendEntry } from '@quickchat/protocol';
import type { TestUser } from './support/rest.js';
import { NOBODY, useFriendsServer, type FriendsHarness } from './support/friends.js';

const PUBLIC_USER_KEYS = ['avatarUrl', 'displayName', 'handle', 'id', 'signature'];

describe('friend requests', () => {
  const startServer = useFriendsServer();
  let h: FriendsHarness;
  let alice: TestUser;
  let bob: TestUser;
  beforeEach(async () => ({ h, alice, bob } = await startServer()));

  it('a request with a memo shows up as outgoing for the requester and incoming (with memo) for the peer', async () => {
    const res = await h.request(alice, bob.id, 'we met at the conference');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'outgoing' });

    const outgoing = await h.list(alice, 'outgoing');
    expect(outgoing).toEqual([
      { user: { id: bob.id, handle: 'bob', displayName: 'bob', avatarUrl: null, signature: '' }, status: 'outgoing', memo: 'we met at the conference', since: expect.any(Number) },
    ]);
    const incoming = await h.list(bob, 'incoming');
    expect(incoming).toEqual([
      { user: { id: alice.id, handle: 'alice', displayName: 'alice', avatarUrl: null, signature: '' }, status: 'incoming', memo: 'we met at the conference', since: expect.any(Number) },
    ]);
    // Nothing leaks into the other lists while the request is pending.
    expect(await h.relations(alice)).toEqual({ friends: [], incoming: [], outgoing: [[bob.id, 'outgoing']] });
    expect(await h.relations(bob)).toEqual({ friends: [], incoming: [[alice.id, 'incoming']], outgoing: [] });
  });

  it('lists carry the peer public profile (with profile edits) and never private fields', async () => {
    const patch = await h.rest.call('PATCH', '/api/me', { token: bob.token, body: { displayName: 'Bobby', signature: 'hello there' } });
    expect(patch.status).toBe(200);
    await h.request(alice, bob.id, 'memo');
    await h.request(bob, alice.id); // auto-accept → friends
    await h.register('carol').then((carol) => h.request(carol, alice.id));
    await h.block(alice, (await h.register('dave')).id);
    await h.request(alice, (await h.register('erin')).id, 'outgoing memo');

    const responses = await Promise.all(
      ['/api/friends', '/api/friend-requests/incoming', '/api/friend-requests/outgoing', '/api/blocks'].map((path) => h.rest.call('GET', path, { token: alice.token })),
    );
    for (const res of responses) {
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeGreaterThan(0);
      expect(JSON.stringify(res.body)).not.toMatch(/password|hash|argon/i);
      for (const item of res.body.items as (FriendEntry | FriendEntry['user'])[]) {
        const user = 'user' in item ? item.user : item;
        expect(Object.keys(user).sort()).toEqual(PUBLIC_USER_KEYS);
      }
    }
    const friends = responses[0]!.body.items as FriendEntry[];
    expect(friends[0]!.user).toEqual({ id: bob.id, handle: 'bob', displayName: 'Bobby', avatarUrl: null, signature: 'hello there' });
  });

  it('accepting makes both sides friends and empties the request lists', async () => {
    await h.request(alice, bob.id, 'hi');
    const res = await h.accept(bob, alice.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'friends' });
    expect(await h.relations(alice)).toEqual({ friends: [[bob.id, 'friends']], incoming: [], outgoing: [] });
    expect(await h.relations(bob)).toEqual({ friends: [[alice.id, 'friends']], incoming: [], outgoing: [] });
    const [entry] = await h.list(alice, 'friends');
    expect(entry!.user.id).toBe(bob.id);
    expect(entry!.since).toEqual(expect.any(Number));
  });

  it('declining empties both lists and deletes both rows, so the requester can ask again', async () => {
    await h.request(alice, bob.id, 'hi');
    const res = await h.decline(bob, alice.id);
    expect(res.status).toBe(204);
    const empty = { friends: [], incoming: [], outgoing: [] };
    expect(await h.relations(alice)).toEqual(empty);
    expect(await h.relations(bob)).toEqual(empty);
    expect(h.count('friendships')).toBe(0);
    // A declined request is gone, not stuck: a new one is a fresh pending request.
    expect((await h.request(alice, bob.id)).body).toEqual({ status: 'outgoing' });
    expect(await h.relations(bob)).toEqual({ friends: [], incoming: [[alice.id, 'incoming']], outgoing: [] });
  });

  it('cancelling empties both lists and deletes both rows', async () => {
    await h.request(alice, bob.id, 'hi');
    const res = await h.cancel(alice, bob.id);
    expect(res.status).toBe(204);
    const empty = { friends: [], incoming: [], outgoing: [] };
    expect(await h.relations(alice)).toEqual(empty);
    expect(await h.relations(bob)).toEqual(empty);
    expect(h.count('friendships')).toBe(0);
    // Bob can no longer accept the withdrawn request.
    expect((await h.accept(bob, alice.id)).status).toBe(404);
  });

  it('requesting someone who already requested you accepts their request', async () => {
    await h.request(alice, bob.id, 'hi');
    const res = await h.request(bob, alice.id, 'hi back');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'friends' });
    expect(await h.relations(alice)).toEqual({ friends: [[bob.id, 'friends']], incoming: [], outgoing: [] });
    expect(await h.relations(bob)).toEqual({ friends: [[alice.id, 'friends']], incoming: [], outgoing: [] });
  });

  it('a duplicate request is idempotent', async () => {
    expect((await h.request(alice, bob.id, 'first')).body).toEqual({ status: 'outgoing' });
    const seqs = [h.latestEventSeq(alice.id), h.latestEventSeq(bob.id)];
    const again = await h.request(alice, bob.id, 'second');
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ status: 'outgoing' });
    expect(await h.relations(alice)).toEqual({ friends: [], incoming: [], outgoing: [[bob.id, 'outgoing']] });
    expect(await h.relations(bob)).toEqual({ friends: [], incoming: [[alice.id, 'incoming']], outgoing: [] });
    expect(h.count('friendships')).toBe(2);
    // Nothing changed, so nothing was announced.
    expect([h.latestEventSeq(alice.id), h.latestEventSeq(bob.id)]).toEqual(seqs);
  });

  it('requesting an existing friend is a 409 conflict', async () => {
    await h.rest.befriend(alice, bob);
    for (const [from, to] of [[alice, bob], [bob, alice]] as const) {
      const res = await h.request(from, to.id);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('conflict');
    }
    expect(await h.relations(alice)).toEqual({ friends: [[bob.id, 'friends']], incoming: [], outgoing: [] });
  });

  it('requesting yourself is a 400 validation error', async () => {
    const res = await h.request(alice, alice.id);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation');
    expect(h.count('friendships')).toBe(0);
  });

  it('requesting a nonexistent user is a 404 not_found', async () => {
    const res = await h.request(alice, NOBODY, 'anyone there?');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expect(h.count('friendships')).toBe(0);
    expect(await h.relations(alice)).toEqual({ friends: [], incoming: [], outgoing: [] });
  });

  it('malformed user ids and oversized memos are rejected with 400', async () => {
    const badBody = await h.rest.call('POST', '/api/friend-requests', { token: alice.token, body: { userId: { $ne: null } } });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.code).toBe('validation');
    const badParam = await h.rest.call('POST', `/api/friend-requests/${encodeURIComponent('no spaces!')}/accept`, { token: alice.token });
    expect(badParam.status).toBe(400);
    expect(badParam.body.error.code).toBe('validation');
    const longMemo = await h.request(alice, bob.id, 'x'.repeat(PROTOCOL_LIMITS.maxMemoLength + 1));
    expect(longMemo.status).toBe(400);
    expect(longMemo.body.error.code).toBe('validation');
    expect(h.count('friendships')).toBe(0);
  });

  it('accept, decline and cancel without a matching pending request are 404', async () => {
    const expect404 = async (res: Promise<{ status: number; body: any }>) => {
      const r = await res;
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    };
    // Nothing pending at all.
    await expect404(h.accept(bob, alice.id));
    await expect404(h.decline(bob, alice.id));
    await expect404(h.cancel(alice, bob.id));
    await expect404(h.accept(bob, NOBODY));
    // Pending, but from the wrong side: the requester cannot accept or decline, the recipient cannot cancel.
    await h.request(alice, bob.id);
    await expect404(h.accept(alice, bob.id));
    await expect404(h.decline(alice, bob.id));
    await expect404(h.cancel(bob, alice.id));
    expect(await h.relations(bob)).toEqual({ friends: [], incoming: [[alice.id, 'incoming']], outgoing: [] });
    // Already friends: no pending request any more.
    await h.accept(bob, alice.id);
    await expect404(h.accept(bob, alice.id));
    await expect404(h.decline(bob, alice.id));
    await expect404(h.cancel(alice, bob.id));
    expect(await h.relations(alice)).toEqual({ friends: [[bob.id, 'friends']], incoming: [], outgoing: [] });
  });

  it('friend routes require authentication', async () => {
    const res = await h.rest.call('GET', '/api/friends');
    expect(res.status).toBe(401);
    const req = await h.rest.call('POST', '/api/friend-requests', { body: { userId: bob.id } });
    expect(req.status).toBe(401);
    expect(h.count('friendships')).toBe(0);
  });
});
