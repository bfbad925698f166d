import { afterEach, describe, expect, it } from 'vitest';
import { dmConversationId, type AckFrame, type ErrorFrame } from '@quickchat/protocol';
import { ChatFixture, openReader, tableCounts, textFrame } from './support/messaging.js';

// Conversations are created explicitly by the conversation-access seam when a permitted message
// is first sent, never as a side effect of anything else.

describe('conversation access', () => {
  let f: ChatFixture;
  afterEach(() => f.close());

  const membersOf = (dbFile: string, id: string): string[] => {
    const db = openReader(dbFile);
    try {
      return db.prepare<[string], string>('SELECT user_id FROM conversation_members WHERE conversation_id = ? ORDER BY user_id').pluck().all(id);
    } finally {
      db.close();
    }
  };

  it('typing, reading an empty history and refused sends create nothing; the first accepted send creates the DM with its two members', async () => {
    f = await ChatFixture.start();
    const { alice, bob, carol } = await f.users(['alice', 'bob', 'carol'], [['alice', 'bob']]);
    const ab = dmConversationId(alice.id, bob.id);
    const ac = dmConversationId(alice.id, carol.id);
    const a = await f.connect(alice);

    a.send({ type: 'typing', conversationId: ab, active: true });
    expect((await f.rest.call('GET', `/api/conversations/${ab}/messages`, { token: alice.token })).body).toEqual({ messages: [], hasMore: false });
    a.send(textFrame(ac, 'not-friends', 'hi carol', 'refused')); // not friends: refused
    expect(await a.next<ErrorFrame>((fr) => fr.type === 'error' && fr.id === 'refused')).toMatchObject({ code: 'not_found' });
    a.send(textFrame(ab, 'too-long', 'x'.repeat(16_001), 'invalid'));
    expect(await a.next<ErrorFrame>((fr) => fr.type === 'error' && fr.id === 'invalid')).toMatchObject({ code: 'validation' });
    await a.roundTrip();
    expect(tableCounts(f.t.dbFile)).toMatchObject({ conversations: 0, conversation_members: 0, messages: 0 });

    a.send(textFrame(ab, 'first', 'hello bob', 'ok'));
    expect(await a.next<AckFrame>((fr) => fr.type === 'ack')).toMatchObject({ id: 'ok', seq: 1 });
    expect(tableCounts(f.t.dbFile)).toMatchObject({ conversations: 1, conversation_members: 2, messages: 1 });
    expect(membersOf(f.t.dbFile, ab)).toEqual([alice.id, bob.id].sort());
  });

  it('a DM between users who are no longer friends stays readable by its members and by no one else', async () => {
    f = await ChatFixture.start();
    const { alice, bob, carol } = await f.users(['alice', 'bob', 'carol'], [['alice', 'bob']]);
    const ab = dmConversationId(alice.id, bob.id);
    const a = await f.connect(alice);
    a.send(textFrame(ab, 'first', 'before the block'));
    await a.next((fr) => fr.type === 'ack');
    expect((await f.rest.call('PUT', `/api/blocks/${alice.id}`, { token: bob.token })).status).toBe(204);

    for (const reader of [alice, bob]) {
      const page = await f.rest.call('GET', `/api/conversations/${ab}/messages`, { token: reader.token });
      expect(page.body.messages.map((m: { content: { text: string } }) => m.content.text)).toEqual(['before the block']);
    }
    const stranger = await f.rest.call('GET', `/api/conversations/${ab}/messages`, { token: carol.token });
    expect({ status: stranger.status, code: stranger.body.error.code }).toEqual({ status: 404, code: 'not_found' });
  });
});
