import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dmConversationId } from '@quickchat/protocol';
import type { Message } from '@quickchat/protocol';
import { HandleTakenError } from '../src/store/types.js';
import type { ConversationState, FriendshipRow, NewMessage, NewUserEvent, RefreshTokenRecord, Store } from '../src/store/types.js';

/** A freshly opened, empty store and how to dispose of it (close it and remove its files). */
export interface OpenedStore {
  store: Store;
  cleanup: () => Promise<void>;
}

/**
 * The behaviour every {@link Store} implementation must share, as one vitest suite.
 * Each implementation's test file calls this with a factory; every test gets a fresh store,
 * so a new backend (e.g. MongoDB) is held to exactly the same invariants as SQLite.
 */
export function runStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });
    afterEach(async () => {
      await cleanup();
    });

    const A = 'u_alice';
    const B = 'u_bob';
    const C = 'u_carol';
    const AB = dmConversationId(A, B);
    const AC = dmConversationId(A, C);
    const G = 'g:team';

    let n = 0;
    const msg = (conversationId: string, senderId: string, clientMsgId: string, createdAt = 1000, members = membersOf(conversationId)): NewMessage => ({
      id: `m_${++n}_${clientMsgId}`,
      conversationId,
      members,
      senderId,
      clientMsgId,
      content: { type: 'text', text: `text ${clientMsgId}` },
      createdAt,
    });
    const membersOf = (id: string): string[] => (id === G ? [A, B, C] : id.slice(3).split('~'));
    const seqs = (messages: readonly Message[]): number[] => messages.map((m) => m.seq);
    const fill = async (conversationId: string, count: number): Promise<void> => {
      const batch = Array.from({ length: count }, (_, i) => msg(conversationId, i % 2 ? B : A, `fill${i}`, 1000 + i));
      await store.appendMessages(batch);
    };
    const sortCursors = (state: ConversationState | null | undefined) =>
      state && { ...state, cursors: state.cursors.slice().sort((x, y) => x.userId.localeCompare(y.userId)) };
    const token = (tokenHash: string, familyId = 'fam1'): RefreshTokenRecord => ({
      tokenHash, familyId, userId: A, createdAt: 10, expiresAt: 10_000, usedAt: null, revokedAt: null,
    });
    const row = (userId: string, peerId: string, status: FriendshipRow['status'], updatedAt: number, memo: string | null = null): FriendshipRow => ({
      userId, peerId, status, memo, updatedAt,
    });
    const friendEvent = (userId: string, peerId: string, at: number): NewUserEvent => ({
      userId, kind: 'friendship', at, peerId, status: 'friends', actorId: userId,
    });

    it('close is idempotent', async () => {
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
    });

    describe('users', () => {
      it('creates a user and reads it back by id and handle', async () => {
        const created = await store.createUser({ id: A, handle: 'alice', displayName: 'Alice', passwordHash: '$argon2id$x', createdAt: 5 });
        const expected = { id: A, handle: 'alice', displayName: 'Alice', avatarUrl: null, signature: '', passwordHash: '$argon2id$x', createdAt: 5 };
        expect(created).toEqual(expected);
        expect(await store.getUser(A)).toEqual(expected);
        expect(await store.getUserByHandle('alice')).toEqual(expected);
        expect(await store.getUser('u_missing')).toBeNull();
        expect(await store.getUserByHandle('nobody')).toBeNull();
      });

      it('rejects a taken handle with HandleTakenError and keeps the first owner', async () => {
        await store.createUser({ id: A, handle: 'alice', displayName: 'Alice', passwordHash: 'h1', createdAt: 1 });
        const err = await store.createUser({ id: B, handle: 'alice', displayName: 'Bob', passwordHash: 'h2', createdAt: 2 }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(HandleTakenError);
        expect((err as HandleTakenError).handle).toBe('alice');
        expect(await store.getUser(B)).toBeNull();
        expect((await store.getUserByHandle('alice'))?.id).toBe(A);
      });

      it('upserts an external user once and returns the stored record on repeat', async () => {
        const first = await store.upsertExternalUser({ id: 'ext:1', displayName: 'Ext', avatarUrl: 'https://x/a.png', createdAt: 7 });
        expect(first).toEqual({ id: 'ext:1', handle: null, displayName: 'Ext', avatarUrl: 'https://x/a.png', signature: '', passwordHash: null, createdAt: 7 });
        const again = await store.upsertExternalUser({ id: 'ext:1', displayName: 'Changed', avatarUrl: null, createdAt: 99 });
        expect(again).toEqual(first);
        expect(await store.getUser('ext:1')).toEqual(first);
      });

      it('applies partial profile patches and returns null for a missing user', async () => {
        await store.createUser({ id: A, handle: 'alice', displayName: 'Alice', passwordHash: 'h', createdAt: 1 });
        const p1 = await store.updateProfile(A, { displayName: 'Al', avatarUrl: 'https://x/p.png' });
        expect(p1).toMatchObject({ displayName: 'Al', avatarUrl: 'https://x/p.png', signature: '', handle: 'alice', passwordHash: 'h' });
        const p2 = await store.updateProfile(A, { signature: 'hi' });
        expect(p2).toMatchObject({ displayName: 'Al', avatarUrl: 'https://x/p.png', signature: 'hi' });
        const p3 = await store.updateProfile(A, { avatarUrl: null });
        expect(p3).toMatchObject({ displayName: 'Al', avatarUrl: null, signature: 'hi' });
        expect(await store.getUser(A)).toEqual(p3);
        expect(await store.updateProfile('u_missing', { displayName: 'x' })).toBeNull();
      });

      it('getUsers returns the existing users and omits missing ids', async () => {
        await store.createUser({ id: A, handle: 'alice', displayName: 'Alice', passwordHash: 'h', createdAt: 1 });
        await store.upsertExternalUser({ id: B, displayName: 'Bob', avatarUrl: null, createdAt: 2 });
        const users = await store.getUsers([B, 'u_missing', A]);
        expect(users.map((u) => u.id).sort()).toEqual([A, B]);
        expect(users.find((u) => u.id === B)?.displayName).toBe('Bob');
        expect(await store.getUsers([])).toEqual([]);
        expect(await store.getUsers(['nope'])).toEqual([]);
      });
    });

    describe('refresh tokens', () => {
      it('stores and looks up tokens by hash', async () => {
        await store.insertRefreshToken(token('h1'));
        expect(await store.getRefreshToken('h1')).toEqual(token('h1'));
        expect(await store.getRefreshToken('h_missing')).toBeNull();
      });

      it('rotates a token exactly once', async () => {
        await store.insertRefreshToken(token('h1'));
        expect(await store.rotateRefreshToken('h1', token('h2'), 50)).toBe(true);
        expect(await store.getRefreshToken('h1')).toEqual({ ...token('h1'), usedAt: 50 });
        expect(await store.getRefreshToken('h2')).toEqual(token('h2'));
        expect(await store.rotateRefreshToken('h1', token('h3'), 60)).toBe(false);
        expect(await store.getRefreshToken('h3')).toBeNull();
        expect((await store.getRefreshToken('h1'))?.usedAt).toBe(50);
        expect(await store.rotateRefreshToken('h_missing', token('h4'), 60)).toBe(false);
        expect(await store.getRefreshToken('h4')).toBeNull();
      });

      it('revokes a whole family, idempotently, and refuses to rotate revoked tokens', async () => {
        await store.insertRefreshToken(token('h1'));
        await store.rotateRefreshToken('h1', token('h2'), 20);
        await store.insertRefreshToken(token('o1', 'fam2'));
        expect(await store.isRefreshFamilyRevoked('fam1')).toBe(false);
        expect(await store.isRefreshFamilyRevoked('fam_unknown')).toBe(false);
        await store.revokeRefreshFamily('fam1', 30);
        await store.revokeRefreshFamily('fam1', 40);
        expect(await store.isRefreshFamilyRevoked('fam1')).toBe(true);
        expect((await store.getRefreshToken('h1'))?.revokedAt).toBe(30);
        expect((await store.getRefreshToken('h2'))?.revokedAt).toBe(30);
        expect(await store.rotateRefreshToken('h2', token('h3'), 50)).toBe(false);
        expect(await store.getRefreshToken('h3')).toBeNull();
        expect(await store.isRefreshFamilyRevoked('fam2')).toBe(false);
        expect((await store.getRefreshToken('o1'))?.revokedAt).toBeNull();
      });
    });

    describe('friendships, blocks and events', () => {
      it('upserts, updates and removes friendship rows atomically with events', async () => {
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

      it('pages user events by afterSeq and limit', async () => {
        await store.applyRelationChange({ upsert: [], remove: [], events: [1, 2, 3, 4, 5].map((at) => friendEvent(A, B, at)) });
        expect((await store.getUserEvents(A, 0, 2)).map((e) => [e.seq, e.at])).toEqual([[1, 1], [2, 2]]);
        expect((await store.getUserEvents(A, 2, 2)).map((e) => e.seq)).toEqual([3, 4]);
        expect((await store.getUserEvents(A, 4, 10)).map((e) => e.seq)).toEqual([5]);
        expect(await store.getUserEvents(A, 5, 10)).toEqual([]);
        expect(await store.getUserEvents(B, 0, 10)).toEqual([]);
      });
    });

    describe('messages', () => {
      it('assigns gap-free seqs per conversation across batches and returns stored messages', async () => {
        const m1 = msg(AB, A, 'c1', 100);
        const r1 = await store.appendMessages([m1, msg(AC, C, 'c2', 101), msg(AB, B, 'c3', 102)]);
        expect(r1.map((r) => [r.message.conversationId, r.message.seq, r.duplicate])).toEqual([[AB, 1, false], [AC, 1, false], [AB, 2, false]]);
        expect(r1[0]?.message).toEqual({ id: m1.id, conversationId: AB, seq: 1, senderId: A, clientMsgId: 'c1', content: { type: 'text', text: 'text c1' }, createdAt: 100 });
        const r2 = await store.appendMessages([msg(AB, A, 'c4', 103), msg(AC, A, 'c5', 104), msg(AB, A, 'c6', 105)]);
        expect(r2.map((r) => r.message.seq)).toEqual([3, 2, 4]);
        const ab = await store.getMessages(AB, { limit: 50 });
        expect(seqs(ab.messages)).toEqual([1, 2, 3, 4]);
        expect(ab.messages.map((m) => m.clientMsgId)).toEqual(['c1', 'c3', 'c4', 'c6']);
        expect(ab.messages[0]).toEqual(r1[0]?.message);
        expect(seqs((await store.getMessages(AC, { limit: 50 })).messages)).toEqual([1, 2]);
        expect((await store.getConversation(AB, A))?.lastSeq).toBe(4);
      });

      it('returns the original message for a repeated (sender, clientMsgId) and writes nothing', async () => {
        const [orig] = await store.appendMessages([msg(AB, A, 'dup', 100)]);
        await store.appendMessages([msg(AB, B, 'other', 101)]);
        const retry = { ...msg(AB, A, 'dup', 999), content: { type: 'text' as const, text: 'changed' } };
        const [again] = await store.appendMessages([retry]);
        expect(again).toEqual({ message: orig?.message, duplicate: true });
        expect(again?.message.id).not.toBe(retry.id);
        const page = await store.getMessages(AB, { limit: 50 });
        expect(seqs(page.messages)).toEqual([1, 2]);
        expect((await store.getConversation(AB, A))?.lastSeq).toBe(2);

        const [fromB] = await store.appendMessages([msg(AB, B, 'dup', 102)]);
        expect(fromB).toMatchObject({ duplicate: false, message: { seq: 3, senderId: B, clientMsgId: 'dup' } });
      });

      it('treats a repeat within the same batch as a duplicate of the earlier item', async () => {
        const first = msg(AB, A, 'same', 100);
        const res = await store.appendMessages([first, msg(AB, A, 'same', 101), msg(AB, B, 'next', 102)]);
        expect(res.map((r) => [r.message.seq, r.duplicate])).toEqual([[1, false], [1, true], [2, false]]);
        expect(res[1]?.message).toEqual(res[0]?.message);
        expect(res[1]?.message.id).toBe(first.id);
        expect((await store.getMessages(AB, { limit: 50 })).messages).toHaveLength(2);
      });

      it('pages the newest messages when neither before nor after is given', async () => {
        await fill(AB, 7);
        const newest = await store.getMessages(AB, { limit: 3 });
        expect(seqs(newest.messages)).toEqual([5, 6, 7]);
        expect(newest.hasMore).toBe(true);
        const all = await store.getMessages(AB, { limit: 7 });
        expect(seqs(all.messages)).toEqual([1, 2, 3, 4, 5, 6, 7]);
        expect(all.hasMore).toBe(false);
        expect(await store.getMessages('dm:u_x~u_y', { limit: 3 })).toEqual({ messages: [], hasMore: false });
      });

      it('pages backwards with before', async () => {
        await fill(AB, 7);
        expect(await store.getMessages(AB, { before: 5, limit: 2 }).then((p) => [seqs(p.messages), p.hasMore])).toEqual([[3, 4], true]);
        expect(await store.getMessages(AB, { before: 3, limit: 2 }).then((p) => [seqs(p.messages), p.hasMore])).toEqual([[1, 2], false]);
        expect(await store.getMessages(AB, { before: 4, limit: 5 }).then((p) => [seqs(p.messages), p.hasMore])).toEqual([[1, 2, 3], false]);
        expect(await store.getMessages(AB, { before: 1, limit: 5 })).toEqual({ messages: [], hasMore: false });
      });

      it('pages forwards with after', async () => {
        await fill(AB, 7);
        expect(await store.getMessages(AB, { after: 2, limit: 3 }).then((p) => [seqs(p.messages), p.hasMore])).toEqual([[3, 4, 5], true]);
        expect(await store.getMessages(AB, { after: 4, limit: 3 }).then((p) => [seqs(p.messages), p.hasMore])).toEqual([[5, 6, 7], false]);
        expect(await store.getMessages(AB, { after: 0, limit: 2 }).then((p) => [seqs(p.messages), p.hasMore])).toEqual([[1, 2], true]);
        expect(await store.getMessages(AB, { after: 7, limit: 3 })).toEqual({ messages: [], hasMore: false });
      });
    });

    describe('conversations and cursors', () => {
      it('creates conversations with their members and kind; hides them from non-members', async () => {
        await store.appendMessages([msg(AB, A, 'a1', 100), msg(G, C, 'g1', 101)]);
        const dm = await store.getConversation(AB, B);
        expect(dm).toMatchObject({ conversationId: AB, kind: 'dm', lastSeq: 1, unread: 1 });
        expect(sortCursors(dm)?.cursors).toEqual([
          { userId: A, delivered: 0, read: 0 },
          { userId: B, delivered: 0, read: 0 },
        ]);
        const group = await store.getConversation(G, A);
        expect(group).toMatchObject({ conversationId: G, kind: 'group', lastSeq: 1 });
        expect(group?.cursors.map((c) => c.userId).sort()).toEqual([A, B, C]);
        expect(await store.getConversation(AB, C)).toBeNull();
        expect(await store.getConversation('dm:u_x~u_y', A)).toBeNull();
      });

      it('counts unread messages after the read cursor, excluding the viewer’s own', async () => {
        await store.appendMessages([msg(AB, A, 'a1'), msg(AB, B, 'b1'), msg(AB, B, 'b2'), msg(AB, A, 'a2'), msg(AB, B, 'b3')]);
        expect((await store.getConversation(AB, A))?.unread).toBe(3);
        expect((await store.getConversation(AB, B))?.unread).toBe(2);
        await store.advanceCursor(AB, A, { read: 3 });
        expect((await store.getConversation(AB, A))?.unread).toBe(1);
        await store.advanceCursor(AB, A, { delivered: 5 });
        expect((await store.getConversation(AB, A))?.unread).toBe(1);
        await store.advanceCursor(AB, A, { read: 5 });
        expect((await store.getConversation(AB, A))?.unread).toBe(0);
        expect((await store.getConversation(AB, B))?.unread).toBe(2);
      });

      it('advances cursors monotonically, clamped to lastSeq, with read raising delivered', async () => {
        await fill(AB, 5);
        expect(await store.advanceCursor(AB, A, { delivered: 2 })).toEqual({ cursor: { userId: A, delivered: 2, read: 0 }, changed: true });
        expect(await store.advanceCursor(AB, A, { delivered: 1 })).toEqual({ cursor: { userId: A, delivered: 2, read: 0 }, changed: false });
        expect(await store.advanceCursor(AB, A, { read: 4 })).toEqual({ cursor: { userId: A, delivered: 4, read: 4 }, changed: true });
        expect(await store.advanceCursor(AB, A, { read: 3, delivered: 3 })).toEqual({ cursor: { userId: A, delivered: 4, read: 4 }, changed: false });
        expect(await store.advanceCursor(AB, A, { delivered: 99 })).toEqual({ cursor: { userId: A, delivered: 5, read: 4 }, changed: true });
        expect(await store.advanceCursor(AB, A, { read: 99 })).toEqual({ cursor: { userId: A, delivered: 5, read: 5 }, changed: true });
        expect(await store.advanceCursor(AB, A, { read: 99 })).toEqual({ cursor: { userId: A, delivered: 5, read: 5 }, changed: false });
        expect(await store.advanceCursor(AB, C, { read: 1 })).toBeNull();
        expect(await store.advanceCursor('dm:u_x~u_y', A, { read: 1 })).toBeNull();
        const seen = await store.getConversation(AB, B);
        expect(seen?.cursors.find((c) => c.userId === A)).toEqual({ userId: A, delivered: 5, read: 5 });
        expect(seen?.cursors.find((c) => c.userId === B)).toEqual({ userId: B, delivered: 0, read: 0 });
      });

      it('lists the viewer’s conversations by last message time, with state and last message', async () => {
        const [ab1] = await store.appendMessages([msg(AB, A, 'ab1', 100)]);
        const [ac1] = await store.appendMessages([msg(AC, C, 'ac1', 200)]);
        await store.appendMessages([msg(dmConversationId(B, C), B, 'bc1', 300)]);
        let list = await store.listConversations(A);
        expect(list.map((c) => c.conversationId)).toEqual([AC, AB]);
        expect(list[0]).toMatchObject({ kind: 'dm', lastSeq: 1, unread: 1, lastMessage: ac1?.message });
        expect(list[1]).toMatchObject({ kind: 'dm', lastSeq: 1, unread: 0, lastMessage: ab1?.message });
        expect(list[1]?.cursors.map((c) => c.userId).sort()).toEqual([A, B]);

        const [ab2] = await store.appendMessages([msg(AB, B, 'ab2', 400)]);
        await store.advanceCursor(AB, A, { delivered: 2 });
        list = await store.listConversations(A);
        expect(list.map((c) => c.conversationId)).toEqual([AB, AC]);
        expect(list[0]).toMatchObject({ lastSeq: 2, unread: 1, lastMessage: ab2?.message });
        expect(list[0]?.cursors.find((c) => c.userId === A)).toEqual({ userId: A, delivered: 2, read: 0 });
        expect(sortCursors(list[0])).toEqual(sortCursors(await store.getConversation(AB, A)));
        expect(await store.listConversations('u_nobody')).toEqual([]);
      });
    });
  });
}
