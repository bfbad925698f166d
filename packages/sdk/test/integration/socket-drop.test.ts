import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type TestServer, type TestUser, clientFor, until, usePair } from '../support/sdk-server.js';
import { fullJitterBackoff, type ChatClient, type StateChange } from '../../src/index.js';
import { connected, nextSynced, ownItems, range, recordSurfaced, sentClientMsgIds, seqTexts, storedRows, trackedWebSocket } from './helpers.js';

const TOTAL = 200;

/**
 * The sender's TCP connection dies without a close frame in the middle of a burst: whatever
 * was in flight (sent but not acked, or never sent) is resent from the outbox after the SDK
 * reconnects, and the server's idempotency keeps every message stored exactly once.
 */
describe('SDK: a socket destroyed without a close frame during a burst of sends', () => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  const clients: ChatClient[] = [];

  usePair(clients, (p) => ({ t, alice, bob } = p));

  it.each([
    { how: 'destroy' as const, at: [100] },
    { how: 'terminate' as const, at: [37] },
    { how: 'destroy' as const, at: [20, 90, 160] },
  ])('loses and duplicates nothing ($how the TCP socket after sends $at)', async ({ how, at }) => {
    const tracked = trackedWebSocket();
    const a = clientFor(t, alice, { WebSocket: tracked.WebSocket, reconnectPolicy: fullJitterBackoff({ baseMs: 50, maxMs: 500 }) });
    const b = clientFor(t, bob);
    clients.push(a, b);
    const aLog = recordSurfaced(a);
    const bLog = recordSurfaced(b);
    const aStates: StateChange[] = [];
    a.on('connectionStateChanged', (change) => aStates.push(change));
    await Promise.all([nextSynced(a), nextSynced(b)]);
    const conv = a.dmWith(bob.id);

    const created: string[] = [];
    const unackedAtDrop: number[] = [];
    for (const i of range(TOTAL)) {
      created.push(a.send(conv, `m${i}`).clientMsgId);
      if (at.includes(i)) {
        // Wait for the client to be back (if an earlier drop is still being repaired), then kill the socket.
        await connected(a, `alice connected before drop at ${i}`);
        unackedAtDrop.push(ownItems(a, conv).filter((m) => m.state === 'pending').length);
        expect(tracked.destroyLive(how)).toBe(true);
      }
      // Let frames, acks and the drop interleave with the burst.
      if (i % 10 === 0) await yieldToEventLoop();
    }

    await until(b, () => bLog.length >= TOTAL, 30_000, `bob surfaced ${TOTAL}`);
    await until(a, () => ownItems(a, conv).length === TOTAL && ownItems(a, conv).every((m) => m.state === 'delivered'), 30_000, 'all delivered');

    // Each drop hit messages that were still unacknowledged, and the SDK opened a new socket per drop.
    expect(unackedAtDrop.every((n) => n > 0)).toBe(true);
    expect(tracked.sockets.length).toBeGreaterThanOrEqual(at.length + 1);
    expect(aStates.filter((s) => s.newState === 'reconnecting').length).toBeGreaterThanOrEqual(at.length);
    // The message sent right before the first drop went out on the dead socket and again on a later one.
    const dropped = created[(at[0] as number) - 1] as string;
    expect(sentClientMsgIds(tracked, tracked.sockets[0])).toContain(dropped);
    expect(tracked.sockets.slice(1).some((ws) => sentClientMsgIds(tracked, ws).includes(dropped))).toBe(true);

    // Bob surfaced exactly the 200 texts, once each, in send order = seq order.
    const expected = range(TOTAL).map((i) => `${i}:m${i}`);
    expect(seqTexts(bLog, conv)).toEqual(expected);
    expect(bLog.every((m) => m.senderId === alice.id)).toBe(true);
    // Alice's own view: the same, each once, with the clientMsgIds she was given at send time.
    expect(seqTexts(aLog, conv)).toEqual(expected);
    expect(ownItems(a, conv).map((m) => m.clientMsgId)).toEqual(created);
    expect(ownItems(a, conv).map((m) => m.seq)).toEqual(range(TOTAL));

    // The database holds exactly 200 rows, seq 1..200, in creation order.
    const rows = storedRows(t.dbFile, conv);
    expect(rows.map((r) => r.seq)).toEqual(range(TOTAL));
    expect(rows.map((r) => r.client_msg_id)).toEqual(created);
    expect(rows.map((r) => (JSON.parse(r.content) as { text: string }).text)).toEqual(range(TOTAL).map((i) => `m${i}`));
  });
});
