import { describe, expect, it } from 'vitest';
import { type TestServer, type TestUser, clientFor, until, usePair } from '../support/sdk-server.js';
import type { ChatClient } from '../../src/index.js';

describe('paging back through history', () => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  const clients: ChatClient[] = [];

  usePair(clients, (p) => ({ t, alice, bob } = p));

  it('a fresh device sees summaries, then loadOlder pages back in seq order without re-announcing messages', async () => {
    const a = clientFor(t, alice);
    clients.push(a);
    await until(a, () => a.connectionState === 'connected', 15_000, 'alice connected');
    const conv = a.dmWith(bob.id);
    for (let i = 1; i <= 120; i++) a.send(conv, `m${i}`);
    await until(a, () => (a.messages.getState()[conv]?.items ?? []).filter((m) => m.state !== 'pending').length === 120, 20_000, 'all stored');

    const b = clientFor(t, bob);
    clients.push(b);
    const announced: number[] = [];
    b.on('message', ({ message }) => announced.push(message.seq ?? -1));
    await new Promise<void>((resolve) => {
      const off = b.on('synced', () => (off(), resolve()));
    });
    // First sync: the conversation list knows the conversation, but no history is loaded.
    expect(b.conversations.getState()[conv]).toMatchObject({ lastSeq: 120, unread: 120, peerId: alice.id });
    expect(b.conversations.getState()[conv]?.lastMessage?.content).toEqual({ type: 'text', text: 'm120' });
    expect(b.messages.getState()[conv]?.items ?? []).toEqual([]);

    expect(await b.loadOlder(conv, 50)).toBe(true);
    expect(b.messages.getState()[conv]?.items.map((m) => m.seq)).toEqual(range(71, 120));
    expect(await b.loadOlder(conv, 50)).toBe(true);
    expect(await b.loadOlder(conv, 50)).toBe(false);
    const items = b.messages.getState()[conv]?.items ?? [];
    expect(items.map((m) => m.seq)).toEqual(range(1, 120));
    expect(items.map((m) => m.content)).toEqual(range(1, 120).map((i) => ({ type: 'text', text: `m${i}` })));
    expect(b.messages.getState()[conv]?.hasMoreBefore).toBe(false);
    expect(announced).toEqual([]);

    // New messages after the history still surface once, after it.
    a.send(conv, 'live');
    await until(b, () => announced.length === 1, 15_000, 'live message');
    expect(announced).toEqual([121]);
    expect(b.messages.getState()[conv]?.items.at(-1)?.content).toEqual({ type: 'text', text: 'live' });
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
