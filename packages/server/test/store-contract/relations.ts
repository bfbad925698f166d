import { describe, expect, it } from 'vitest';
import type { FriendshipRow, NewUserEvent } from '../../src/store/types.js';
import { A, B, C, useStore, type OpenStore } from './support.js';

/** The {@link RelationStore} part of the contract. */
export function relationStoreContract(open: OpenStore): void {
  describe('friendships, blocks and events', () => {
    const t = useStore(open);
    const row = (userId: string, peerId: string, status: FriendshipRow['status'], updatedAt: number, memo: string | null = null): FriendshipRow => ({
      userId, peerId, status, memo, updatedAt,
    });
    const friendEvent = (userId: string, peerId: string, at: number): NewUserEvent => ({
      userId, kind: 'friendship', at, peerId, status: 'friends', actorId: userId,
    });

    it('upserts, updates and removes friendship rows atomically with events', async () => {
      const { store } = t;
      const events = await store.applyRelationChange({
        upsert: [row(A, B, 'outgoing', 10, 'hi'), row(B, A, 'incoming', 10, 'hi')],
        remove: [],
        events: [{ userId: B, kind: 'friendship', at: 10, peerId: A, status: 'incoming', memo: 'hi', actorId: A }],
      });
      expect(events).toEqual([{ kind: 'friendship', seq: 1, at: 10, peerId: A, status: 'incoming', memo: 'hi', actorId: A }]);
      expect(await store.getFriendship(A, B)).toEqual(row(A, B, 'outgoing', 10, 'hi'));
      expect(await store.getFriendship(B, A)).toEqual(row(B, A, 'incoming', 10, 'hi'));

      await store.applyRelationChange({ upsert: [row(A, B, 'friends', 20), row(B, A, 'friends', 20)], remove: [], events: [] });
      expect(await store.getFriendship(A, B)).toEqual(row(A, B, 'friends', 20));

      await store.applyRelationChange({ upsert: [row(B, A, 'removed', 30)], remove: [{ userId: A, peerId: B }], events: [] });
      expect(await store.getFriendship(A, B)).toBeNull();
      expect(await store.getFriendship(B, A)).toEqual(row(B, A, 'removed', 30));
      expect(await store.getFriendship(A, C)).toBeNull();
    });

    it('lists rows by owner and status, newest first', async () => {
      const { store } = t;
      await store.applyRelationChange({
        upsert: [row(A, B, 'friends', 10), row(A, C, 'friends', 30), row(A, 'u_dan', 'friends', 20), row(A, 'u_eve', 'outgoing', 40), row(B, A, 'friends', 50)],
        remove: [],
        events: [],
      });
      expect((await store.listFriendships(A, 'friends')).map((r) => r.peerId)).toEqual([C, 'u_dan', B]);
      expect(await store.listFriendships(A, 'outgoing')).toEqual([row(A, 'u_eve', 'outgoing', 40)]);
      expect(await store.listFriendships(A, 'incoming')).toEqual([]);
      expect((await store.listFriendships(B, 'friends')).map((r) => r.peerId)).toEqual([A]);
    });

    it('blocks one direction, idempotently, and unblocks', async () => {
      const { store } = t;
      const block = (blockerId: string, blockedId: string, blocked: boolean) =>
        store.applyRelationChange({ upsert: [], remove: [], block: { blockerId, blockedId, blocked }, events: [] });
      await block(A, B, true);
      await block(A, B, true);
      await block(A, C, true);
      expect(await store.isBlocked(A, B)).toBe(true);
      expect(await store.isBlocked(B, A)).toBe(false);
      expect((await store.listBlocked(A)).sort()).toEqual([B, C]);
      expect(await store.listBlocked(B)).toEqual([]);
      await block(A, B, false);
      expect(await store.isBlocked(A, B)).toBe(false);
      expect(await store.listBlocked(A)).toEqual([C]);
    });

    it('assigns event seqs consecutively per user and independently across users', async () => {
      const { store } = t;
      expect(await store.latestUserEventSeq(A)).toBe(0);
      const first = await store.applyRelationChange({
        upsert: [],
        remove: [],
        block: { blockerId: A, blockedId: B, blocked: true },
        events: [friendEvent(A, B, 1), { userId: A, kind: 'block', at: 2, peerId: B, blocked: true, actorId: A }, friendEvent(B, A, 3)],
      });
      expect(first.map((e) => e.seq)).toEqual([1, 2, 1]);
      expect(first[1]).toEqual({ kind: 'block', seq: 2, at: 2, peerId: B, blocked: true, actorId: A });
      const second = await store.applyRelationChange({ upsert: [], remove: [], events: [friendEvent(B, C, 4), friendEvent(A, C, 5)] });
      expect(second.map((e) => e.seq)).toEqual([2, 3]);
      expect(await store.latestUserEventSeq(A)).toBe(3);
      expect(await store.latestUserEventSeq(B)).toBe(2);
      expect(await store.latestUserEventSeq(C)).toBe(0);
      expect(await store.getUserEvents(A, 0, 10)).toEqual([first[0], first[1], second[1]]);
      expect(await store.getUserEvents(B, 0, 10)).toEqual([first[2], second[0]]);
      expect(first[0]).toEqual({ kind: 'friendship', seq: 1, at: 1, peerId: B, status: 'friends', actorId: A });
    });

    it('appends events to several logs in one call, seqs continuing each log, and lists profile viewers', async () => {
      const { store } = t;
      const user = { id: A, handle: 'a', displayName: 'A two', avatarUrl: null, signature: '' };
      await store.applyRelationChange({ upsert: [], remove: [], events: [friendEvent(B, A, 1)] });
      const profile = (userId: string, at: number): NewUserEvent => ({ userId, kind: 'profile', at, user });
      const appended = await store.appendUserEvents([profile(A, 5), profile(B, 5), profile(C, 5), profile(B, 6)]);
      expect(appended.map((e) => e.seq)).toEqual([1, 2, 1, 3]);
      expect(appended[1]).toEqual({ kind: 'profile', seq: 2, at: 5, user });
      expect(await store.getUserEvents(B, 0, 10)).toEqual([expect.objectContaining({ kind: 'friendship', seq: 1 }), appended[1], appended[3]]);
      expect(await store.latestUserEventSeq(C)).toBe(1);
      expect(await store.appendUserEvents([])).toEqual([]);

      // Viewers: whoever has a row about A (friends, removed, pending either way), minus blocks either way.
      await store.applyRelationChange({
        upsert: [row(B, A, 'friends', 1), row(A, B, 'friends', 1), row(C, A, 'removed', 1), row('u_dan', A, 'incoming', 1), row(A, 'u_dan', 'outgoing', 1), row('u_eve', A, 'outgoing', 1), row('u_fay', A, 'friends', 1), row('u_gus', A, 'friends', 1), row(A, 'u_hal', 'friends', 1)],
        remove: [],
        events: [],
      });
      await store.applyRelationChange({ upsert: [], remove: [], block: { blockerId: A, blockedId: 'u_fay', blocked: true }, events: [] });
      await store.applyRelationChange({ upsert: [], remove: [], block: { blockerId: 'u_gus', blockedId: A, blocked: true }, events: [] });
      expect(await store.listProfileViewers(A)).toEqual([B, C, 'u_dan', 'u_eve']);
      expect(await store.listProfileViewers('u_hal')).toEqual([A]);
      expect(await store.listProfileViewers('u_nobody')).toEqual([]);
    });

    it('appends a fan-out to thousands of logs in one call', async () => {
      const { store } = t;
      const user = { id: A, handle: 'a', displayName: 'A', avatarUrl: null, signature: '' };
      const owners = Array.from({ length: 5001 }, (_, i) => `u_${String(i).padStart(5, '0')}`);
      await store.applyRelationChange({ upsert: [], remove: [], events: [friendEvent(owners[4999]!, A, 1)] });
      const appended = await store.appendUserEvents(owners.map((userId) => ({ userId, kind: 'profile', at: 2, user })));
      expect(appended).toHaveLength(owners.length);
      expect(appended[4999]!.seq).toBe(2);
      expect(appended.filter((e) => e.seq !== 1)).toHaveLength(1);
      expect(await store.getUserEvents(owners[5000]!, 0, 10)).toEqual([{ kind: 'profile', seq: 1, at: 2, user }]);
      for (const owner of [owners[0]!, owners[2500]!, owners[5000]!]) expect(await store.latestUserEventSeq(owner)).toBe(1);
    });

    it('pages user events by afterSeq and limit', async () => {
      const { store } = t;
      await store.applyRelationChange({ upsert: [], remove: [], events: [1, 2, 3, 4, 5].map((at) => friendEvent(A, B, at)) });
      expect((await store.getUserEvents(A, 0, 2)).map((e) => [e.seq, e.at])).toEqual([[1, 1], [2, 2]]);
      expect((await store.getUserEvents(A, 2, 2)).map((e) => e.seq)).toEqual([3, 4]);
      expect((await store.getUserEvents(A, 4, 10)).map((e) => e.seq)).toEqual([5]);
      expect(await store.getUserEvents(A, 5, 10)).toEqual([]);
      expect(await store.getUserEvents(B, 0, 10)).toEqual([]);
    });
  });
}
