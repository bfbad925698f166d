import { describe, expect, it } from 'vitest';
import { MESSAGE_MODERATION, type GroupRole } from '@quickchat/protocol';
import type { MessageRules } from '../src/store/conversations.js';
import {
  checkDelete, checkEdit, checkMentions, checkReaction, checkReactionLimit, checkTarget, clip, duration, editedContent, mayModerate, quoteOf,
} from '../src/store/rich-rules.js';

/** Rules with a 1-minute edit window and at most two different emoji. */
const rules: MessageRules = { editWindowMs: 60_000, maxReactions: 2, moderation: MESSAGE_MODERATION };
const text = (body: string, extra: object = {}) => JSON.stringify({ type: 'text', text: body, ...extra });
const row = { seq: 3, senderId: 'ann', createdAt: 1_000, target: null, content: text('hi') };

describe('checkTarget', () => {
  it('finds a text message above the floor and before the new seq', () => {
    expect(checkTarget(row, 2, 3, 4)).toEqual({ text: { type: 'text', text: 'hi' } });
  });
  it('refuses a missing message, one at or below the floor, one not before the new seq, and a mutation entry', () => {
    const none = { refused: true, code: 'not_found', reason: 'there is no message 3 in this conversation' };
    expect(checkTarget(undefined, 0, 3, 4)).toEqual(none);
    expect(checkTarget(row, 3, 3, 4)).toEqual(none);
    expect(checkTarget(row, 0, 3, 3)).toEqual(none);
    expect(checkTarget({ ...row, target: 1 }, 0, 3, 4)).toEqual(none);
  });
  it('refuses a deleted message and a notice', () => {
    expect(checkTarget({ ...row, content: JSON.stringify({ type: 'deleted', by: 'ann' }) }, 0, 3, 4)).toMatchObject({ code: 'not_found', reason: 'message 3 was deleted' });
    expect(checkTarget({ ...row, content: JSON.stringify({ type: 'system', event: 'x' }) }, 0, 3, 4)).toMatchObject({ code: 'forbidden', reason: "message 3 is a notice: it can't be edited, deleted, reacted to or replied to" });
  });
});

describe('checkEdit', () => {
  it('allows only the author', () => {
    expect(checkEdit(row, 'bob', 1_000, rules)).toMatchObject({ code: 'forbidden', reason: 'you can edit only your own messages' });
  });
  it('allows an edit exactly at the end of the window, not one ms after', () => {
    expect(checkEdit(row, 'ann', 61_000, rules)).toBeNull();
    expect(checkEdit(row, 'ann', 61_001, rules)).toMatchObject({ code: 'forbidden', reason: 'messages can be edited for 60 s after sending' });
  });
  it('has no window when editWindowMs is null', () => {
    expect(checkEdit(row, 'ann', 1e12, { ...rules, editWindowMs: null })).toBeNull();
  });
});

describe('editedContent', () => {
  it('keeps the reply and files, takes the new text and the edit mentions (or none)', () => {
    const before = { type: 'text' as const, text: 'a', replyTo: 1, mentions: ['bob'] };
    expect(editedContent(before, { text: 'b' })).toEqual({ type: 'text', text: 'b', replyTo: 1 });
    expect(editedContent(before, { text: 'c', mentions: ['cid'] })).toEqual({ type: 'text', text: 'c', replyTo: 1, mentions: ['cid'] });
  });
});

describe('moderation', () => {
  const roles: (GroupRole | undefined)[] = ['owner', 'admin', 'member', undefined];
  it('follows rules.moderation; a non-member moderates nobody; an author who left counts as a member', () => {
    for (const actor of roles) {
      for (const author of roles) {
        const expected = actor !== undefined && MESSAGE_MODERATION[actor].includes(author ?? 'member');
        expect(mayModerate(actor, author, rules), `${actor} over ${author}`).toBe(expected);
      }
    }
    expect(mayModerate('owner', 'admin', rules)).toBe(true);
    expect(mayModerate('member', 'member', rules)).toBe(false);
    expect(mayModerate(null, 'member', rules)).toBe(false);
  });
  it('lets the author delete, others only when they moderate', () => {
    expect(checkDelete('ann', 'ann', false)).toBeNull();
    expect(checkDelete('ann', 'bob', true)).toBeNull();
    expect(checkDelete('ann', 'bob', false)).toMatchObject({ code: 'forbidden', reason: 'you can delete only your own messages (and, as a group owner or admin, those of members you outrank)' });
  });
});

describe('reactions', () => {
  it('refuses reacting twice and taking back a reaction never made', () => {
    expect(checkReaction({ emoji: '👍', active: true }, true)).toMatchObject({ code: 'conflict', reason: 'you already reacted with 👍' });
    expect(checkReaction({ emoji: '👍', active: false }, false)).toMatchObject({ code: 'conflict', reason: 'you have not reacted with 👍' });
    expect(checkReaction({ emoji: '👍', active: true }, false)).toBeNull();
    expect(checkReaction({ emoji: '👍', active: false }, true)).toBeNull();
  });
  it('applies the limit only to a fresh emoji', () => {
    expect(checkReactionLimit('👍', ['👍', '🎉'], rules)).toBeNull();
    expect(checkReactionLimit('❤️', ['👍'], rules)).toBeNull();
    expect(checkReactionLimit('❤️', ['👍', '🎉'], rules)).toMatchObject({ code: 'conflict', reason: 'a message can carry at most 2 different reactions' });
  });
});

describe('checkMentions', () => {
  it('lets the sender mention themselves and refuses the first outsider', () => {
    const members = new Set(['bob']);
    expect(checkMentions(['ann', 'bob'], 'ann', (id) => members.has(id))).toBeNull();
    expect(checkMentions(['bob', 'eve', 'zed'], 'ann', (id) => members.has(id))).toMatchObject({ code: 'validation', reason: 'mentions: eve is not a member of this conversation' });
  });
});

describe('quotes', () => {
  it('quotes text clipped to 200 units, the file count, and deleted messages without text', () => {
    expect(quoteOf({ seq: 3, senderId: 'ann', content: text('x'.repeat(250), { attachments: [{}, {}] }) })).toEqual({ seq: 3, senderId: 'ann', text: 'x'.repeat(200), attachments: 2, deleted: false });
    expect(quoteOf({ seq: 3, senderId: 'ann', content: JSON.stringify({ type: 'deleted', by: 'ann' }) })).toEqual({ seq: 3, senderId: 'ann', text: '', attachments: 0, deleted: true });
  });
  it('never ends a clip in half a surrogate pair', () => {
    expect(clip('ab', 2)).toBe('ab');
    expect(clip('a😀b', 2)).toBe('a');
    expect(clip('a😀b', 3)).toBe('a😀');
    expect(clip('😀😀', 1)).toBe('');
  });
});

describe('duration', () => {
  it('reads as ms, s or min', () => {
    expect(duration(50)).toBe('50 ms');
    expect(duration(1_000)).toBe('1 s');
    expect(duration(119_000)).toBe('119 s');
    expect(duration(120_000)).toBe('2 min');
    expect(duration(900_000)).toBe('15 min');
  });
});
