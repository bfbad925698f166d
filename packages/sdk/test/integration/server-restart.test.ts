import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pace } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ChildServer, findFreePort } from '../../../server/test/support/child-server.js';
import { Rest, until, type TestUser } from '../support/sdk-server.js';
import { createClient, fullJitterBackoff, MemoryStorage, type ChatClient, type ClientOptions, type StateChange } from '../../src/index.js';
import { eventually, nextSynced, persistedOutbox, ownItems, range, recordSurfaced, seqTexts, storedRows } from './helpers.js';

/** Messages alice streams; the server is SIGKILLed and restarted after these many were created. */
const TOTAL = 120;
const KILL_AFTER = [15, 45, 80];
/**
 * Gap between two sends of the stream: ~12 messages/s, under the server's default rate limit
 * (20/s, burst 40) even when a restart's backlog is flushed at once. This paces the traffic;
 * it is not a wait for a condition.
 */
const SEND_GAP_MS = 80;

/**
 * The real server CLI runs as a child process on a fixed port and data directory; it is
 * SIGKILLed (no shutdown handler runs) and restarted several times while alice sends. The SDK
 * reconnects by itself, resends its outbox and catches up.
 */
describe('SDK: server SIGKILL and restart during traffic', () => {
  let server: ChildServer;
  let dataDir: string;
  let alice: TestUser;
  let bob: TestUser;
  const clients: ChatClient[] = [];

  const open = (user: TestUser, options: Partial<ClientOptions> = {}): ChatClient => {
    const client = createClient({
      url: server.url,
      auth: { handle: user.handle, password: user.password },
      WebSocket: WebSocket as unknown as ClientOptions['WebSocket'],
      reconnectPolicy: fullJitterBackoff({ baseMs: 50, maxMs: 500 }),
      ...options,
    });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'quickchat-sdk-restart-'));
    server = new ChildServer(await findFreePort(), dataDir);
    await server.start();
    const rest = new Rest(server.url);
    alice = await rest.register('alice');
    bob = await rest.register('bob');
    await rest.befriend(alice, bob);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('every message alice created reaches bob exactly once, in order, and alice\'s outbox drains', { timeout: 120_000 }, async () => {
    const storage = new MemoryStorage();
    const a = open(alice, { storage });
    const b = open(bob);
    const bLog = recordSurfaced(b);
    const aLog = recordSurfaced(a);
    const bStates: StateChange[] = [];
    b.on('connectionStateChanged', (change) => bStates.push(change));
    await Promise.all([nextSynced(a), nextSynced(b)]);
    const conv = a.dmWith(bob.id);

    const created: string[] = [];
    const stream = (async () => {
      for (const i of range(TOTAL)) {
        created.push(a.send(conv, `s${i}`).clientMsgId);
        await pace(SEND_GAP_MS);
      }
    })();
    const chaos = (async () => {
      for (const n of KILL_AFTER) {
        await until(a, () => created.length >= n, 30_000, `${n} messages created`);
        await server.kill();
        await server.start();
      }
    })();
    await Promise.all([stream, chaos]);
    expect(server.starts).toBe(KILL_AFTER.length + 1);

    await until(b, () => bLog.length >= TOTAL, 60_000, `bob surfaced ${TOTAL}`);
    await until(a, () => ownItems(a, conv).length === TOTAL && ownItems(a, conv).every((m) => m.state === 'sent' || m.state === 'delivered' || m.state === 'read'), 60_000, 'alice all sent');

    // Bob: every message alice created, once each, in creation order, seq 1..TOTAL.
    const expected = range(TOTAL).map((i) => `${i}:s${i}`);
    expect(seqTexts(bLog, conv)).toEqual(expected);
    expect(bLog.map((m) => m.clientMsgId)).toEqual(created);
    // Alice: the same, and her outbox (persisted through the storage adapter) is empty.
    expect(seqTexts(aLog, conv)).toEqual(expected);
    await eventually(async () => (await persistedOutbox(storage)).length === 0, 15_000, 'persisted outbox empty');
    // The restarts really cut both clients off.
    expect(bStates.filter((s) => s.newState === 'reconnecting').length).toBeGreaterThanOrEqual(KILL_AFTER.length);
    // The database: seq 1..TOTAL, one row per clientMsgId, in creation order.
    const rows = storedRows(server.dbFile, conv);
    expect(rows.map((r) => r.seq)).toEqual(range(TOTAL));
    expect(rows.map((r) => r.client_msg_id)).toEqual(created);
  });
});
