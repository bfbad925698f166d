import { describe, expect, it } from 'vitest';
import { A, AB, AC, B, C, create, EVERY, messageOf, messages, MISSING, outcomes, seqs, useStore, type OpenStore } from './support.js';

/** {@link ConversationStore} contract, messages: appending, idempotency, history pages. */
export function messagesContract(open: OpenStore): void {
  describe('messages', () => {
    const t = useStore(open);
    const msg = messages();
    const fill = async (conversationId: string, count: number): Promise<void> => {
      await create(t.store, conversationId);
      await t.store.appendMessages(Array.from({ length: count }, (_, i) => msg(conversationId, i % 2 ? B : A, `fill${i}`, 1000 + i)));
    };

    it('assigns gap-free seqs per conversation across batches and returns stored messages', async () => {
      const { store } = t;
      await create(store, AB, AC);
      const m1 = msg(AB, A, 'c1', 100);
      const r1 = await store.appendMessages([m1, msg(AC, C, 'c2', 101), msg(AB, B, 'c3', 102)]);
      expect(r1.map((r) => [messageOf(r).conversationId, ...outcomes([r])[0]!])).toEqual([[AB, 'stored', 1], [AC, 'stored', 1], [AB, 'stored', 2]]);
      expect(r1[0]).toEqual({
        status: 'stored',
        message: { id: m1.id, conversationId: AB, seq: 1, senderId: A, clientMsgId: 'c1', content: { type: 'text', text: 'text c1' }, createdAt: 100 },
      });
      const r2 = await store.appendMessages([msg(AB, A, 'c4', 103), msg(AC, A, 'c5', 104), msg(AB, A, 'c6', 105)]);
      expect(r2.map((r) => messageOf(r).seq)).toEqual([3, 2, 4]);
      const ab = await store.getMessages(AB, { limit: 50 });
      expect(seqs(ab.messages)).toEqual([1, 2, 3, 4]);
      expect(ab.messages.map((m) => m.clientMsgId)).toEqual(['c1', 'c3', 'c4', 'c6']);
      expect(ab.messages[0]).toEqual(messageOf(r1[0]));
      expect(seqs((await store.getMessages(AC, { limit: 50 })).messages)).toEqual([1, 2]);
      expect((await store.getConversation(AB, A, EVERY))?.lastSeq).toBe(4);
    });

    it('returns the original message for a repeated (sender, conversation, clientMsgId) and writes nothing', async () => {
      const { store } = t;
      await create(store, AB);
      const [orig] = await store.appendMessages([msg(AB, A, 'dup', 100)]);
      await store.appendMessages([msg(AB, B, 'other', 101)]);
      const retry = { ...msg(AB, A, 'dup', 999), content: { type: 'text' as const, text: 'changed' } };
      const [again] = await store.appendMessages([retry]);
      expect(again).toEqual({ status: 'duplicate', message: messageOf(orig) });
      expect(messageOf(again).id).not.toBe(retry.id);
      expect(seqs((await store.getMessages(AB, { limit: 50 })).messages)).toEqual([1, 2]);
      expect((await store.getConversation(AB, A, EVERY))?.lastSeq).toBe(2);

      const [fromB] = await store.appendMessages([msg(AB, B, 'dup', 102)]);
      expect(fromB).toMatchObject({ status: 'stored', message: { seq: 3, senderId: B, clientMsgId: 'dup' } });
    });

    it('treats a repeat within the same batch as a duplicate of the earlier item', async () => {
      const { store } = t;
      await create(store, AB);
      const first = msg(AB, A, 'same', 100);
      const res = await store.appendMessages([first, msg(AB, A, 'same', 101), msg(AB, B, 'next', 102)]);
      expect(outcomes(res)).toEqual([['stored', 1], ['duplicate', 1], ['stored', 2]]);
      expect(messageOf(res[1])).toEqual(messageOf(res[0]));
      expect(messageOf(res[1]).id).toBe(first.id);
      expect((await store.getMessages(AB, { limit: 50 })).messages).toHaveLength(2);
    });

    it('stores a clientMsgId reused in another conversation as a new message, in a batch and across batches', async () => {
      const { store } = t;
      await create(store, AB, AC);
      const inBatch = await store.appendMessages([msg(AB, A, 'k1'), msg(AC, A, 'k1'), msg(AB, A, 'k1')]);
      expect(outcomes(inBatch)).toEqual([['stored', 1], ['stored', 1], ['duplicate', 1]]);
      expect(messageOf(inBatch[1])).toMatchObject({ conversationId: AC, senderId: A, clientMsgId: 'k1' });
      expect(messageOf(inBatch[2])).toEqual(messageOf(inBatch[0]));

      await store.appendMessages([msg(AB, A, 'k2')]);
      const [other] = await store.appendMessages([msg(AC, A, 'k2')]);
      expect(other).toMatchObject({ status: 'stored', message: { conversationId: AC, seq: 2, clientMsgId: 'k2' } });
      expect((await store.getMessages(AC, { limit: 50 })).messages.map((m) => m.clientMsgId)).toEqual(['k1', 'k2']);
      expect((await store.getMessages(AB, { limit: 50 })).messages.map((m) => m.clientMsgId)).toEqual(['k1', 'k2']);

      // A restarted store holds the same key: repeats stay duplicates of their own conversation's message.
      const store2 = await t.reopen();
      const repeats = await store2.appendMessages([msg(AC, A, 'k1'), msg(AB, A, 'k2'), msg(AC, C, 'k1')]);
      expect(repeats.map((r) => [r.status, messageOf(r).conversationId, messageOf(r).seq])).toEqual([
        ['duplicate', AC, 1],
        ['duplicate', AB, 2],
        ['stored', AC, 3],
      ]);
    });

    it('answers no_conversation for an item whose conversation is missing, and stores the rest of the batch', async () => {
      const { store } = t;
      await create(store, AB);
      const res = await store.appendMessages([msg(AB, A, 'a1'), msg(MISSING, 'u_x', 'x1'), msg(AB, B, 'b1'), msg(MISSING, 'u_x', 'x2')]);
      expect(res[1]).toEqual({ status: 'no_conversation' });
      expect(outcomes(res)).toEqual([['stored', 1], ['no_conversation', 0], ['stored', 2], ['no_conversation', 0]]);
      expect(seqs((await store.getMessages(AB, { limit: 50 })).messages)).toEqual([1, 2]);
      expect(await store.getMessages(MISSING, { limit: 50 })).toEqual({ messages: [], hasMore: false });
      expect(await store.getConversation(MISSING, 'u_x', EVERY)).toBeNull();
      expect(await store.listConversations('u_x', EVERY)).toEqual([]);

      // Nothing was written for it: once created, the same clientMsgId is a new message.
      await store.createConversation({ id: MISSING, kind: 'dm', members: ['u_x', 'u_y'], createdAt: 5 });
      const [later] = await store.appendMessages([msg(MISSING, 'u_x', 'x1')]);
      expect(later).toMatchObject({ status: 'stored', message: { seq: 1, clientMsgId: 'x1' } });
    });

    it('pages the newest messages when neither before nor after is given', async () => {
      const { store } = t;
      await fill(AB, 7);
      const newest = await store.getMessages(AB, { limit: 3 });
      expect(seqs(newest.messages)).toEqual([5, 6, 7]);
      expect(newest.hasMore).toBe(true);
      const all = await store.getMessages(AB, { limit: 7 });
      expect(seqs(all.messages)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(all.hasMore).toBe(false);
      expect(await store.getMessages(MISSING, { limit: 3 })).toEqual({ messages: [], hasMore: false });
    });

    it('pages backwards with before', async () => {
      const { store } = t;
      await fill(AB, 7);
      expect(await store.getMessages(AB, { before: 5, limit: 2 }).then((p) => [seqs(p.messages), p.hasMore])).toEqual([[3, 4], true]);
      expect(await store.getMessages(AB, { before: 3, limit: 2 }).then((p) => [seqs(p.messages), p.hasMore])).toEqual([[1, 2], false]);
      expect(await store.getMessages(AB, { before: 4, limit: 5 }).then((p) => [seqs(p.messages), p.hasMore])).toEqual([[1, 2, 3], false]);
      expect(await store.getMessages(AB, { before: 1, limit: 5 })).toEqual({ messages: [], hasMore: false });
    });

    it('pages forwards with after', async () => {
      const { store } = t;
      await fill(AB, 7);
      expect(await store.getMessages(AB, { after: 2, limit: 3 }).then((p) => [seqs(p.messages), p.hasMore])).toEqual([[3, 4, 5], true]);
      expect(await store.getMessages(AB, { after: 4, limit: 3 }).then((p) => [seqs(p.messages), p.hasMore])).toEqual([[5, 6, 7], false]);
      expect(await store.getMessages(AB, { after: 0, limit: 2 }).then((p) => [seqs(p.messages), p.hasMore])).toEqual([[1, 2], true]);
      expect(await store.getMessages(AB, { after: 7, limit: 3 })).toEqual({ messages: [], hasMore: false });
    });
  });
}
