import { describe, expect, it } from 'vitest';
import type { ChatClient } from '../../src/index.js';
import { presenceOf } from '../../src/presence/index.js';
import { clientMaker, startServerForSdk, until, usePair, type TestServer, type TestUser, type Rest } from '../support/sdk-server.js';
import { connected } from './helpers.js';

/** `@quickchat/sdk/presence` against the real server: pushed states, hiding, and watching a stranger. */
describe('SDK presence against the real server', () => {
  let t: TestServer;
  let rest: Rest;
  let alice: TestUser;
  let bob: TestUser;
  const clients: ChatClient[] = [];
  const open = clientMaker(clients, () => t);
  usePair(clients, (p) => ({ t, rest, alice, bob } = p), {
    start: () => startServerForSdk({ limits: { messagesPerSecond: 5000, messageBurst: 5000, authAttemptsPerMinute: 1000, presenceBatchMs: 10, presenceGraceMs: 30 } }),
  });

  it("shows a friend online, then offline with last seen; hiding turns them unknown; a stranger's watch says unknown", async () => {
    const a = open(alice);
    const presence = presenceOf(a);
    await connected(a, 'alice');
    const statusOf = (id: string) => presence.stateOf(id).status;
    await until(a, () => statusOf(bob.id) === 'offline', 15_000, 'bob offline in the first frame');

    const b = open(bob);
    await connected(b, 'bob');
    await until(a, () => statusOf(bob.id) === 'online', 15_000, 'bob online');
    const leftAt = Date.now();
    b.disconnect();
    await until(a, () => statusOf(bob.id) === 'offline', 15_000, 'bob offline again');
    expect(presence.stateOf(bob.id).lastSeenAt).toBeGreaterThanOrEqual(leftAt - 1);

    const b2 = open(bob);
    presenceOf(b2);
    await connected(b2, 'bob again');
    await until(a, () => statusOf(bob.id) === 'online', 15_000, 'bob back online');
    await presenceOf(b2).setVisible(false);
    await until(a, () => statusOf(bob.id) === 'unknown', 15_000, 'bob hidden');
    expect(presence.stateOf(bob.id)).toEqual({ userId: bob.id, status: 'unknown' });

    const carol = await rest.register('carol');
    const c = open(carol);
    await connected(c, 'carol');
    const stop = presenceOf(c).watch([alice.id]);
    const told: string[] = [];
    presenceOf(c).on('changed', ({ userId, state }) => told.push(`${userId}:${state.status}`));
    await until(c, () => told.length > 0, 15_000, "carol's watch answered");
    expect(told).toEqual([`${alice.id}:unknown`]);
    stop();
  });
});
