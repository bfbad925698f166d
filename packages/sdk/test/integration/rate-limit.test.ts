import { setTimeout as pace } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type TestServer, type TestUser, clientFor, startTestServer, until, usePair } from '../support/sdk-server.js';
import { fullJitterBackoff, type ChatClient, type StateChange } from '../../src/index.js';
import { nextSynced, ownItems, range, recordSurfaced, seqTexts, storedRows } from './helpers.js';

/** Gap between live sends after the backlog: a person typing; it paces traffic, it waits for nothing. */
const TYPING_GAP_MS = 100;

/**
 * A backlog bigger than the server's default burst (20/s, burst 40) is flushed after
 * reconnecting: the server refuses part of it (rate_limited, or a 4004 close when it keeps
 * going), and the SDK must neither lose nor reorder anything, including messages typed while
 * it waits for the rate budget.
 */
describe('SDK: outbox backlog against the default rate limit', () => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  const clients: ChatClient[] = [];

  usePair(clients, (p) => ({ t, alice, bob } = p), { start: () => startTestServer({ limits: { authAttemptsPerMinute: 1000 } }) }); // default message limits

  it.each([
    { queued: 60, typed: 20, closes: false },
    { queued: 150, typed: 10, closes: true },
  ])('$queued queued + $typed typed messages arrive once each in creation order', { timeout: 60_000 }, async ({ queued, typed, closes }) => {
    const a = clientFor(t, alice, { reconnectPolicy: fullJitterBackoff({ baseMs: 50, maxMs: 500 }) });
    const b = clientFor(t, bob);
    clients.push(a, b);
    const bLog = recordSurfaced(b);
    const aStates: StateChange[] = [];
    a.on('connectionStateChanged', (change) => aStates.push(change));
    await Promise.all([nextSynced(a), nextSynced(b)]);
    const conv = a.dmWith(bob.id);

    a.disconnect();
    const created: string[] = [];
    for (const i of range(queued)) created.push(a.send(conv, `q${i}`).clientMsgId);
    const synced = nextSynced(a);
    a.connect();
    await synced;
    for (const i of range(typed)) {
      created.push(a.send(conv, `q${queued + i}`).clientMsgId);
      await pace(TYPING_GAP_MS);
    }

    const total = queued + typed;
    await until(b, () => bLog.length >= total, 45_000, `bob surfaced ${total}`);
    await until(a, () => ownItems(a, conv).every((m) => m.state !== 'pending'), 15_000, 'alice all acked');
    expect(seqTexts(bLog, conv)).toEqual(range(total).map((i) => `${i}:q${i}`));
    expect(ownItems(a, conv).map((m) => m.clientMsgId)).toEqual(created);
    expect(storedRows(t.dbFile, conv).map((r) => r.client_msg_id)).toEqual(created);
    // The bigger backlog really hit the server's flood protection (close 4004) and recovered.
    expect(aStates.some((s) => s.closeCode === 4004)).toBe(closes);
  });
});
