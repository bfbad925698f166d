import { afterEach, describe, expect, it } from 'vitest';
import { dmConversationId, type AckFrame, type ErrorFrame, type Message, type MessageFrame } from '@quickchat/protocol';
import { parseServerFrame, ProtocolError } from '@quickchat/protocol/validate';
import { ChatFixture, messageIn, sendContent, sendTo } from './support/messaging.js';
import { sync } from './support/friends.js';
import { waitUntil } from './support/tokens.js';
import type { RawClient } from './support/ws-client.js';
import type { TestUser } from './support/rest.js';

/**
 * Replies, edits, deletes, reactions and mentions in a DM, against the real server: each is an
 * entry of the log with its own seq, its target changes in place in history, and every refusal
 * is a clear error that writes nothing.
 */

let fixture: ChatFixture;
afterEach(async () => fixture?.close());

async function dmPair(overrides = {}) {
  fixture = await ChatFixture.start(overrides);
  const { alice, bob } = await fixture.users(['alice', 'bob'], [['alice', 'bob']]);
  const a = await fixture.connect(alice);
  const b = await fixture.connect(bob);
  return { alice, bob, a, b, dm: dmConversationId(alice.id, bob.id) };
}

function acked(reply: AckFrame | ErrorFrame): AckFrame {
  if (reply.type !== 'ack') throw new Error(`expected an ack, got ${JSON.stringify(reply)}`);
  return reply;
}

function refused(reply: AckFrame | ErrorFrame): Pick<ErrorFrame, 'code' | 'message'> {
  if (reply.type !== 'error') throw new Error(`expected an error, got ${JSON.stringify(reply)}`);
  return { code: reply.code, message: reply.message };
}

async function history(user: TestUser, conversationId: string): Promise<Message[]> {
  const res = await fixture.rest.call<{ messages: Message[] }>('GET', `/api/conversations/${encodeURIComponent(conversationId)}/messages`, { token: user.token });
  expect(res.status).toBe(200);
  return res.body.messages;
}

/** The `message` frame of `seq` once it reached `c`, checked against the protocol schema. */
async function frameOf(c: RawClient, conversationId: string, seq: number): Promise<Message> {
  const f = await c.next<MessageFrame>((x) => messageIn(conversationId)(x) && x.message.seq === seq);
  const parsed = parseServerFrame(JSON.stringify(f));
  expect(parsed).not.toBeInstanceOf(ProtocolError);
  return f.message;
}

