import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { dmConversationId, type AckFrame, type MessageFrame } from '@quickchat/protocol';
import { startTestServer, type TestServer } from './support/server.js';
import { Rest, type TestUser } from './support/rest.js';
import { RawClient } from './support/ws-client.js';

describe('1:1 messaging', () => {
  let t: TestServer;
  let rest: Rest;
  let alice: TestUser;
  let bob: TestUser;
  let conv: string;
  const clients: RawClient[] = [];
  const connect = async (u: TestUser) => {
    const c = await RawClient.connect(t.wsUrl, u.token);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    t = await startTestServer();
    rest = new Rest(t.url);
    alice = await rest.register('alice');
    bob = await rest.register('bob');
    await rest.befriend(alice, bob);
    conv = dmConversationId(alice.id, bob.id);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await t.stop();
  });

  it('acks after commit with seq 1..N and delivers to every session of both users', async () => {
    const a1 = await connect(alice);
    const a2 = await connect(alice);
    const b1 = await connect(bob);
    const b2 = await connect(bob);
    for (let i = 1; i <= 5; i++) {
      a1.send({ type: 'send', id: i, conversationId: conv, clientMsgId: `c${i}`, content: { type: 'text', text: `hello ${i}` }, senderId: bob.id, seq: 99 });
    }
    const acks = (await a1.waitForCount((f) => f.type === 'ack', 5)) as AckFrame[];
    expect(acks.map((a) => a.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(acks.every((a) => !a.duplicate)).toBe(true);
    // Ack means stored: a separate reader on the same file sees every acked message.
    const db = new Database(t.dbFile, { readonly: true });
    const rows = db.prepare('SELECT seq, sender_id FROM messages WHERE conversation_id = ? ORDER BY seq').all(conv) as { seq: number; sender_id: string }[];
    db.close();
    expect(rows).toEqual([1, 2, 3, 4, 5].map((seq) => ({ seq, sender_id: alice.id })));
    for (const c of [a1, a2, b1, b2]) {
      const msgs = (await c.waitForCount((f) => f.type === 'message', 5)) as MessageFrame[];
      expect(msgs.map((m) => [m.message.seq, m.message.content, m.message.senderId])).toEqual(
        [1, 2, 3, 4, 5].map((i) => [i, { type: 'text', text: `hello ${i}` }, alice.id]),
      );
    }
  });

  it('a resent clientMsgId returns the original and stores nothing new', async () => {
    const a = await connect(alice);
    a.send({ type: 'send', id: 1, conversationId: conv, clientMsgId: 'same', content: { type: 'text', text: 'once' } });
    const first = await a.next<AckFrame>((f) => f.type === 'ack');
    a.send({ type: 'send', id: 2, conversationId: conv, clientMsgId: 'same', content: { type: 'text', text: 'twice?' } });
    const second = await a.next<AckFrame>((f) => f.type === 'ack');
    expect(second).toMatchObject({ id: 2, duplicate: true, seq: first.seq, messageId: first.messageId });
    const history = await rest.call('GET', `/api/conversations/${conv}/messages`, { token: bob.token });
    expect(history.body.messages.map((m: { content: { text: string } }) => m.content.text)).toEqual(['once']);
  });
});
