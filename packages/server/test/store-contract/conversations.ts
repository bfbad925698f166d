import { describe, expect, it } from 'vitest';
import { A, AB, AC, B, BC, C, conversation, create, EVERY, G, memberIds, messageOf, messages, MISSING, sortCursors, useStore, type OpenStore } from './support.js';
import { messagesContract } from './messages.js';
import { unreadContract } from './unread.js';
import { mutationsContract } from './mutations.js';

/**
 * The {@link ConversationStore} part of the contract: conversations and members here, then
 * messages (`messages.ts`) and unread counts (`unread.ts`).
 */
export function conversationStoreContract(open: OpenStore): void {
  describe('conversations and cursors', () => {
    const t = useStore(open);
    const msg = messages();
    const fill = async (conversationId: string, count: number): Promise<void> => {
      await create(t.store, conversationId);
      await t.store.appendMessages(Array.from({ length: count }, (_, i) => msg(conversationId, i % 2 ? B : A, `fill${i}`, 1000 + i)));
    };

    it('creates a conversation with exactly its members, once', async () => {
      const { store } = t;
      expect(await store.createConversation(conversation(AB, [A, B], 7))).toBe(true);
      const fresh = await store.getConversation(AB, A, EVERY);
      expect(sortCursors(fresh)).toEqual({
        conversationId: AB,
        kind: 'dm',
        lastSeq: 0,
        floor: 0,
        group: null,
        unread: 0,
        mentions: 0,
        lastMessage: null,
        cursors: [{ userId: A, delivered: 0, read: 0 }, { userId: B, delivered: 0, read: 0 }],
      });
      expect(await store.listConversations(B, EVERY)).toMatchObject([{ conversationId: AB, lastSeq: 0 }]);

      // A second creation, with another member list, kind and time, changes nothing.
      expect(await store.createConversation({ id: AB, kind: 'group', members: [A, B, C], createdAt: 9 })).toBe(false);
      expect(await store.getConversation(AB, A, EVERY)).toEqual(fresh);
      expect(await store.getConversation(AB, C, EVERY)).toBeNull();
      expect(await store.listConversations(C, EVERY)).toEqual([]);

      expect(await store.createConversation(conversation(G, [A, B, A]))).toBe(true);
      expect(await memberIds(store, G, A)).toEqual([A, B]);
      expect((await store.getConversation(G, B, EVERY))?.kind).toBe('group');
    });

    it('never adds members when appending or re-creating, also with a cold cache', async () => {
      const { store } = t;
      await store.createConversation(conversation(G, [A, B]));
      expect(await store.appendMessages([msg(G, A, 'g1')])).toMatchObject([{ status: 'stored' }]);
      expect(await store.createConversation(conversation(G, [A, B, C]))).toBe(false);
      expect(await memberIds(store, G, A)).toEqual([A, B]);

      const store2 = await t.reopen();
      expect(await store2.createConversation(conversation(G, [A, B, C]))).toBe(false);
      const res = await store2.appendMessages([msg(G, B, 'g2'), msg(G, A, 'g3')]);
      expect(res.map((r) => messageOf(r).seq)).toEqual([2, 3]);
      expect(await memberIds(store2, G, A)).toEqual([A, B]);
      expect(await store2.getConversation(G, C, EVERY)).toBeNull();
      expect(await store2.listConversations(C, EVERY)).toEqual([]);
      expect(await store2.advanceCursor(G, C, { read: 1 })).toBeNull();
    });

    it('creates conversations with their members and kind; hides them from non-members', async () => {
      const { store } = t;
      await create(store, AB, G);
      await store.appendMessages([msg(AB, A, 'a1', 100), msg(G, C, 'g1', 101)]);
      const dm = await store.getConversation(AB, B, EVERY);
      expect(dm).toMatchObject({ conversationId: AB, kind: 'dm', lastSeq: 1, unread: 1 });
      expect(sortCursors(dm)?.cursors).toEqual([
        { userId: A, delivered: 0, read: 0 },
        { userId: B, delivered: 0, read: 0 },
      ]);
      const group = await store.getConversation(G, A, EVERY);
      expect(group).toMatchObject({ conversationId: G, kind: 'group', lastSeq: 1 });
      expect(group?.cursors.map((c) => c.userId).sort()).toEqual([A, B, C]);
      expect(await store.getConversation(AB, C, EVERY)).toBeNull();
      expect(await store.getConversation(MISSING, A, EVERY)).toBeNull();
    });

    it('advances cursors monotonically, clamped to lastSeq, with read raising delivered', async () => {
      const { store } = t;
      await fill(AB, 5);
      expect(await store.advanceCursor(AB, A, { delivered: 2 })).toEqual({ cursor: { userId: A, delivered: 2, read: 0 }, changed: true });
      expect(await store.advanceCursor(AB, A, { delivered: 1 })).toEqual({ cursor: { userId: A, delivered: 2, read: 0 }, changed: false });
      expect(await store.advanceCursor(AB, A, { read: 4 })).toEqual({ cursor: { userId: A, delivered: 4, read: 4 }, changed: true });
      expect(await store.advanceCursor(AB, A, { read: 3, delivered: 3 })).toEqual({ cursor: { userId: A, delivered: 4, read: 4 }, changed: false });
      expect(await store.advanceCursor(AB, A, { delivered: 99 })).toEqual({ cursor: { userId: A, delivered: 5, read: 4 }, changed: true });
      expect(await store.advanceCursor(AB, A, { read: 99 })).toEqual({ cursor: { userId: A, delivered: 5, read: 5 }, changed: true });
      expect(await store.advanceCursor(AB, A, { read: 99 })).toEqual({ cursor: { userId: A, delivered: 5, read: 5 }, changed: false });
      expect(await store.advanceCursor(AB, C, { read: 1 })).toBeNull();
      expect(await store.advanceCursor(MISSING, A, { read: 1 })).toBeNull();
      const seen = await store.getConversation(AB, B, EVERY);
      expect(seen?.cursors.find((c) => c.userId === A)).toEqual({ userId: A, delivered: 5, read: 5 });
      expect(seen?.cursors.find((c) => c.userId === B)).toEqual({ userId: B, delivered: 0, read: 0 });
    });

    it('lists the viewer’s conversations by last message time, with state and last message', async () => {
      const { store } = t;
      await create(store, AB, AC, BC);
      const [ab1] = await store.appendMessages([msg(AB, A, 'ab1', 100)]);
      const [ac1] = await store.appendMessages([msg(AC, C, 'ac1', 200)]);
      await store.appendMessages([msg(BC, B, 'bc1', 300)]);
      let list = await store.listConversations(A, EVERY);
      expect(list.map((c) => c.conversationId)).toEqual([AC, AB]);
      expect(list[0]).toMatchObject({ kind: 'dm', lastSeq: 1, unread: 1, lastMessage: messageOf(ac1) });
      expect(list[1]).toMatchObject({ kind: 'dm', lastSeq: 1, unread: 0, lastMessage: messageOf(ab1) });
      expect(list[1]?.cursors.map((c) => c.userId).sort()).toEqual([A, B]);

      const [ab2] = await store.appendMessages([msg(AB, B, 'ab2', 400)]);
      await store.advanceCursor(AB, A, { delivered: 2 });
      list = await store.listConversations(A, EVERY);
      expect(list.map((c) => c.conversationId)).toEqual([AB, AC]);
      expect(list[0]).toMatchObject({ lastSeq: 2, unread: 1, lastMessage: messageOf(ab2) });
      expect(list[0]?.cursors.find((c) => c.userId === A)).toEqual({ userId: A, delivered: 2, read: 0 });
      expect(sortCursors(list[0])).toEqual(sortCursors(await store.getConversation(AB, A, EVERY)));
      expect(await store.listConversations('u_nobody', EVERY)).toEqual([]);
    });
  });

  messagesContract(open);
  unreadContract(open);
  mutationsContract(open);
}