describe('message mutations in a DM', () => {
  it('a reply carries the quote; an edit is its own entry and changes the text in place, marked edited', async () => {
    const { alice, bob, a, b, dm } = await dmPair();
    const first = acked(await sendTo(a, dm, 'lunch at noon?'));
    const reply = acked(await sendContent(b, dm, { type: 'text', text: 'yes! ✅', replyTo: first.seq }));
    const live = await frameOf(a, dm, reply.seq);
    expect(live.quote).toEqual({ seq: first.seq, senderId: alice.id, text: 'lunch at noon?', attachments: 0, deleted: false });

    const edit = acked(await sendContent(a, dm, { type: 'edit', target: first.seq, text: 'lunch at one?' }));
    expect(edit.seq).toBe(reply.seq + 1);
    expect((await frameOf(b, dm, edit.seq)).content).toEqual({ type: 'edit', target: first.seq, text: 'lunch at one?' });

    const page = await history(bob, dm);
    expect(page.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(page[0]).toMatchObject({ content: { type: 'text', text: 'lunch at one?' }, editedAt: expect.any(Number), updatedSeq: edit.seq });
    // The quote is read as the message is now.
    expect(page[1]!.quote).toMatchObject({ text: 'lunch at one?', deleted: false });
  });

  it('only the author edits; a notice, a mutation entry, a missing or a future seq cannot be a target', async () => {
    const { a, b, dm } = await dmPair();
    const first = acked(await sendTo(a, dm, 'mine'));
    expect(refused(await sendContent(b, dm, { type: 'edit', target: first.seq, text: 'hijack' }))).toEqual({ code: 'forbidden', message: 'you can edit only your own messages' });
    const edit = acked(await sendContent(a, dm, { type: 'edit', target: first.seq, text: 'mine, edited' }));
    expect(refused(await sendContent(a, dm, { type: 'edit', target: edit.seq, text: 'x' }))).toMatchObject({ code: 'not_found' });
    expect(refused(await sendContent(a, dm, { type: 'edit', target: 99, text: 'x' }))).toMatchObject({ code: 'not_found', message: 'there is no message 99 in this conversation' });
    expect(refused(await sendContent(a, dm, { type: 'text', text: 'x', replyTo: 50 }))).toMatchObject({ code: 'not_found' });
    // Nothing was stored by the refusals: the next message follows the edit.
    expect(acked(await sendTo(a, dm, 'next')).seq).toBe(edit.seq + 1);
  });

  it('a delete leaves a tombstone; later edits, reactions and replies to it are refused; quotes of it say deleted', async () => {
    const { alice, bob, a, b, dm } = await dmPair();
    const first = acked(await sendTo(a, dm, 'oops, wrong chat'));
    const reply = acked(await sendContent(b, dm, { type: 'text', text: 'what?', replyTo: first.seq }));
    expect(refused(await sendContent(b, dm, { type: 'delete', target: first.seq }))).toMatchObject({ code: 'forbidden' });
    const del = acked(await sendContent(a, dm, { type: 'delete', target: first.seq }));
    expect((await frameOf(b, dm, del.seq)).content).toEqual({ type: 'delete', target: first.seq });

    const page = await history(bob, dm);
    expect(page[0]).toMatchObject({ content: { type: 'deleted', by: alice.id }, updatedSeq: del.seq });
    expect(page[0]!.editedAt).toBeUndefined();
    expect(page.find((m) => m.seq === reply.seq)!.quote).toEqual({ seq: first.seq, senderId: alice.id, text: '', attachments: 0, deleted: true });
    expect(refused(await sendContent(a, dm, { type: 'edit', target: first.seq, text: 'back' }))).toEqual({ code: 'not_found', message: 'message 1 was deleted' });
    expect(refused(await sendContent(b, dm, { type: 'reaction', target: first.seq, emoji: '👍', active: true }))).toMatchObject({ code: 'not_found' });
    expect(refused(await sendContent(b, dm, { type: 'text', text: 'x', replyTo: first.seq }))).toMatchObject({ code: 'not_found' });
    void bob;
  });

  it('reactions: one per user and emoji, counted per viewer with "mine", taken back, capped per message', async () => {
    const { alice, bob, a, b, dm } = await dmPair({ limits: { maxReactionsPerMessage: 2 } });
    const first = acked(await sendTo(a, dm, 'party tonight 🎉'));
    const react = (c: RawClient, emoji: string, active = true) => sendContent(c, dm, { type: 'reaction', target: first.seq, emoji, active });
    acked(await react(a, '👍🏽'));
    acked(await react(b, '👍🏽'));
    acked(await react(b, '❤️'));
    expect(refused(await react(b, '👍🏽'))).toEqual({ code: 'conflict', message: 'you already reacted with 👍🏽' });
    expect(refused(await react(a, '🔥'))).toEqual({ code: 'conflict', message: 'a message can carry at most 2 different reactions' });
    expect(refused(await react(a, '❤️', false))).toMatchObject({ code: 'conflict' });

    expect((await history(alice, dm))[0]!.reactions).toEqual([
      { emoji: '👍🏽', count: 2, mine: true },
      { emoji: '❤️', count: 1, mine: false },
    ]);
    expect((await history(bob, dm))[0]!.reactions).toEqual([
      { emoji: '👍🏽', count: 2, mine: true },
      { emoji: '❤️', count: 1, mine: true },
    ]);
    acked(await react(b, '❤️', false));
    // The cap counts emoji now on the message: one is free again.
    acked(await react(a, '🔥'));
    expect((await history(bob, dm))[0]!.reactions).toEqual([
      { emoji: '👍🏽', count: 2, mine: true },
      { emoji: '🔥', count: 1, mine: false },
    ]);
  });

  it('refuses reactions that are not exactly one emoji, as validation errors', async () => {
    const { a, dm } = await dmPair();
    const first = acked(await sendTo(a, dm, 'hi'));
    for (const emoji of ['👍👍', 'ok', '1', '', '👍 ', '<img src=x>', '\u200d']) {
      expect(refused(await sendContent(a, dm, { type: 'reaction', target: first.seq, emoji, active: true })).code, JSON.stringify(emoji)).toBe('validation');
    }
  });

  it('unread counts and the last message leave mutation entries out', async () => {
    const { alice, bob, a, b, dm } = await dmPair();
    const first = acked(await sendTo(a, dm, 'one'));
    acked(await sendTo(a, dm, 'two'));
    acked(await sendContent(b, dm, { type: 'reaction', target: first.seq, emoji: '😂', active: true }));
    acked(await sendContent(a, dm, { type: 'edit', target: first.seq, text: 'one!' }));
    const list = async (user: TestUser) => (await fixture.rest.call('GET', '/api/conversations', { token: user.token })).body.items[0];
    // Bob: two messages from Alice; her edit is not one more. Alice: Bob's reaction is not unread.
    expect(await list(bob)).toMatchObject({ lastSeq: 4, unread: 2, lastMessage: { seq: 2, content: { text: 'two' } } });
    expect(await list(alice)).toMatchObject({ lastSeq: 4, unread: 0 });
    const state = (await sync(b, { cursors: {} })).conversations[0]!;
    expect(state).toMatchObject({ unread: 2, mentions: 0 });
    void alice;
  });

  it('a device that was offline gets each mutation exactly once, in order, and applies them to what it holds', async () => {
    const { alice, bob, a, b, dm } = await dmPair();
    const first = acked(await sendTo(a, dm, 'draft'));
    const held = (await sync(b, { cursors: {} })).conversations[0]!;
    expect(held.lastSeq).toBe(1);
    await b.close();
    acked(await sendContent(a, dm, { type: 'edit', target: first.seq, text: 'final' }));
    acked(await sendTo(a, dm, 'and more'));
    acked(await sendContent(a, dm, { type: 'reaction', target: first.seq, emoji: '✅', active: true }));

    const again = await fixture.connect(bob);
    const caught = (await sync(again, { cursors: { [dm]: 1 } })).conversations[0]!;
    expect(caught.messages.map((m) => [m.seq, m.content.type])).toEqual([
      [2, 'edit'],
      [3, 'text'],
      [4, 'reaction'],
    ]);
    // Synced again from where it now is: nothing is repeated.
    expect((await sync(again, { cursors: { [dm]: 4 } })).conversations[0]!.messages).toEqual([]);
    // Applied to the message it held, the entries give the message as history has it now.
    const [now] = await history(bob, dm);
    expect(now).toMatchObject({ content: { text: 'final' }, updatedSeq: 4, reactions: [{ emoji: '✅', count: 1, mine: false }] });
    void alice;
  });

  it('a resent mutation (same clientMsgId) is acked as a duplicate, never applied twice', async () => {
    const { bob, a, b, dm } = await dmPair();
    const first = acked(await sendTo(a, dm, 'hi'));
    const reaction = { type: 'reaction', target: first.seq, emoji: '🎉', active: true };
    const once = acked(await sendContent(b, dm, reaction, 'react-1'));
    const twice = acked(await sendContent(b, dm, reaction, 'react-1'));
    expect(twice).toMatchObject({ seq: once.seq, duplicate: true });
    const page = await history(bob, dm);
    expect(page.map((m) => m.seq)).toEqual([1, 2]);
    expect(page[0]!.reactions).toEqual([{ emoji: '🎉', count: 1, mine: true }]);
  });

  it('enforces the configured edit window, announced in ready', async () => {
    const { a, dm } = await dmPair({ limits: { editWindowMs: 50 } });
    expect(a.frames.find((f) => f.type === 'ready')).toMatchObject({ limits: { messages: { editWindowMs: 50 } } });
    const sent = acked(await sendTo(a, dm, 'quick fix allowed'));
    acked(await sendContent(a, dm, { type: 'edit', target: sent.seq, text: 'fixed in time' }));
    // Wait for the clock, not for luck: the window has passed once now is beyond it.
    await waitUntil(() => Date.now() > sent.createdAt + 60, 5_000, 'the edit window to pass');
    expect(refused(await sendContent(a, dm, { type: 'edit', target: sent.seq, text: 'too late' }))).toEqual({ code: 'forbidden', message: 'messages can be edited for 50 ms after sending' });
  });
});
