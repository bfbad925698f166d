import { describe, expect, it } from 'vitest';
import type { Message, MessageContent } from '@quickchat/protocol';
import { createConversations } from '../../src/conversations/conversations.js';
import { FakeClock, message } from '../support/fakes.js';

const C = 'dm:alice~bob';

/** A log entry of `senderId` at `seq` with `content` (an edit, delete or reaction). */
const entry = (seq: number, senderId: string, content: MessageContent): Message => ({ ...message(C, seq, senderId), content });

/**
 * The core's message store applies edits, deletes and reactions to what it holds, each once, and
 * never shows them as messages; unread and mentions leave them out.
 */
describe('mutation entries in the message store', () => {
  const setup = () => createConversations(() => 'alice', new FakeClock().env);
  const items = (c: ReturnType<typeof setup>) => c.messages.getState()[C]!.items;

  it('applies each entry to its target once, even when it arrives again (a replay, a history page)', () => {
    const c = setup();
    c.surface(message(C, 1, 'bob', 'hello'));
    const edit = entry(2, 'bob', { type: 'edit', target: 1, text: 'hello!' });
    expect(c.surface(edit)).toMatchObject({ seq: 1, content: { text: 'hello!' }, updatedSeq: 2, editedAt: edit.createdAt });
    const like = entry(3, 'alice', { type: 'reaction', target: 1, emoji: '👍', active: true });
    c.surface(like);
    c.surface(like);
    c.surface(entry(4, 'bob', { type: 'reaction', target: 1, emoji: '👍', active: true }));
    // An older entry than what the message already reflects changes nothing.
    c.surface(entry(2, 'bob', { type: 'edit', target: 1, text: 'stale' }));
    expect(items(c)).toHaveLength(1);
    expect(items(c)[0]).toMatchObject({ content: { text: 'hello!' }, updatedSeq: 4, reactions: [{ emoji: '👍', count: 2, mine: true }] });
    c.surface(entry(5, 'alice', { type: 'reaction', target: 1, emoji: '👍', active: false }));
    expect(items(c)[0]!.reactions).toEqual([{ emoji: '👍', count: 1, mine: false }]);
    c.surface(entry(6, 'bob', { type: 'reaction', target: 1, emoji: '👍', active: false }));
    expect(items(c)[0]!.reactions).toEqual([]);
  });

  it('a delete leaves a tombstone without reactions and marks quotes of it deleted', () => {
    const c = setup();
    c.surface(message(C, 1, 'bob', 'oops'));
    c.surface({ ...message(C, 2, 'alice', 'what?'), content: { type: 'text', text: 'what?', replyTo: 1 }, quote: { seq: 1, senderId: 'bob', text: 'oops', attachments: 0, deleted: false } });
    c.surface(entry(3, 'alice', { type: 'reaction', target: 1, emoji: '😮', active: true }));
    c.surface(entry(4, 'bob', { type: 'delete', target: 1 }));
    expect(items(c)[0]).toMatchObject({ content: { type: 'deleted', by: 'bob' }, updatedSeq: 4 });
    expect(items(c)[0]!.reactions).toBeUndefined();
    expect(items(c)[1]!.quote).toEqual({ seq: 1, senderId: 'bob', text: '', attachments: 0, deleted: true });
  });

  it('an entry for a message that is not loaded changes nothing but the last seq; unread and the last message ignore entries', () => {
    const c = setup();
    c.applySummary({ conversationId: C, kind: 'dm', peerId: 'bob', lastSeq: 10, floor: 0, unread: 1, mentions: 0, cursors: [{ userId: 'alice', delivered: 9, read: 9 }], lastMessage: message(C, 10, 'bob') });
    c.surface(message(C, 11, 'bob', 'new'));
    expect(c.surface(entry(12, 'bob', { type: 'edit', target: 3, text: 'old one edited' }))).toBeNull();
    expect(c.conversations.getState()[C]).toMatchObject({ lastSeq: 12, unread: 2, lastMessage: { seq: 11 } });
    expect(items(c).map((m) => m.seq)).toEqual([11]);
  });

  it('leaves entries out of history pages (they are already applied there) and counts mentions of me', () => {
    const c = setup();
    c.prepend(C, [message(C, 1, 'bob'), entry(2, 'bob', { type: 'edit', target: 1, text: 'x' }), message(C, 3, 'bob')], false);
    expect(items(c).map((m) => m.seq)).toEqual([1, 3]);
    c.surface({ ...message(C, 4, 'bob'), content: { type: 'text', text: '@alice hi', mentions: ['alice'] } });
    c.surface({ ...message(C, 5, 'bob'), content: { type: 'text', text: '@carol hi', mentions: ['carol'] } });
    expect(c.conversations.getState()[C]).toMatchObject({ mentions: 1, unread: 2 });
    c.receipt({ type: 'receipt', conversationId: C, userId: 'alice', delivered: 5, read: 5 });
    expect(c.conversations.getState()[C]).toMatchObject({ mentions: 0, unread: 0 });
  });
});
