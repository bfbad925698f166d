import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientFor, Rest, startServerForSdk, until, type TestServer, type TestUser } from '../support/sdk-server.js';
import type { ChatClient, LocalMessage } from '../../src/index.js';

describe('SDK against the real server', () => {
  let t: TestServer;
  let rest: Rest;
  let alice: TestUser;
  let bob: TestUser;
  const clients: ChatClient[] = [];
  const open = (u: TestUser) => {
    const c = clientFor(t, u);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    t = await startServerForSdk();
    rest = new Rest(t.url);
    alice = await rest.register('alice');
    bob = await rest.register('bob');
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await t.stop();
  });

  it('two users befriend each other and chat', async () => {
    const a = open(alice);
    const b = open(bob);
    await until(a, () => a.connectionState === 'connected', 15_000, 'alice connected');
    await until(b, () => b.connectionState === 'connected', 15_000, 'bob connected');
    await a.friends.request(bob.id, 'hi bob');
    await until(b, () => b.friends.store.getState().incoming.some((e) => e.user.id === alice.id), 15_000, 'bob sees request');
    await b.friends.accept(alice.id);
    await until(a, () => a.friends.store.getState().friends.some((e) => e.user.id === bob.id && e.status === 'friends'), 15_000, 'alice sees friend');

    const received: LocalMessage[] = [];
    b.on('message', ({ message }) => received.push(message));
    const conv = a.dmWith(bob.id);
    const sent = a.send(conv, 'hello bob');
    expect(sent.state).toBe('pending');
    await until(b, () => received.length === 1, 15_000, 'bob receives');
    expect(received[0]).toMatchObject({ senderId: alice.id, seq: 1, content: { type: 'text', text: 'hello bob' } });
    await until(a, () => a.messages.getState()[conv]?.items[0]?.state === 'delivered' || a.messages.getState()[conv]?.items[0]?.state === 'read', 15_000, 'delivered tick');
    b.markRead(conv);
    await until(a, () => a.messages.getState()[conv]?.items[0]?.state === 'read', 15_000, 'read tick');
    expect(a.messages.getState()[conv]?.items.map((m) => m.seq)).toEqual([1]);
  });
});
