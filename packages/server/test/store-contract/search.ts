import { describe, expect, it } from 'vitest';
import type { MessageRules, NewMessage, StoredHit } from '../../src/store/types.js';
import { A, AB, AC, B, C, create, G, useStore, type OpenStore } from './support.js';

const RULES: MessageRules = { editWindowMs: null, maxReactions: 20, moderation: { owner: [], admin: [], member: [] } };

/**
 * {@link SearchStore} contract: full-text search over the messages a user can read, as they are
 * now, newest first per conversation, paged.
 */
export function searchStoreContract(open: OpenStore): void {
  describe('search', () => {
    const t = useStore(open);
    let n = 0;
    const text = (conversationId: string, senderId: string, body: string): NewMessage => ({
      id: `m_s_${++n}`,
      conversationId,
      senderId,
      clientMsgId: `s${n}`,
      content: { type: 'text', text: body },
      createdAt: 1000 + n,
    });
    const where = (hits: StoredHit[]) => hits.map((h) => [h.conversationId, h.seq]);

    it('finds all the words, only in the searcher’s conversations, as the text is now', async () => {
      await create(t.store, AB, AC, G);
      await t.store.appendMessages([
        text(AB, A, 'Dinner at eight?'),
        text(AC, C, 'dinner with Carol'),
        text(G, B, 'team dinner friday'),
        text(AB, B, 'eight works, dinner it is'),
      ]);
      const search = async (user: string, query: string, more: object = {}) => (await t.store.searchMessages(user, { query, limit: 10, ...more })).hits;
      // Newest first within a conversation; conversations newest-created first. Carol's DM with Alice is not Bob's.
      expect(where(await search(B, 'dinner'))).toEqual([[G, 1], [AB, 2], [AB, 1]]);
      expect(where(await search(B, 'dinner eight'))).toEqual([[AB, 2], [AB, 1]]);
      expect(where(await search(B, 'dinner', { conversationId: AB }))).toEqual([[AB, 2], [AB, 1]]);
      expect(where(await search(B, 'dinner', { conversationId: AC }))).toEqual([]);
      const [hit] = await search(C, 'carol');
      expect(hit).toEqual({ conversationId: AC, seq: 1, senderId: C, createdAt: expect.any(Number), text: 'dinner with Carol' });

      await t.store.appendMessages([
        { ...text(AB, A, ''), content: { type: 'edit', target: 1, text: 'Lunch at noon?' }, rules: RULES },
        { ...text(AB, B, ''), content: { type: 'delete', target: 2 }, rules: RULES },
      ]);
      expect(where(await search(B, 'dinner', { conversationId: AB }))).toEqual([]);
      expect(where(await search(A, 'lunch'))).toEqual([[AB, 1]]);
    });

    it('pages with a cursor until `next` is null', async () => {
      await create(t.store, AB);
      await t.store.appendMessages(Array.from({ length: 7 }, (_, i) => text(AB, i % 2 ? A : B, `report ${i + 1}`)));
      const seen: number[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await t.store.searchMessages(A, { query: 'report', limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...page.hits.map((h) => h.seq));
        if (!page.next) break;
        cursor = page.next;
      }
      expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
    });

    it('finds Chinese words inside sentences, and survives a restart', async () => {
      await create(t.store, AB);
      await t.store.appendMessages([text(AB, A, '今天天气很好，我们去公园散步吧'), text(AB, B, 'sounds good 好的')]);
      await t.reopen();
      const search = async (query: string) => where((await t.store.searchMessages(B, { query, limit: 10 })).hits);
      expect(await search('公园')).toEqual([[AB, 1]]);
      expect(await search('天气 散步')).toEqual([[AB, 1]]);
      expect(await search('好')).toEqual([[AB, 2], [AB, 1]]);
      expect(await search('园公')).toEqual([]);
    });
  });
}
