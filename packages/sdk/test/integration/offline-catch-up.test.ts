import { describe, expect, it } from 'vitest';
import { type TestServer, type TestUser, clientFor, until, usePair } from '../support/sdk-server.js';
import { MemoryStorage, type ChatClient } from '../../src/index.js';
import { nextSynced, ownItems, range, recordSurfaced, seqTexts } from './helpers.js';

const BURST = 1000;

/**
 * A user offline for a long burst gets everything on reconnect: the first `synced` page
 * (100 per conversation) is `limited`, and the SDK backfills the rest over REST before
 * announcing `synced`, surfacing each message once, in seq order.
 */
describe('SDK: offline for a long burst', () => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  const clients: ChatClient[] = [];
  const track = (c: ChatClient) => (clients.push(c), c);

  usePair(clients, (p) => ({ t, alice, bob } = p));

  /** Alice sends the burst and waits until the server stored all of it. */
  async function burst(a: ChatClient, conv: string): Promise<void> {
    for (const i of range(BURST)) a.send(conv, `burst ${i}`);
    await until(a, () => ownItems(a, conv).length === BURST + 1 && ownItems(a, conv).every((m) => m.state !== 'pending'), 30_000, 'burst stored');
  }

  function expectCaughtUp(log: ReturnType<typeof recordSurfaced>, conv: string): void {
    expect(seqTexts(log, conv)).toEqual(['1:before', ...range(BURST).map((i) => `${i + 1}:burst ${i}`)]);
  }

  it('disconnect(), 1000 messages, connect(): all surface once in seq order via sync + REST backfill', async () => {
    const a = track(clientFor(t, alice));
    const b = track(clientFor(t, bob));
    const bLog = recordSurfaced(b);
    await Promise.all([nextSynced(a), nextSynced(b)]);
    const conv = a.dmWith(bob.id);
    a.send(conv, 'before');
    await until(b, () => bLog.length === 1, 15_000, 'bob got the first message');

    b.disconnect();
    expect(b.connectionState).toBe('disconnected');
    await burst(a, conv);
    expect(bLog).toHaveLength(1);

    const synced = nextSynced(b);
    b.connect();
    const report = await synced;
    // 100 came inline with `synced` (limited), the other 900 over REST, all before `synced` fired.
    expect(report.backfilled).toBe(BURST - 100);
    expectCaughtUp(bLog, conv);
    expect(b.messages.getState()[conv]?.items.map((m) => m.seq)).toEqual(range(BURST + 1));
    expect(b.conversations.getState()[conv]).toMatchObject({ lastSeq: BURST + 1, unread: BURST + 1, lastMessage: { seq: BURST + 1 } });

    // Live delivery continues after the catch-up, without repeats.
    a.send(conv, 'after');
    await until(b, () => bLog.length === BURST + 2, 15_000, 'live message after catch-up');
    expect(bLog.at(-1)).toMatchObject({ seq: BURST + 2, content: { text: 'after' } });
    expect(new Set(bLog.map((m) => m.seq)).size).toBe(BURST + 2);
  });

  it('client closed, 1000 messages, a new client on the same storage: all surface once in seq order', async () => {
    const storage = new MemoryStorage();
    const a = track(clientFor(t, alice));
    const b = track(clientFor(t, bob, { storage }));
    const bLog = recordSurfaced(b);
    await Promise.all([nextSynced(a), nextSynced(b)]);
    const conv = a.dmWith(bob.id);
    a.send(conv, 'before');
    await until(b, () => bLog.length === 1, 15_000, 'bob got the first message');
    b.close();

    await burst(a, conv);

    // A page reload: a new client resumes from the cursors persisted in the storage adapter.
    const reloaded = track(clientFor(t, bob, { storage, autoConnect: false }));
    const reloadedLog = recordSurfaced(reloaded);
    const synced = nextSynced(reloaded);
    reloaded.connect();
    const report = await synced;
    expect(report.backfilled).toBe(BURST - 100);
    expect(seqTexts(reloadedLog, conv)).toEqual(range(BURST).map((i) => `${i + 1}:burst ${i}`));
    expect(bLog).toHaveLength(1);
    expect(reloaded.conversations.getState()[conv]).toMatchObject({ lastSeq: BURST + 1, unread: BURST + 1 });
  });
});
