import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.js';
import { seededRandom as seeded } from '../support/seeded-random.js';
import { A, AB, B, C, create, EVERY, G, messages, outcomes, seqs, sortCursors, useStore, type OpenStore } from './support.js';
import { change, createGroup, D, E, F, join, newGroup, notices } from './group-support.js';

/** Unread by its definition: messages after the viewer's read cursor that the viewer did not send. */
async function countedUnread(store: Store, conversationId: string, viewer: string): Promise<number> {
  const state = await store.getConversation(conversationId, viewer, 1);
  const read = state?.cursors.find((c) => c.userId === viewer)?.read ?? 0;
  const all = (await store.getMessages(conversationId, { limit: 100_000 })).messages;
  return all.filter((m) => m.seq > read && m.senderId !== viewer).length;
}

/** How groups behave as conversations: who may append, history floors, conversation lists, unread and receipts. */
export function groupConversationsContract(open: OpenStore): void {
  describe('groups as conversations', () => {
    const t = useStore(open);
    const notice = notices();
    const msg = messages();

    it('refuses a group message from a non-member or a removed member, item by item, writing nothing', async () => {
      const { store } = t;
      await createGroup(store, newGroup(notice));
      const first = await store.appendMessages([msg(G, B, 'b1'), msg(G, D, 'd1'), msg(G, C, 'c1'), msg(G, D, 'd2')]);
      expect(outcomes(first)).toEqual([['stored', 2], ['not_member', 0], ['stored', 3], ['not_member', 0]]);
      await change(store, { conversationId: G, remove: [C], at: 20 });
      expect(outcomes(await store.appendMessages([msg(G, C, 'c2'), msg(G, A, 'a1')]))).toEqual([['not_member', 0], ['stored', 4]]);
      // Also once the store restarted (nothing remembered).
      const store2 = await t.reopen();
      expect(outcomes(await store2.appendMessages([msg(G, C, 'c3'), msg(G, D, 'd3'), msg(G, B, 'b2')]))).toEqual([['not_member', 0], ['not_member', 0], ['stored', 5]]);
      expect((await store2.getMessages(G, { limit: 10 })).messages.map((m) => m.senderId)).toEqual([A, B, C, A, B]);
      expect((await store2.getConversation(G, A, EVERY))?.unread).toBe(3);

      // Nothing was written for the refused items: once members, the same keys are new messages.
      await change(store2, { conversationId: G, add: [{ userId: C, role: 'member' }, { userId: D, role: 'member' }], at: 30 });
      expect(outcomes(await store2.appendMessages([msg(G, D, 'd1'), msg(G, C, 'c2'), msg(G, C, 'c1')]))).toEqual([['stored', 6], ['stored', 7], ['duplicate', 3]]);
    });

    it('pages history above a floor: newest, before and after; hasMore stops at the floor', async () => {
      const { store } = t;
      await createGroup(store, newGroup(notice));
      await store.appendMessages(Array.from({ length: 9 }, (_, i) => msg(G, [A, B, C][i % 3]!, `m${i}`))); // seqs 2..10
      const page = async (range: { before?: number; after?: number; limit: number }) => {
        const p = await store.getMessages(G, { ...range, floor: 4 });
        return [seqs(p.messages), p.hasMore];
      };
      expect(await page({ limit: 3 })).toEqual([[8, 9, 10], true]);
      expect(await page({ limit: 5 })).toEqual([[6, 7, 8, 9, 10], true]);
      expect(await page({ limit: 6 })).toEqual([[5, 6, 7, 8, 9, 10], false]);
      expect(await page({ limit: 50 })).toEqual([[5, 6, 7, 8, 9, 10], false]);
      expect(await page({ before: 8, limit: 2 })).toEqual([[6, 7], true]);
      expect(await page({ before: 8, limit: 3 })).toEqual([[5, 6, 7], false]);
      expect(await page({ before: 7, limit: 3 })).toEqual([[5, 6], false]);
      expect(await page({ before: 5, limit: 3 })).toEqual([[], false]);
      expect(await page({ after: 0, limit: 3 })).toEqual([[5, 6, 7], true]);
      expect(await page({ after: 2, limit: 10 })).toEqual([[5, 6, 7, 8, 9, 10], false]);
      expect(await page({ after: 7, limit: 3 })).toEqual([[8, 9, 10], false]);
      expect(await page({ after: 10, limit: 3 })).toEqual([[], false]);
      // Floor 0 (the default) is the whole history.
      expect(seqs((await store.getMessages(G, { limit: 3, floor: 0 })).messages)).toEqual([8, 9, 10]);
      expect(await store.getMessages(G, { before: 3, limit: 5 }).then((p) => [seqs(p.messages), p.hasMore])).toEqual([[1, 2], false]);
    });

    it('lists every member’s cursors for conversations of at most allCursorsUpTo members, else only the viewer’s', async () => {
      const { store } = t;
      await create(store, AB);
      await createGroup(store, newGroup(notice)); // A, B, C
      await store.appendMessages([msg(G, B, 'b1'), msg(G, C, 'c1'), msg(AB, B, 'ab1')]);
      await store.advanceCursor(G, A, { read: 2, delivered: 3 });
      await store.advanceCursor(G, B, { read: 3 });
      const own = { userId: A, delivered: 3, read: 2 };
      const everyone = [own, { userId: B, delivered: 3, read: 3 }, { userId: C, delivered: 0, read: 0 }];
      const cursorsIn = async (upTo: number) => Object.fromEntries((await store.listConversations(A, upTo)).map((s) => [s.conversationId, sortCursors(s)!.cursors]));

      expect(await cursorsIn(3)).toEqual({ [G]: everyone, [AB]: [{ userId: A, delivered: 0, read: 0 }, { userId: B, delivered: 0, read: 0 }] });
      expect(sortCursors(await store.getConversation(G, A, 3))?.cursors).toEqual(everyone);
      expect(await cursorsIn(2)).toEqual({ [G]: [own], [AB]: [{ userId: A, delivered: 0, read: 0 }, { userId: B, delivered: 0, read: 0 }] });
      expect((await store.getConversation(G, A, 2))?.cursors).toEqual([own]);
      expect(await cursorsIn(1)).toEqual({ [G]: [own], [AB]: [{ userId: A, delivered: 0, read: 0 }] });
      expect((await store.getConversation(AB, A, 1))?.cursors).toEqual([{ userId: A, delivered: 0, read: 0 }]);

      // The limit follows the member count as it changes.
      await change(store, { conversationId: G, add: [{ userId: D, role: 'member' }], at: 20 });
      expect((await cursorsIn(3))[G]).toEqual([own]);
      expect((await cursorsIn(4))[G]).toHaveLength(4);
      await change(store, { conversationId: G, remove: [D, C], at: 21 });
      expect((await cursorsIn(2))[G]).toEqual([own, { userId: B, delivered: 3, read: 3 }]);
      // The rest of the state does not depend on the limit.
      const strip = (list: Awaited<ReturnType<Store['listConversations']>>) => list.map(({ cursors: _, ...rest }) => rest);
      expect(strip(await store.listConversations(A, 1))).toEqual(strip(await store.listConversations(A, EVERY)));
    });

    it('shows a group’s brief with the viewer’s role, and the viewer’s floor; DMs have neither', async () => {
      const { store } = t;
      await create(store, AB);
      await store.appendMessages([msg(AB, A, 'ab1', 5)]);
      await createGroup(store, newGroup(notice, { avatarUrl: 'https://img/t.png' }));
      await change(store, { ...join(notice, G, D, 20), settings: { name: 'Renamed' } });
      await change(store, { conversationId: G, roles: [{ userId: B, role: 'admin' }], at: 21 });
      const list = await store.listConversations(B, EVERY);
      expect(list.map((s) => [s.conversationId, s.kind, s.floor, s.group])).toEqual([
        [G, 'group', 0, { name: 'Renamed', avatarUrl: 'https://img/t.png', memberCount: 4, role: 'admin' }],
        [AB, 'dm', 0, null],
      ]);
      expect(await store.getConversation(G, D, EVERY)).toMatchObject({ floor: 1, group: { name: 'Renamed', memberCount: 4, role: 'member' } });
      expect((await store.getConversation(AB, A, EVERY))?.group).toBeNull();
    });

    it('counts unread above the floor: a joiner’s own notice is not unread, others’ messages are', async () => {
      const { store } = t;
      const unread = async (user: string) => (await store.getConversation(G, user, EVERY))?.unread;
      await createGroup(store, newGroup(notice));
      await store.appendMessages([msg(G, B, 'b1'), msg(G, C, 'c1')]);
      await change(store, join(notice, G, D, 20)); // D's own notice, seq 4
      expect(await unread(D)).toBe(0);
      await store.appendMessages([msg(G, B, 'b2'), msg(G, D, 'd1'), msg(G, C, 'c2')]);
      expect(await unread(D)).toBe(2);
      await store.advanceCursor(G, D, { read: 6 });
      expect(await unread(D)).toBe(1);

      // Added by someone else: their notice is unread to the joiner.
      await change(store, { conversationId: G, add: [{ userId: E, role: 'member' }], message: notice(G, A, 'added', 21), at: 21 });
      expect(await unread(E)).toBe(1);

      // Rejoining where the history is visible: their earlier messages are still their own.
      await change(store, { conversationId: G, remove: [C], message: notice(G, C, 'left', 22), at: 22 }); // C sent 2, 5 and 9
      await change(store, { ...join(notice, G, C, 23), settings: { historyVisible: true } }); // C's notice 10
      expect(await store.getConversation(G, C, EVERY)).toMatchObject({ floor: 0, lastSeq: 10, unread: 6 });
      for (const user of [A, B, C, D, E]) expect(await unread(user), user).toBe(await countedUnread(store, G, user));
    });

    it('always equals the messages after the read cursor the viewer did not send, through joins and leaves (randomized, seeded)', async () => {
      let store = t.store;
      await createGroup(store, newGroup(notice));
      const rand = seeded(0x6a0);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
      const everyone = [A, B, C, D, E, F];
      for (let step = 0; step < 150; step++) {
        const members = await store.listMemberIds(G);
        const outsiders = everyone.filter((u) => !members.includes(u));
        const r = rand();
        if (r < 0.4) {
          const senders = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(everyone));
          const results = await store.appendMessages(senders.map((s, i) => msg(G, s, `r${step}_${i}`)));
          expect(results.map((x) => x.status)).toEqual(senders.map((s) => (members.includes(s) ? 'stored' : 'not_member')));
        } else if (r < 0.7) {
          const member = pick(members);
          const last = (await store.getConversation(G, member, EVERY))!.lastSeq;
          await store.advanceCursor(G, member, { read: Math.floor(rand() * (last + 2)) });
        } else if (r < 0.82 && outsiders.length > 0) {
          const joiner = pick(outsiders);
          const byThemselves = rand() < 0.5;
          const notice_ = rand() < 0.8 ? notice(G, byThemselves ? joiner : A, byThemselves ? 'joined' : 'added', step) : undefined;
          await change(store, { conversationId: G, settings: { historyVisible: rand() < 0.5 }, add: [{ userId: joiner, role: 'member' }], ...(notice_ ? { message: notice_ } : {}), at: step });
        } else if (r < 0.94 && members.length > 1) {
          const leaver = pick(members.filter((u) => u !== A));
          await change(store, { conversationId: G, remove: [leaver], message: notice(G, leaver, 'left', step), at: step });
        } else {
          store = await t.reopen();
        }
        for (const member of await store.listMemberIds(G)) {
          const state = (await store.getConversation(G, member, EVERY))!;
          expect(state.unread, `step ${step}: ${member}`).toBe(await countedUnread(store, G, member));
          expect(state.cursors.find((c) => c.userId === member)!.read).toBeGreaterThanOrEqual(state.floor);
        }
      }
    });

    it('counts the members other than one who read and who got a message', async () => {
      const { store } = t;
      await createGroup(store, newGroup(notice, { members: [B, C, D] }));
      await store.appendMessages([msg(G, A, 'a1'), msg(G, A, 'a2'), msg(G, A, 'a3')]); // seqs 2..4
      await store.advanceCursor(G, B, { read: 4 });
      await store.advanceCursor(G, C, { read: 2, delivered: 4 });
      await store.advanceCursor(G, D, { delivered: 3 });
      expect(await store.countReadBy(G, 4, A)).toEqual({ read: 1, delivered: 2, of: 3 });
      expect(await store.countReadBy(G, 3, A)).toEqual({ read: 1, delivered: 3, of: 3 });
      expect(await store.countReadBy(G, 2, A)).toEqual({ read: 2, delivered: 3, of: 3 });
      expect(await store.countReadBy(G, 4, B)).toEqual({ read: 0, delivered: 1, of: 3 }); // A's own cursors are at 0
      expect(await store.countReadBy(G, 4, 'u_nobody')).toEqual({ read: 1, delivered: 2, of: 4 });
      expect(await store.countReadBy('g:none', 1, A)).toEqual({ read: 0, delivered: 0, of: 0 });
    });
  });
}
