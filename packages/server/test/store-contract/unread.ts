import { describe, expect, it } from 'vitest';
import type { NewMessage, Store } from '../../src/store/types.js';
import { seededRandom as seeded } from '../support/seeded-random.js';
import { A, AB, B, C, create, EVERY, G, membersOf, messages, MISSING, useStore, type OpenStore } from './support.js';

/** Unread by its definition: messages after the viewer's read cursor that the viewer did not send. */
async function countedUnread(store: Store, conversationId: string, viewer: string): Promise<number> {
  const state = await store.getConversation(conversationId, viewer, EVERY);
  const read = state?.cursors.find((c) => c.userId === viewer)?.read ?? 0;
  const all = (await store.getMessages(conversationId, { limit: 100_000 })).messages;
  return all.filter((m) => m.seq > read && m.senderId !== viewer).length;
}

/** {@link ConversationStore} contract, unread counts. */
export function unreadContract(open: OpenStore): void {
  describe('unread counts', () => {
    const t = useStore(open);
    const msg = messages();
    const unread = async (conversationId: string, viewer: string) => (await t.store.getConversation(conversationId, viewer, EVERY))?.unread;

    it('counts unread messages after the read cursor, excluding the viewer’s own', async () => {
      const { store } = t;
      await create(store, AB);
      await store.appendMessages([msg(AB, A, 'a1'), msg(AB, B, 'b1'), msg(AB, B, 'b2'), msg(AB, A, 'a2'), msg(AB, B, 'b3')]);
      expect(await unread(AB, A)).toBe(3);
      expect(await unread(AB, B)).toBe(2);
      await store.advanceCursor(AB, A, { read: 3 });
      expect(await unread(AB, A)).toBe(1);
      await store.advanceCursor(AB, A, { delivered: 5 });
      expect(await unread(AB, A)).toBe(1);
      await store.advanceCursor(AB, A, { read: 5 });
      expect(await unread(AB, A)).toBe(0);
      expect(await unread(AB, B)).toBe(2);
    });

    it('subtracts only the viewer’s own messages a partial read passes over, per member, across a restart', async () => {
      const { store } = t;
      await create(store, G);
      // seq:    1  2  3  4  5  6
      // sender: A  B  A  C  A  B
      await store.appendMessages([msg(G, A, '1'), msg(G, B, '2'), msg(G, A, '3'), msg(G, C, '4')]);
      await store.appendMessages([msg(G, A, '5'), msg(G, B, '6')]);
      expect([await unread(G, A), await unread(G, B), await unread(G, C)]).toEqual([3, 4, 5]);

      await store.advanceCursor(G, A, { read: 1 }); // passes A's own 1
      expect(await unread(G, A)).toBe(3);
      await store.advanceCursor(G, A, { read: 4 }); // passes 2, 3 (own), 4
      expect(await unread(G, A)).toBe(1);
      await store.advanceCursor(G, B, { read: 5 }); // 6 is B's own
      expect(await unread(G, B)).toBe(0);
      await store.advanceCursor(G, C, { read: 2 });
      expect(await unread(G, C)).toBe(3);
      await store.advanceCursor(G, C, { delivered: 6 });
      expect(await unread(G, C)).toBe(3);

      await store.advanceCursor(G, A, { read: 99 }); // clamped to 6: everything read
      expect(await unread(G, A)).toBe(0);
      await store.appendMessages([msg(G, B, '7'), msg(G, A, '8')]);
      expect([await unread(G, A), await unread(G, B), await unread(G, C)]).toEqual([1, 1, 5]);

      const store2 = await t.reopen();
      expect((await store2.listConversations(A, EVERY)).map((c) => c.unread)).toEqual([1]);
      expect([await unread(G, A), await unread(G, B), await unread(G, C)]).toEqual([1, 1, 5]);
      await store2.appendMessages([msg(G, C, '9')]);
      await store2.advanceCursor(G, C, { read: 8 }); // passes 3..8, with C's own 4
      expect([await unread(G, A), await unread(G, B), await unread(G, C)]).toEqual([2, 2, 0]);
    });

    it('always equals the messages after the read cursor the viewer did not send (randomized, seeded)', async () => {
      let store = t.store;
      await create(store, AB, G);
      const rand = seeded(0x5eed);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
      const sent: NewMessage[] = [];
      for (let step = 0; step < 200; step++) {
        const r = rand();
        if (r < 0.5) {
          const batch = Array.from({ length: 1 + Math.floor(rand() * 6) }, (_, i) => {
            if (sent.length > 0 && rand() < 0.1) {
              const original = pick(sent);
              return { ...original, id: `${original.id}_retry${step}` };
            }
            const conversationId = rand() < 0.05 ? MISSING : pick([AB, G, G]);
            const m = msg(conversationId, pick(membersOf(conversationId)), `r${step}_${i}`);
            sent.push(m);
            return m;
          });
          await store.appendMessages(batch);
        } else if (r < 0.95) {
          const conversationId = pick([AB, G]);
          const member = pick(membersOf(conversationId));
          const last = (await store.getConversation(conversationId, member, EVERY))!.lastSeq;
          const target = Math.floor(rand() * (last + 3));
          await store.advanceCursor(conversationId, member, rand() < 0.8 ? { read: target } : { delivered: target });
        } else {
          store = await t.reopen();
        }
        for (const conversationId of [AB, G]) {
          for (const member of membersOf(conversationId)) {
            const expected = await countedUnread(store, conversationId, member);
            expect(await unread(conversationId, member), `step ${step}: ${member} in ${conversationId}`).toBe(expected);
          }
        }
      }
      for (const member of [A, B, C]) {
        for (const state of await store.listConversations(member, EVERY)) {
          expect(state.unread).toBe(await countedUnread(store, state.conversationId, member));
        }
      }
    });
  });
}
