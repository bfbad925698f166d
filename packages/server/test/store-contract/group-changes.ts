import { describe, expect, it } from 'vitest';
import type { GroupChange, Store } from '../../src/store/types.js';
import { A, B, C, EVERY, G, messages, outcomes, seqs, sortCursors, useStore, type OpenStore } from './support.js';
import { change, createGroup, D, E, F, G2, groupEvent, join, NO_GROUP, newGroup, notices, pending, snapshot } from './group-support.js';

/** {@link GroupStore.applyGroupChange} contract: each part, their order, refusals, dissolving, the member count. */
export function groupChangesContract(open: OpenStore): void {
  describe('group changes', () => {
    const t = useStore(open);
    const notice = notices();
    const msg = messages();
    const memberCount = async (store: Store, id = G) => (await store.getGroup(id))?.memberCount;

    it('applies settings, additions, roles, the notice, removals, pending entries and events together', async () => {
      const { store } = t;
      await createGroup(store, newGroup(notice, { pending: [pending(G, D, 'invite', A, 10)] }));
      await store.appendMessages([msg(G, B, 'b1'), msg(G, C, 'c1')]);
      const added = notice(G, A, 'added', 20, { targetIds: [D, E] });
      const result = await change(store, {
        conversationId: G,
        settings: { name: 'Crew', avatarUrl: 'https://img/c.png', description: 'new', joinMode: 'closed' },
        add: [{ userId: D, role: 'member' }, { userId: E, role: 'admin' }],
        roles: [{ userId: B, role: 'admin' }],
        remove: [C],
        putPending: [pending(G, F, 'request', F, 20, 'hi')],
        dropPending: [D],
        message: added,
        events: [groupEvent(D, G, 'joined', A, D, 20), groupEvent(E, G, 'joined', A, E, 20), groupEvent(C, G, 'removed', A, C, 20)],
        expect: { roles: { [A]: 'owner', [D]: null }, pending: { [D]: 'invite', [F]: null } },
        maxMembers: 10,
        at: 20,
      });
      const group = {
        id: G,
        name: 'Crew',
        avatarUrl: 'https://img/c.png',
        description: 'new',
        joinMode: 'closed',
        historyVisible: false,
        ownerId: A,
        memberCount: 4,
        createdAt: 10,
        dissolvedAt: null,
      };
      expect(result.group).toEqual(group);
      expect(result.message).toEqual({ ...added, seq: 4 });
      expect(result.events).toEqual([
        { kind: 'group', seq: 1, at: 20, conversationId: G, change: 'joined', actorId: A, subjectId: D },
        { kind: 'group', seq: 1, at: 20, conversationId: G, change: 'joined', actorId: A, subjectId: E },
        { kind: 'group', seq: 1, at: 20, conversationId: G, change: 'removed', actorId: A, subjectId: C },
      ]);
      expect(await store.getGroup(G)).toEqual(group);
      expect(await store.listMembers(G, null, 10)).toEqual([
        { conversationId: G, userId: A, role: 'owner', floor: 0, joinedAt: 10 },
        { conversationId: G, userId: B, role: 'admin', floor: 0, joinedAt: 10 },
        { conversationId: G, userId: D, role: 'member', floor: 3, joinedAt: 20 },
        { conversationId: G, userId: E, role: 'admin', floor: 3, joinedAt: 20 },
      ]);
      expect(await store.listAdminIds(G)).toEqual([A, B, E]);
      expect(await store.getPending(G, D)).toBeNull();
      expect(await store.getPending(G, F)).toEqual(pending(G, F, 'request', F, 20, 'hi'));
      expect(await store.getUserEvents(C, 0, 10)).toEqual([result.events[2]]);
      expect(await store.getConversation(G, C, EVERY)).toBeNull();
      const seenByD = sortCursors(await store.getConversation(G, D, EVERY));
      expect(seenByD).toMatchObject({ lastSeq: 4, floor: 3, unread: 1, group: { name: 'Crew', avatarUrl: 'https://img/c.png', memberCount: 4, role: 'member' } });
      expect(seenByD?.cursors).toEqual([
        { userId: A, delivered: 0, read: 0 },
        { userId: B, delivered: 0, read: 0 },
        { userId: D, delivered: 3, read: 3 },
        { userId: E, delivered: 3, read: 3 },
      ]);
    });

    it('sets a joiner’s floor just below the change’s notice, or 0 when the history is visible after the change', async () => {
      const { store } = t;
      await createGroup(store, newGroup(notice));
      await store.appendMessages([msg(G, A, 'a1'), msg(G, B, 'b1'), msg(G, C, 'c1')]); // seqs 2..4
      const floorOf = async (user: string) => (await store.getMember(G, user))?.floor;
      const state = async (user: string) => {
        const s = await store.getConversation(G, user, EVERY);
        return s && { floor: s.floor, unread: s.unread, own: s.cursors.find((c) => c.userId === user) };
      };

      // D joins with their own notice (seq 5): it is above their floor, and not unread to them.
      expect((await change(store, join(notice, G, D, 20))).message?.seq).toBe(5);
      expect(await state(D)).toEqual({ floor: 4, unread: 0, own: { userId: D, delivered: 4, read: 4 } });

      // The same change makes the history visible and adds E (A's notice, seq 6): E sees it all.
      await change(store, { conversationId: G, settings: { historyVisible: true }, add: [{ userId: E, role: 'member' }], message: notice(G, A, 'added', 21), at: 21 });
      expect(await state(E)).toEqual({ floor: 0, unread: 6, own: { userId: E, delivered: 0, read: 0 } });

      // The same change hides it again and adds F with A's notice (seq 7): F's floor sits below it.
      await change(store, { conversationId: G, settings: { historyVisible: false }, add: [{ userId: F, role: 'member' }], message: notice(G, A, 'added', 22), at: 22 });
      expect(await state(F)).toEqual({ floor: 6, unread: 1, own: { userId: F, delivered: 6, read: 6 } });

      // Without a notice, a hidden history starts after the last message.
      await change(store, { conversationId: G, add: [{ userId: 'u_gus', role: 'member' }], at: 23 });
      expect(await state('u_gus')).toEqual({ floor: 7, unread: 0, own: { userId: 'u_gus', delivered: 7, read: 7 } });
      expect([await floorOf(A), await floorOf(D), await floorOf(E), await floorOf(F)]).toEqual([0, 4, 0, 6]);
      expect((await store.getGroup(G))?.historyVisible).toBe(false);
    });

    it('appends a leaver’s own notice while they are still a member, then removes them', async () => {
      const { store } = t;
      await createGroup(store, newGroup(notice));
      const left = await change(store, { conversationId: G, remove: [C], message: notice(G, C, 'left', 20), events: [groupEvent(C, G, 'left', C, C, 20)], at: 20 });
      expect(left.message).toMatchObject({ seq: 2, senderId: C, content: { action: 'left' } });
      expect(left.group.memberCount).toBe(2);
      expect(await store.getMember(G, C)).toBeNull();
      expect(await store.appendMessages([msg(G, C, 'after')])).toEqual([{ status: 'not_member' }]);

      // An admin removing someone: the notice is the admin's, the removed member's row goes.
      const removed = await change(store, { conversationId: G, remove: [B], message: notice(G, A, 'removed', 21, { targetIds: [B] }), at: 21 });
      expect(removed.message?.seq).toBe(3);
      expect(await store.listMemberIds(G)).toEqual([A]);
    });

    it('skips adding an existing member and removing a non-member; those do not count towards maxMembers', async () => {
      const { store } = t;
      await createGroup(store, newGroup(notice));
      await store.appendMessages([msg(G, A, 'a1')]);
      await store.advanceCursor(G, B, { read: 2 });
      const before = await store.getMember(G, B);
      const result = await change(store, { conversationId: G, add: [{ userId: B, role: 'admin' }, { userId: A, role: 'member' }], remove: [F], maxMembers: 3, at: 20 });
      expect(result.group.memberCount).toBe(3);
      expect(await store.getMember(G, B)).toEqual(before);
      expect((await store.getMember(G, A))?.role).toBe('owner');
      expect(sortCursors(await store.getConversation(G, B, EVERY))?.cursors[1]).toEqual({ userId: B, delivered: 2, read: 2 });

      // The same user twice in one change is added once.
      const twice = await change(store, { conversationId: G, add: [{ userId: D, role: 'member' }, { userId: D, role: 'admin' }], maxMembers: 4, at: 21 });
      expect(twice.group.memberCount).toBe(4);
      expect((await store.getMember(G, D))?.role).toBe('member');
    });

    describe('refusals write nothing at all', () => {
      /** A change that would write everywhere, were it applied. */
      const everything = (id: string, at: number, overrides: Partial<GroupChange> = {}): GroupChange => ({
        conversationId: id,
        settings: { name: 'Changed', historyVisible: true, ownerId: B },
        add: [{ userId: D, role: 'member' }, { userId: E, role: 'admin' }],
        roles: [{ userId: B, role: 'owner' }],
        remove: [C],
        putPending: [pending(id, F, 'invite', A, at)],
        dropPending: ['u_gus'],
        message: notice(id, A, 'added', at, { targetIds: [D, E] }),
        events: [groupEvent(D, id, 'joined', A, D, at), groupEvent(A, id, 'role', A, A, at)],
        at,
        ...overrides,
      });
      const setUp = async (store: Store) => {
        await createGroup(store, newGroup(notice, { pending: [pending(G, 'u_gus', 'invite', A, 10)] }));
        await createGroup(store, newGroup(notice, { id: G2, members: [B, C], pending: [pending(G2, 'u_gus', 'request', 'u_gus', 10)] }));
        await change(store, { conversationId: G2, message: notice(G2, A, 'dissolved', 11), dissolve: true, at: 11 });
        await store.appendMessages([msg(G, B, 'b1')]);
        await store.advanceCursor(G, C, { read: 2 });
      };
      const ids = [G, G2, NO_GROUP];

      it('no_group: a missing or a dissolved group', async () => {
        const { store } = t;
        await setUp(store);
        const before = await snapshot(store, ids);
        expect(await store.applyGroupChange(everything(NO_GROUP, 20))).toEqual({ status: 'no_group' });
        expect(await store.applyGroupChange(everything(G2, 21))).toEqual({ status: 'no_group' });
        expect(await store.applyGroupChange(everything(G2, 22, { dissolve: true }))).toEqual({ status: 'no_group' });
        expect(await snapshot(store, ids)).toEqual(before);
      });

      it('full: the additions would pass maxMembers', async () => {
        const { store } = t;
        await setUp(store);
        const before = await snapshot(store, ids);
        // 3 members + 2 additions (the removal does not make room: additions are counted first).
        expect(await store.applyGroupChange(everything(G, 20, { maxMembers: 4 }))).toEqual({ status: 'full' });
        expect(await store.applyGroupChange(everything(G, 21, { maxMembers: 3, add: [{ userId: B, role: 'member' }, { userId: D, role: 'member' }] }))).toEqual({ status: 'full' });
        expect(await snapshot(store, ids)).toEqual(before);
        expect((await change(store, everything(G, 22, { maxMembers: 5 }))).group.memberCount).toBe(4);
      });

      it('stale: an expected role or pending entry does not hold', async () => {
        const { store } = t;
        await setUp(store);
        const before = await snapshot(store, ids);
        const stale: GroupChange['expect'][] = [
          { roles: { [B]: 'admin' } },
          { roles: { [A]: 'owner', [C]: null } },
          { roles: { [D]: 'member' } },
          { pending: { [D]: 'invite' } },
          { pending: { 'u_gus': null } },
          { pending: { 'u_gus': 'request' } },
          { roles: { [A]: 'owner' }, pending: { 'u_gus': 'invite', [F]: 'invite' } },
        ];
        for (const [i, expect_] of stale.entries()) {
          expect(await store.applyGroupChange(everything(G, 20 + i, { expect: expect_ })), JSON.stringify(expect_)).toEqual({ status: 'stale' });
        }
        expect(await snapshot(store, ids)).toEqual(before);
        // What holds applies; the notice takes the next seq (nothing was used up by the refusals).
        const applied = await change(store, everything(G, 30, { expect: { roles: { [A]: 'owner', [B]: 'member', [D]: null }, pending: { 'u_gus': 'invite', [F]: null } } }));
        expect(applied.message?.seq).toBe(3);
        expect(outcomes(await store.appendMessages([msg(G, B, 'b2')]))).toEqual([['stored', 4]]);
      });
    });

    it('dissolves: the notice is the last message, then no members and no pending entries; the group stays readable by id', async () => {
      const { store } = t;
      await createGroup(store, newGroup(notice, { members: [B, C, D], pending: [pending(G, E, 'invite', A, 10), pending(G, F, 'request', F, 10)] }));
      await createGroup(store, newGroup(notice, { id: G2, members: [B] }));
      await store.appendMessages([msg(G, B, 'b1')]);
      const result = await change(store, {
        conversationId: G,
        message: notice(G, A, 'dissolved', 20),
        events: [B, C, D].map((u) => groupEvent(u, G, 'dissolved', A, u, 20)),
        dissolve: true,
        at: 20,
      });
      // The result shows the group as it was (its members counted), with dissolvedAt set.
      expect(result.group).toMatchObject({ id: G, memberCount: 4, dissolvedAt: 20 });
      expect(result.message?.seq).toBe(3);
      expect(result.events.map((e) => e.seq)).toEqual([1, 1, 1]);

      expect(await store.getGroup(G)).toMatchObject({ id: G, name: 'Team', ownerId: A, memberCount: 0, dissolvedAt: 20 });
      expect(await store.getMember(G, A)).toBeNull();
      expect(await store.listMembers(G, null, 10)).toEqual([]);
      expect(await store.listMemberIds(G)).toEqual([]);
      expect(await store.listAdminIds(G)).toEqual([]);
      expect(await store.listGroupsOf(B)).toEqual([G2]);
      expect(await store.countOwnedGroups(A)).toBe(1);
      expect(await store.getPending(G, E)).toBeNull();
      expect(await store.listInvitesOf(E, 10)).toEqual([]);
      expect(await store.countPending(G, 'request')).toBe(0);
      expect((await store.listConversations(B, EVERY)).map((c) => c.conversationId)).toEqual([G2]);
      expect(await store.getConversation(G, A, EVERY)).toBeNull();
      expect(seqs((await store.getMessages(G, { limit: 10 })).messages)).toEqual([1, 2, 3]);
      expect(await store.appendMessages([msg(G, A, 'late')])).toEqual([{ status: 'not_member' }]);
      expect(await store.applyGroupChange(join(notice, G, E, 30))).toEqual({ status: 'no_group' });
    });

    it('keeps memberCount equal to the members after every change', async () => {
      const { store } = t;
      const agree = async (expected: number) => {
        expect(await memberCount(store)).toBe(expected);
        expect(await store.listMemberIds(G)).toHaveLength(expected);
        expect((await store.getConversation(G, A, EVERY))?.group?.memberCount).toBe(expected);
      };
      expect((await createGroup(store, newGroup(notice, { members: [B, C, B] }))).group.memberCount).toBe(3);
      await agree(3);
      expect((await change(store, { conversationId: G, add: [{ userId: D, role: 'member' }, { userId: E, role: 'member' }], at: 20 })).group.memberCount).toBe(5);
      await agree(5);
      expect((await change(store, { conversationId: G, remove: [B, B], at: 21 })).group.memberCount).toBe(4);
      await agree(4);
      expect((await change(store, { conversationId: G, add: [{ userId: B, role: 'member' }], remove: [C, F], at: 22 })).group.memberCount).toBe(4);
      await agree(4);
      expect((await change(store, { conversationId: G, add: [{ userId: F, role: 'member' }], remove: [F], at: 23 })).group.memberCount).toBe(4);
      await agree(4);
      expect((await change(store, { conversationId: G, roles: [{ userId: B, role: 'admin' }], settings: { name: 'N' }, at: 24 })).group.memberCount).toBe(4);
      await agree(4);
      const reopened = await t.reopen();
      expect(await memberCount(reopened)).toBe(4);
      await change(reopened, { conversationId: G, dissolve: true, at: 25 });
      expect(await memberCount(reopened)).toBe(0);
    });
  });
}
