/**
 * Rich messages end to end, SDK against the real server: replies with quotes, edits, deletes and
 * reactions applied in place on every client (live, and on a client that was offline, exactly
 * once), mentions counted per conversation, refusals as rejected promises, and search.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { messagesOf, findMentions } from '../../src/messages/index.js';
import type { ChatClient, LocalMessage } from '../../src/index.js';
import { type TestServer, type TestUser, clientFor, until, usePair } from '../support/sdk-server.js';
import { recordSurfaced } from './helpers.js';

describe('rich messages through the SDK', () => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  const clients: ChatClient[] = [];
  usePair(clients, (p) => ({ t, alice, bob } = p));
  const connect = (user: TestUser) => {
    const c = clientFor(t, user);
    clients.push(c);
    return c;
  };
  const online = (c: ChatClient, what: string) => until(c, () => c.connectionState === 'connected', 15_000, what);
  const at = (c: ChatClient, id: string, seq: number): LocalMessage | undefined => c.messages.getState()[id]?.items.find((m) => m.seq === seq);

  it('replies, edits, reactions and deletes show in place on both sides, as events and in the stores', async () => {
    const a = connect(alice);
    const b = connect(bob);
    await Promise.all([online(a, 'alice'), online(b, 'bob')]);
    const dm = a.dmWith(bob.id);
    const bobUpdates: LocalMessage[] = [];
    b.on('messageUpdated', ({ message }) => bobUpdates.push(message));
    const bobSurfaced = recordSurfaced(b);

    a.send(dm, 'are we still on for friday?');
    await until(b, () => at(b, dm, 1) !== undefined, 15_000, 'bob has message 1');
    messagesOf(b).reply(dm, 1, 'yes 🎉');
    await until(a, () => at(a, dm, 2)?.quote !== undefined, 15_000, 'alice has the reply');
    expect(at(a, dm, 2)).toMatchObject({ content: { type: 'text', text: 'yes 🎉', replyTo: 1 }, quote: { seq: 1, text: 'are we still on for friday?', deleted: false } });

    await messagesOf(a).edit(dm, 1, 'are we still on for saturday?');
    await until(b, () => at(b, dm, 1)?.editedAt !== undefined, 15_000, 'bob sees the edit');
    expect(at(b, dm, 1)).toMatchObject({ content: { text: 'are we still on for saturday?' }, updatedSeq: 3 });

    await messagesOf(b).react(dm, 1, '👍');
    await messagesOf(a).toggleReaction(dm, 1, '👍');
    await until(a, () => at(a, dm, 1)?.reactions?.[0]?.count === 2, 15_000, 'alice sees two 👍');
    expect(at(a, dm, 1)!.reactions).toEqual([{ emoji: '👍', count: 2, mine: true }]);
    await until(b, () => at(b, dm, 1)?.reactions?.[0]?.count === 2, 15_000, 'bob sees two 👍');
    expect(at(b, dm, 1)!.reactions).toEqual([{ emoji: '👍', count: 2, mine: true }]);
    await messagesOf(a).toggleReaction(dm, 1, '👍');
    await until(b, () => at(b, dm, 1)?.reactions?.[0]?.count === 1, 15_000, 'alice took hers back');
    expect(at(a, dm, 1)!.reactions).toEqual([{ emoji: '👍', count: 1, mine: false }]);

    await messagesOf(a).delete(dm, 1);
    await until(b, () => at(b, dm, 1)?.content.type === 'deleted', 15_000, 'bob sees the tombstone');
    expect(at(b, dm, 1)).toMatchObject({ content: { type: 'deleted', by: alice.id }, reactions: undefined });
    expect(at(b, dm, 2)!.quote).toMatchObject({ deleted: true, text: '' });

    // Mutations never became messages of their own; bob was told about each change of message 1.
    expect(b.messages.getState()[dm]!.items.map((m) => m.seq)).toEqual([1, 2]);
    expect(bobSurfaced.map((m) => m.seq)).toEqual([1, 2]);
    expect(bobUpdates.filter((m) => m.seq === 1).map((m) => m.updatedSeq)).toEqual([3, 4, 5, 6, 7]);
    expect(b.conversations.getState()[dm]).toMatchObject({ lastSeq: 7, lastMessage: { seq: 2 } });
  });

  it('a refused change rejects with the server’s code; nothing changes', async () => {
    const a = connect(alice);
    const b = connect(bob);
    await Promise.all([online(a, 'alice'), online(b, 'bob')]);
    const dm = a.dmWith(bob.id);
    a.send(dm, 'mine');
    await until(b, () => at(b, dm, 1) !== undefined, 15_000, 'bob has it');
    await expect(messagesOf(b).edit(dm, 1, 'hijacked')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(messagesOf(b).react(dm, 1, 'not an emoji')).rejects.toMatchObject({ code: 'validation' });
    await expect(messagesOf(b).react(dm, 9, '👍')).rejects.toMatchObject({ code: 'not_found' });
    expect(at(b, dm, 1)).toMatchObject({ content: { text: 'mine' } });
    expect(at(b, dm, 1)!.updatedSeq).toBeUndefined();
  });

  it('a client that was offline applies every change exactly once when it catches up', async () => {
    const a = connect(alice);
    const b = connect(bob);
    await Promise.all([online(a, 'alice'), online(b, 'bob')]);
    const dm = a.dmWith(bob.id);
    a.send(dm, 'v1');
    a.send(dm, 'other');
    await until(b, () => at(b, dm, 2) !== undefined, 15_000, 'bob has both');
    b.disconnect();
    await messagesOf(a).edit(dm, 1, 'v2');
    await messagesOf(a).react(dm, 1, '🔥');
    await messagesOf(a).react(dm, 2, '🔥');
    await messagesOf(a).react(dm, 2, '🔥', false);
    await messagesOf(a).edit(dm, 1, 'v3');
    const updates: LocalMessage[] = [];
    b.on('messageUpdated', ({ message }) => updates.push(message));
    b.connect();
    await until(b, () => at(b, dm, 1)?.updatedSeq === 7, 15_000, 'bob caught up');
    expect(at(b, dm, 1)).toMatchObject({ content: { text: 'v3' }, reactions: [{ emoji: '🔥', count: 1, mine: false }] });
    expect(at(b, dm, 2)!.reactions).toEqual([]);
    expect(updates.map((m) => [m.seq, m.updatedSeq])).toEqual([[1, 3], [1, 4], [2, 5], [2, 6], [1, 7]]);
    expect(b.conversations.getState()[dm]!.unread).toBe(2);
  });

  it('counts mentions of you per conversation, and clears them when you read', async () => {
    const a = connect(alice);
    const b = connect(bob);
    await Promise.all([online(a, 'alice'), online(b, 'bob')]);
    const dm = a.dmWith(bob.id);
    const text = 'hey @BOB, look';
    const mentions = findMentions(text, [{ id: bob.id, handle: 'bob' }, { id: alice.id, handle: 'alice' }]);
    expect(mentions).toEqual([bob.id]);
    messagesOf(a).send(dm, { text, mentions });
    await until(b, () => b.conversations.getState()[dm]?.mentions === 1, 15_000, 'bob has a mention');
    b.markRead(dm);
    await until(b, () => b.conversations.getState()[dm]?.mentions === 0, 15_000, 'read clears it');
    const c2 = connect(bob);
    await until(c2, () => c2.conversations.getState()[dm]?.lastSeq === 1, 15_000, 'second device synced');
    expect(c2.conversations.getState()[dm]).toMatchObject({ mentions: 0, unread: 0 });
  });

  it('searches your conversations, with snippets and highlights', async () => {
    const a = connect(alice);
    await online(a, 'alice');
    const dm = a.dmWith(bob.id);
    a.send(dm, 'the quarterly report is ready');
    a.send(dm, '季度报告已经准备好了');
    await until(a, () => a.messages.getState()[dm]?.items.filter((m) => m.seq !== null).length === 2, 15_000, 'both stored');
    const en = await messagesOf(a).search('report');
    expect(en.items.map((i) => [i.conversationId, i.seq])).toEqual([[dm, 1]]);
    const [hit] = en.items;
    expect(hit!.highlights.map(([s, e]) => hit!.snippet.slice(s, e))).toEqual(['report']);
    expect((await messagesOf(a).search('报告', { conversationId: dm })).items.map((i) => i.seq)).toEqual([2]);
  });

  it('uploads a file with progress, sends it, and gets a short-lived link; a cancelled upload rejects and stores nothing', async () => {
    const a = connect(alice);
    const b = connect(bob);
    await Promise.all([online(a, 'alice'), online(b, 'bob')]);
    const dm = a.dmWith(bob.id);
    const bytes = new TextEncoder().encode('%PDF-1.4\n' + 'x'.repeat(50_000) + '\n%%EOF\n');
    const progress: number[] = [];
    const { done } = messagesOf(a).upload(dm, bytes, 'notes.pdf', { onProgress: ({ loaded }) => progress.push(loaded) });
    const { attachment } = await done;
    expect(attachment).toMatchObject({ name: 'notes.pdf', mime: 'application/pdf', size: bytes.byteLength });
    expect(progress.at(-1)).toBe(bytes.byteLength);
    messagesOf(a).send(dm, { text: 'the notes', attachments: [attachment.id] });
    await until(b, () => at(b, dm, 1) !== undefined, 15_000, 'bob has the file message');
    const content = at(b, dm, 1)!.content;
    expect(content.type === 'text' && content.attachments).toEqual([attachment]);
    const url = await messagesOf(b).fileUrl(attachment.id);
    expect(await messagesOf(b).fileUrl(attachment.id)).toBe(url);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from(bytes));

    const big = new Uint8Array(8 * 1024 * 1024);
    big.set(new TextEncoder().encode('%PDF-1.4\n'));
    const cancelled = messagesOf(a).upload(dm, big, 'big.pdf');
    cancelled.cancel();
    await expect(cancelled.done).rejects.toMatchObject({ code: 'cancelled' });
    const db = new Database(t.dbFile, { readonly: true });
    expect(db.prepare("SELECT COUNT(*) FROM attachments WHERE name = 'big.pdf'").pluck().get()).toBe(0);
    db.close();
    await expect(messagesOf(a).upload(dm, new Uint8Array(0), 'empty.pdf').done).rejects.toMatchObject({ code: 'validation' });
  });
});
