import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dmConversationId, type CallEventFrame, type CallRecordContent, type MessageFrame } from '@quickchat/protocol';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/types.js';
import { startTestServer, type TestServer } from './support/server.js';
import { Rest, type TestUser } from './support/rest.js';
import { RawClient } from './support/ws-client.js';
import { openReader, sendTo } from './support/messaging.js';
import { AV, callAction, callRecords, callState, expectCall, history, invite, sendSignal } from './support/calls.js';

/**
 * Calls and a server that stops on purpose (docs/calls.md#restarts), with the real server and a
 * real SQLite file: a normal call leaves no open row and costs the journal exactly its three
 * writes; a graceful stop mid-call tells both sides the call ended and leaves one record, which
 * the next start does not write again.
 */

/** Every Store method that writes. */
const WRITES = new Set([
  'createUser', 'upsertExternalUser', 'updateProfile', 'insertRefreshToken', 'rotateRefreshToken', 'revokeRefreshFamily',
  'applyRelationChange', 'appendUserEvents', 'createConversation', 'appendMessages', 'advanceCursor', 'insertUpload',
  'deleteUpload', 'deleteExpiredUploads', 'createGroup', 'applyGroupChange', 'openCall', 'markCallConnected', 'closeCall',
]);

/** A store that counts the calls of each of its methods. */
function counting(inner: Store): { store: Store; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const store = new Proxy(inner, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        calls.set(prop, (calls.get(prop) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls };
}

/** The store writes made while `work` ran, by method. */
async function writesDuring(calls: Map<string, number>, work: () => Promise<void>): Promise<Record<string, number>> {
  const before = new Map(calls);
  await work();
  const made: Record<string, number> = {};
  for (const [name, n] of calls) if (WRITES.has(name) && n !== (before.get(name) ?? 0)) made[name] = n - (before.get(name) ?? 0);
  return made;
}

const openRows = (dbFile: string): number => {
  const db = openReader(dbFile);
  try {
    return db.prepare<[], number>('SELECT COUNT(*) FROM open_calls').pluck().get()!;
  } finally {
    db.close();
  }
};

const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A server on a data directory that outlives it (the test removes it). */
async function serverOn(dataDir: string, store?: Store): Promise<TestServer> {
  const t = await startTestServer({ dataDir, ...(store ? { store } : {}) });
  cleanups.push(() => t.stop());
  return t;
}

async function connect(t: TestServer, user: TestUser): Promise<RawClient> {
  const c = await RawClient.connect(t.wsUrl, user.token);
  cleanups.push(() => c.close());
  return c;
}

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'quickchat-calls-restart-'));
  dirs.push(dir);
  return dir;
}

