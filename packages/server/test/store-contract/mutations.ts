import { describe, expect, it } from 'vitest';
import type { SendableContent } from '@quickchat/protocol';
import type { MessageRules, NewMessage } from '../../src/store/types.js';
import { A, AB, B, C, create, EVERY, G, messageOf, outcomes, seqs, useStore, type OpenStore } from './support.js';

/** The rules as a service would pass them: no edit window unless a test sets one; nobody moderates (the fixtures' group has no roles). */
const RULES: MessageRules = { editWindowMs: null, maxReactions: 3, moderation: { owner: [], admin: [], member: [] } };

/**
 * {@link ConversationStore} contract, rich messages: replies, mentions and the mutation entries
 * (edit, delete, reaction) that change a message in place. Each entry takes the next seq; a
 * refusal writes nothing and takes no seq; pages show messages as they are now.
 */
export function mutationsContract(open: OpenStore): void {
  describe('rich messages and mutations', () => {
    const t = useStore(open);
    let n = 0;
    const item = (conversationId: string, senderId: string, content: SendableContent, createdAt = 1000, rules: MessageRules | undefined = RULES): NewMessage => ({
      id: `m_rich_${++n}`,
      conversationId,
      senderId,
      clientMsgId: `r${n}`,
      content,
      createdAt,
      ...(content.type === 'text' && !content.replyTo && !content.mentions ? {} : { rules }),
    });
    const text = (conversationId: string, senderId: string, body: string, createdAt = 1000) => item(conversationId, senderId, { type: 'text', text: body }, createdAt);
    const append = async (...items: NewMessage[]) => t.store.appendMessages(items);

    it('stores an edit as its own entry and the new text in place, with editedAt and updatedSeq; only within the edit window', async () => {
      await create(t.store, AB);
      await append(text(AB, A, 'first', 1000));
      const windowed = { ...RULES, editWindowMs: 60_000 };
      const late = await append(item(AB, A, { type: 'edit', target: 1, text: 'too late' }, 61_001, windowed));
      expect(late).toEqual([{ status: 'refused', code: 'forbidden', reason: 'messages can be edited for 60 s after sending' }]);
      const [edit] = await append(item(AB, A, { type: 'edit', target: 1, text: 'edited' }, 61_000, windowed));
      expect(outcomes([edit!])).toEqual([['stored', 2]]);
      expect(messageOf(edit).content).toEqual({ type: 'edit', target: 1, text: 'edited' });
      const page = await t.store.getMessages(AB, { limit: 10 });
      expect(seqs(page.messages)).toEqual([1, 2]);
      expect(page.messages[0]).toMatchObject({ content: { type: 'text', text: 'edited' }, editedAt: 61_000, updatedSeq: 2 });
      expect(await append(item(AB, B, { type: 'edit', target: 1, text: 'not yours' }))).toMatchObject([{ status: 'refused', code: 'forbidden' }]);
    });

    it('refuses targets that are missing, later, mutation entries or deleted, taking no seq', async () => {
      await create(t.store, AB);
      await append(text(AB, A, 'one'), text(AB, A, 'two'));
      const results = await append(
        item(AB, A, { type: 'edit', target: 9, text: 'x' }),
        item(AB, A, { type: 'delete', target: 2 }),
        item(AB, A, { type: 'edit', target: 3, text: 'x' }),
        item(AB, A, { type: 'reaction', target: 2, emoji: '👍', active: true }),
        item(AB, B, { type: 'text', text: 'reply', replyTo: 2 }),
      );
      expect(results.map((r) => (r.status === 'refused' ? r.code : r.status))).toEqual(['not_found', 'stored', 'not_found', 'not_found', 'not_found']);
      expect((await t.store.getConversation(AB, A, EVERY))?.lastSeq).toBe(3);
    });

    it('a delete leaves a tombstone, turns earlier edit entries into deletes, and quotes of it say deleted', async () => {
      await create(t.store, AB);
      await append(text(AB, A, 'secret'));
      await append(item(AB, A, { type: 'edit', target: 1, text: 'secret, edited' }));
      const [reply] = await append(item(AB, B, { type: 'text', text: 'what?', replyTo: 1 }));
      expect(messageOf(reply).quote).toEqual({ seq: 1, senderId: A, text: 'secret, edited', attachments: 0, deleted: false });
      await append(item(AB, A, { type: 'delete', target: 1 }));
      const page = (await t.store.getMessages(AB, { limit: 10 })).messages;
      expect(page.map((m) => m.content)).toEqual([
        { type: 'deleted', by: A },
        { type: 'delete', target: 1 },
        { type: 'text', text: 'what?', replyTo: 1 },
        { type: 'delete', target: 1 },
      ]);
      expect(page[2]!.quote).toEqual({ seq: 1, senderId: A, text: '', attachments: 0, deleted: true });
      expect(JSON.stringify(page)).not.toContain('secret');
    });

    it('counts reactions per emoji with the viewer’s own marked, one per user and emoji, capped per message', async () => {
      await create(t.store, G);
      await append(text(G, A, 'vote'));
      const react = (user: string, emoji: string, active = true) => item(G, user, { type: 'reaction', target: 1, emoji, active });
      const results = await append(react(A, '👍'), react(B, '👍'), react(C, '🎉'), react(B, '👍'), react(A, '❤️'), react(C, '🔥'), react(C, '🙂', false));
      expect(results.map((r) => (r.status === 'refused' ? r.code : r.status))).toEqual(['stored', 'stored', 'stored', 'conflict', 'stored', 'conflict', 'conflict']);
      const asSeenBy = async (viewer: string) => (await t.store.getMessages(G, { limit: 1, after: 0, viewerId: viewer })).messages[0]!.reactions;
      expect(await asSeenBy(B)).toEqual([
        { emoji: '👍', count: 2, mine: true },
        { emoji: '❤️', count: 1, mine: false },
        { emoji: '🎉', count: 1, mine: false },
      ]);
      await append(react(A, '👍', false), react(A, '❤️', false));
      // Most used first; ties in code point order.
      expect(await asSeenBy(A)).toEqual([
        { emoji: '🎉', count: 1, mine: false },
        { emoji: '👍', count: 1, mine: false },
      ]);
      // Without a viewer, pages carry no reactions.
      expect((await t.store.getMessages(G, { limit: 1, after: 0 })).messages[0]!.reactions).toBeUndefined();
    });

    it('leaves others’ mutation entries out of unread and of the last message; counts mentions after the read cursor', async () => {
      await create(t.store, G);
      await append(text(G, A, 'hi all'), item(G, A, { type: 'text', text: '@bob look', mentions: [B] }));
      await append(item(G, C, { type: 'reaction', target: 1, emoji: '👋', active: true }), item(G, A, { type: 'edit', target: 1, text: 'hi everyone' }));
      const seenByB = await t.store.getConversation(G, B, EVERY);
      expect(seenByB).toMatchObject({ lastSeq: 4, unread: 2, mentions: 1, lastMessage: { seq: 2 } });
      expect(await t.store.getConversation(G, C, EVERY)).toMatchObject({ unread: 2, mentions: 0 });
      await t.store.advanceCursor(G, B, { read: 2 });
      expect(await t.store.getConversation(G, B, EVERY)).toMatchObject({ unread: 0, mentions: 0 });
      // A mention of someone outside the conversation is refused.
      expect(await append(item(G, A, { type: 'text', text: 'x', mentions: ['u_stranger'] }))).toMatchObject([
        { status: 'refused', code: 'validation', reason: 'mentions: u_stranger is not a member of this conversation' },
      ]);
      expect((await t.store.listConversations(B, EVERY))[0]).toMatchObject({ unread: 0, mentions: 0 });
    });

    it('returns a resent mutation as a duplicate without applying it again, even after a restart', async () => {
      await create(t.store, AB);
      await append(text(AB, A, 'x'));
      const reaction = { ...item(AB, B, { type: 'reaction', target: 1, emoji: '🎉', active: true }), clientMsgId: 'same' };
      expect(outcomes(await append(reaction))).toEqual([['stored', 2]]);
      await t.reopen();
      expect(outcomes(await t.store.appendMessages([{ ...reaction, id: 'other' }]))).toEqual([['duplicate', 2]]);
      expect((await t.store.getMessages(AB, { limit: 5, viewerId: A })).messages[0]!.reactions).toEqual([{ emoji: '🎉', count: 1, mine: false }]);
    });
  });
}
