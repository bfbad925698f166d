import { describe, expect, it } from 'vitest';
import { A, AB, B, C, create, EVERY, G, sortCursors, useStore, type OpenStore } from './support.js';
import { change, createGroup, D, E, F, G2, groupEvent, NO_GROUP, newGroup, notices, pending } from './group-support.js';
import { groupChangesContract } from './group-changes.js';
import { groupConversationsContract } from './group-conversations.js';

/**
 * The {@link GroupStore} part of the contract: creating groups and reading them, their members
 * and pending entries here; changes in `group-changes.ts`; how groups behave as conversations
 * (membership on append, floors, lists, unread, receipts) in `group-conversations.ts`.
 */
export function groupStoreContract(open: OpenStore): void {
  describe('groups', () => {
    const t = useStore(open);
    const notice = notices();

    it('creates a group: conversation, owner and members, the created notice as seq 1, pending entries and events, at once', async () => {
      const { store } = t;
      await store.appendUserEvents([groupEvent(C, G2, 'invited', B, C, 1)]); // C's log already has seq 1
      const group = newGroup(notice, {
        name: 'Team',
        avatarUrl: 'https://img/t.png',
        description: 'the team',
        joinMode: 'request',
        members: [B, C, B, A],
        pending: [pending(G, D, 'invite', A, 10, 'join us')],
        events: [groupEvent(B, G, 'joined', A, B, 10), groupEvent(C, G, 'joined', A, C, 10), groupEvent(D, G, 'invited', A, D, 10), groupEvent(B, G, 'role', A, B, 10)],
      });
      const result = await createGroup(store, group);
      const record = {
        id: G,
        name: 'Team',
        avatarUrl: 'https://img/t.png',
        description: 'the team',
        joinMode: 'request',
        historyVisible: false,
        ownerId: A,
        memberCount: 3,
        createdAt: 10,
        dissolvedAt: null,
      };
      expect(result.group).toEqual(record);
      expect(result.message).toEqual({
        id: group.message.id,
        conversationId: G,
        seq: 1,
        senderId: A,
        clientMsgId: group.message.clientMsgId,
        content: group.message.content,
        createdAt: 10,
      });
      expect(result.events.map((e) => [e.kind, e.seq])).toEqual([['group', 1], ['group', 2], ['group', 1], ['group', 2]]);
      expect(result.events[0]).toEqual({ kind: 'group', seq: 1, at: 10, conversationId: G, change: 'joined', actorId: A, subjectId: B });

      expect(await store.getGroup(G)).toEqual(record);
      expect(await store.listMembers(G, null, 10)).toEqual([
        { conversationId: G, userId: A, role: 'owner', floor: 0, joinedAt: 10 },
        { conversationId: G, userId: B, role: 'member', floor: 0, joinedAt: 10 },
        { conversationId: G, userId: C, role: 'member', floor: 0, joinedAt: 10 },
      ]);
      expect((await store.getMessages(G, { limit: 10 })).messages).toEqual([result.message]);
      expect(await store.getUserEvents(B, 0, 10)).toEqual([result.events[0], result.events[3]]);
      expect((await store.getUserEvents(C, 0, 10)).map((e) => e.seq)).toEqual([1, 2]);
      expect(await store.getPending(G, D)).toEqual(pending(G, D, 'invite', A, 10, 'join us'));

      // Everyone at floor 0 with both cursors at 0; the owner's own notice is not unread to them.
      const owner = await store.getConversation(G, A, EVERY);
      expect(sortCursors(owner)).toEqual({
        conversationId: G,
        kind: 'group',
        lastSeq: 1,
        floor: 0,
        group: { name: 'Team', avatarUrl: 'https://img/t.png', memberCount: 3, role: 'owner' },
        unread: 0,
        mentions: 0,
        cursors: [A, B, C].map((userId) => ({ userId, delivered: 0, read: 0 })),
        lastMessage: result.message,
      });
      expect(await store.getConversation(G, B, EVERY)).toMatchObject({ floor: 0, unread: 1, group: { role: 'member' } });
      expect(await store.getConversation(G, D, EVERY)).toBeNull();
    });

    it('refuses an existing id, writing nothing', async () => {
      const { store } = t;
      await createGroup(store, newGroup(notice));
      const before = await store.getMessages(G, { limit: 10 });
      const again = newGroup(notice, { name: 'Other', ownerId: D, members: [E], pending: [pending(G, F, 'invite', D, 20)], events: [groupEvent(E, G, 'joined', D, E, 20)], createdAt: 20 });
      await expect(store.createGroup(again)).rejects.toThrow();
      expect(await store.getGroup(G)).toMatchObject({ name: 'Team', ownerId: A, memberCount: 3 });
      expect(await store.getMessages(G, { limit: 10 })).toEqual(before);
      expect(await store.listMemberIds(G)).toEqual([A, B, C]);
      expect(await store.getPending(G, F)).toBeNull();
      expect(await store.getUserEvents(E, 0, 10)).toEqual([]);
      // The store still works: the next notice follows seq 1.
      expect((await change(store, { conversationId: G, message: notice(G, A, 'edited', 30), at: 30 })).message?.seq).toBe(2);
    });

    it('reads members: getMember, listMembers paged by user id, listMemberIds, listAdminIds', async () => {
      const { store } = t;
      await createGroup(store, newGroup(notice, { members: [E, C, D, B] }));
      await change(store, { conversationId: G, roles: [{ userId: D, role: 'admin' }], at: 20 });
      expect(await store.getMember(G, D)).toEqual({ conversationId: G, userId: D, role: 'admin', floor: 0, joinedAt: 10 });
      expect(await store.getMember(G, F)).toBeNull();
      expect(await store.getMember(NO_GROUP, A)).toBeNull();
      expect(await store.getMember(AB, A)).toBeNull();

      const page = async (after: string | null, limit: number) => (await store.listMembers(G, after, limit)).map((m) => m.userId);
      expect(await page(null, 2)).toEqual([A, B]);
      expect(await page(B, 2)).toEqual([C, D]);
      expect(await page(D, 2)).toEqual([E]);
      expect(await page(E, 2)).toEqual([]);
      expect(await page('u_b', 10)).toEqual([B, C, D, E]); // any id works as a bound, member or not
      expect(await store.listMembers(NO_GROUP, null, 10)).toEqual([]);

      expect(await store.listMemberIds(G)).toEqual([A, B, C, D, E]);
      expect(await store.listAdminIds(G)).toEqual([A, D]);
      expect(await store.listMemberIds(NO_GROUP)).toEqual([]);
      expect(await store.listAdminIds(NO_GROUP)).toEqual([]);
    });

    it('lists a user’s live groups and counts the live groups they own', async () => {
      const { store } = t;
      await create(store, AB);
      await createGroup(store, newGroup(notice, { id: G2, ownerId: B, members: [A] }));
      await createGroup(store, newGroup(notice, { id: G, ownerId: A, members: [B] }));
      await createGroup(store, newGroup(notice, { id: 'g:gone', ownerId: A, members: [B, C] }));
      expect(await store.listGroupsOf(A)).toEqual(['g:gone', G, G2]);
      expect(await store.listGroupsOf(C)).toEqual(['g:gone']);
      expect(await store.countOwnedGroups(A)).toBe(2);
      expect(await store.countOwnedGroups(B)).toBe(1);

      await change(store, { conversationId: 'g:gone', message: notice('g:gone', A, 'dissolved', 20), dissolve: true, at: 20 });
      expect(await store.listGroupsOf(A)).toEqual([G, G2]);
      expect(await store.listGroupsOf(C)).toEqual([]);
      expect(await store.countOwnedGroups(A)).toBe(1);

      // A transfer moves the count; leaving moves the list.
      await change(store, { conversationId: G, settings: { ownerId: B }, roles: [{ userId: B, role: 'owner' }, { userId: A, role: 'admin' }], at: 30 });
      expect(await store.countOwnedGroups(A)).toBe(0);
      expect(await store.countOwnedGroups(B)).toBe(2);
      await change(store, { conversationId: G2, remove: [A], at: 31 });
      expect(await store.listGroupsOf(A)).toEqual([G]);
      expect(await store.listGroupsOf(F)).toEqual([]);
      expect(await store.countOwnedGroups(F)).toBe(0);
    });

    it('keeps at most one pending entry per group and user; lists a group’s by kind oldest first, and a user’s invites newest first', async () => {
      const { store } = t;
      await createGroup(store, newGroup(notice, {
        pending: [pending(G, E, 'invite', B, 13), pending(G, D, 'invite', A, 12), pending(G, F, 'request', F, 11, 'let me in'), pending(G, 'u_gus', 'invite', A, 12)],
      }));
      await createGroup(store, newGroup(notice, { id: G2, pending: [pending(G2, D, 'invite', A, 14), pending(G2, E, 'request', E, 15)] }));
      await createGroup(store, newGroup(notice, { id: 'g:three', pending: [pending('g:three', D, 'invite', C, 5)] }));

      expect(await store.getPending(G, F)).toEqual(pending(G, F, 'request', F, 11, 'let me in'));
      expect(await store.getPending(G, A)).toBeNull();
      expect(await store.getPending(NO_GROUP, D)).toBeNull();
      const users = async (id: string, kind: 'invite' | 'request', limit = 10) => (await store.listPending(id, kind, limit)).map((p) => p.userId);
      expect(await users(G, 'invite')).toEqual([D, 'u_gus', E]); // oldest first, ties by user id
      expect(await users(G, 'invite', 2)).toEqual([D, 'u_gus']);
      expect(await users(G, 'request')).toEqual([F]);
      expect(await store.countPending(G, 'invite')).toBe(3);
      expect(await store.countPending(G, 'request')).toBe(1);
      expect(await store.countPending(NO_GROUP, 'invite')).toBe(0);

      const invites = async (user: string, limit = 10) => (await store.listInvitesOf(user, limit)).map((p) => p.conversationId);
      expect(await invites(D)).toEqual([G2, G, 'g:three']); // newest first
      expect(await invites(D, 2)).toEqual([G2, G]);
      expect(await invites(E)).toEqual([G]); // E's request to G2 is not an invite
      expect(await store.listInvitesOf(D, 1)).toEqual([pending(G2, D, 'invite', A, 14)]);

      // Putting replaces (an invite becomes a request), dropping removes.
      await change(store, { conversationId: G, putPending: [pending(G, D, 'request', D, 20, 'me')], dropPending: [E, 'u_nobody'], at: 20 });
      expect(await store.getPending(G, D)).toEqual(pending(G, D, 'request', D, 20, 'me'));
      expect(await store.getPending(G, E)).toBeNull();
      expect(await users(G, 'invite')).toEqual(['u_gus']);
      expect(await users(G, 'request')).toEqual([F, D]);
      expect(await invites(D)).toEqual([G2, 'g:three']);

      // A dissolved group's entries are gone.
      await change(store, { conversationId: G2, dissolve: true, at: 30 });
      expect(await invites(D)).toEqual(['g:three']);
      expect(await store.countPending(G2, 'request')).toBe(0);
      expect(await store.getPending(G2, E)).toBeNull();
    });
  });

  groupChangesContract(open);
  groupConversationsContract(open);
}