describe('calls across restarts: a server that stops on purpose', () => {
  it('a normal call costs the journal exactly three writes (ring, connect, the record) and none per signal; it leaves no open row', async () => {
    const dataDir = newDataDir();
    const inner = openSqliteStore({ file: join(dataDir, 'quickchat.db') });
    cleanups.push(() => inner.close());
    const { store, calls } = counting(inner);
    const t = await serverOn(dataDir, store);
    const rest = new Rest(t.url);
    const alice = await rest.register('alice');
    const bob = await rest.register('bob');
    await rest.befriend(alice, bob);
    const a = await connect(t, alice);
    const b = await connect(t, bob);
    // The DM exists before the call (the first call or message between two users creates it).
    expect((await sendTo(a, dmConversationId(alice.id, bob.id), 'hi')).type).toBe('ack');

    let callId = '';
    const connectedCall = await writesDuring(calls, async () => {
      callId = (await invite(a, bob.id)).callId;
      await callState(b, callId, 'ringing');
      expectCall(await callAction(b, { action: 'accept', callId, media: AV }));
      await callState(a, callId, 'accepted');
      for (let i = 0; i < 50; i++) sendSignal(i % 2 ? a : b, callId, { candidate: `candidate:${i}` });
      await a.waitForCount((f) => f.type === 'signal', 25);
      await b.waitForCount((f) => f.type === 'signal', 25);
      expectCall(await callAction(a, { action: 'connected', callId }));
      await callState(b, callId, 'connected');
      expectCall(await callAction(b, { action: 'hangup', callId }));
      await callState(a, callId, 'ended');
      await a.waitForCount((f) => f.type === 'message' && f.message.content.type === 'call', 1);
    });
    expect(connectedCall).toEqual({ openCall: 1, markCallConnected: 1, closeCall: 1 });

    const declinedCall = await writesDuring(calls, async () => {
      const declined = await invite(a, bob.id);
      await callState(b, declined.callId, 'ringing');
      expectCall(await callAction(b, { action: 'decline', callId: declined.callId }));
      await a.waitForCount((f) => f.type === 'message' && f.message.content.type === 'call', 2);
    });
    expect(declinedCall).toEqual({ openCall: 1, closeCall: 1 });
    console.log(`store writes per call: connected and hung up ${JSON.stringify(connectedCall)}, declined ${JSON.stringify(declinedCall)}`);

    expect(openRows(t.dbFile)).toBe(0);
    const records = callRecords(await history(rest, alice, dmConversationId(alice.id, bob.id)));
    expect(records.map((r) => [r.content.outcome, r.content.interrupted])).toEqual([['completed', undefined], ['declined', undefined]]);
  });

  it('a graceful stop mid-call ends every call for both sides, leaves one record each, and the next start writes none again', async () => {
    const dataDir = newDataDir();
    const first = await startTestServer({ dataDir });
    let stopped = false;
    cleanups.push(async () => void (stopped || (await first.stop())));
    const rest = new Rest(first.url);
    const [alice, bob, carol, dave] = [await rest.register('alice'), await rest.register('bob'), await rest.register('carol'), await rest.register('dave')];
    await rest.befriend(alice, bob);
    await rest.befriend(carol, dave);
    const a = await connect(first, alice);
    const a2 = await connect(first, alice);
    const b = await connect(first, bob);
    const c = await connect(first, carol);
    const d = await connect(first, dave);

    // Alice and Bob are in a connected call; Carol's call to Dave is ringing.
    const talk = await invite(a, bob.id);
    await callState(b, talk.callId, 'ringing');
    expectCall(await callAction(b, { action: 'accept', callId: talk.callId, media: AV }));
    await callState(a, talk.callId, 'accepted');
    const beforeConnected = Date.now();
    expectCall(await callAction(b, { action: 'connected', callId: talk.callId }));
    await callState(a, talk.callId, 'connected');
    const connectedAt = Date.now();
    const ring = await invite(c, dave.id);
    await callState(d, ring.callId, 'ringing');
    expect(openRows(first.dbFile)).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 150)); // some call time before the stop

    const stopStarted = Date.now();
    await first.stop();
    stopped = true;
    const stopDone = Date.now();

    // Every session heard the end before its socket closed (1001), then the record.
    const ended = (x: RawClient, callId: string) => x.frames.find((f): f is CallEventFrame => f.type === 'call' && f.callId === callId && f.state === 'ended');
    const recordOf = (x: RawClient, callId: string) =>
      x.frames.find((f): f is MessageFrame => f.type === 'message' && f.message.content.type === 'call' && f.message.content.callId === callId);
    for (const [x, callId] of [[a, talk.callId], [a2, talk.callId], [b, talk.callId], [c, ring.callId], [d, ring.callId]] as const) {
      expect((await x.closed).code).toBe(1001);
      expect(ended(x, callId)).toMatchObject({ outcome: callId === talk.callId ? 'completed' : 'failed' });
      expect(recordOf(x, callId)).toBeDefined();
      expect(x.frames.indexOf(ended(x, callId)!)).toBeLessThan(x.frames.indexOf(recordOf(x, callId)!));
    }
    expect(ended(a, talk.callId)?.here).toBe(true);
    expect(ended(a2, talk.callId)?.here).toBe(false);
    const talkRecord = recordOf(b, talk.callId)!.message.content as CallRecordContent;
    expect(talkRecord).toMatchObject({ outcome: 'completed', interrupted: true, callerId: alice.id });
    expect(talkRecord.durationMs).toBeGreaterThanOrEqual(stopStarted - connectedAt);
    expect(talkRecord.durationMs).toBeLessThanOrEqual(stopDone - beforeConnected);
    expect(recordOf(d, ring.callId)!.message.content).toEqual({ type: 'call', callId: ring.callId, callerId: carol.id, outcome: 'failed', media: AV, interrupted: true });
    expect(openRows(first.dbFile)).toBe(0);

    // The next start on the same file: nothing left to close, one record per call.
    const second = await serverOn(dataDir);
    const rest2 = new Rest(second.url);
    expect(openRows(second.dbFile)).toBe(0);
    for (const [user, peer, callId] of [[alice, bob, talk.callId], [bob, alice, talk.callId], [carol, dave, ring.callId], [dave, carol, ring.callId]] as const) {
      const records = callRecords(await history(rest2, user, dmConversationId(user.id, peer.id)));
      expect(records.map((r) => r.content.callId)).toEqual([callId]);
    }
  });
});
