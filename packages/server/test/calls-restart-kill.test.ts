import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dmConversationId, type CallRecordContent, type Message } from '@quickchat/protocol';
import { ChildServer, findFreePort } from './support/child-server.js';
import { Rest, type TestUser } from './support/rest.js';
import { RawClient } from './support/ws-client.js';
import { openReader, sendTo } from './support/messaging.js';
import { AV, callAction, callRecords, callState, expectCall, history, invite, syncedMessages } from './support/calls.js';

/**
 * "Survives kill -9" for calls (docs/calls.md#restarts): the real server CLI runs as a child
 * process on a real SQLite file, is killed with SIGKILL (or stopped with SIGTERM) in the middle of
 * a call, and started again on the same data directory. The call it was running gets exactly one
 * record, which every device of both users sees after a sync; further restarts write no second one.
 */

const servers: ChildServer[] = [];
const clients: RawClient[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.kill()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function launch(): Promise<ChildServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'quickchat-calls-kill-'));
  dirs.push(dataDir);
  const server = new ChildServer(await findFreePort(), dataDir);
  servers.push(server);
  await server.start();
  return server;
}

async function connect(server: ChildServer, user: TestUser): Promise<RawClient> {
  const c = await RawClient.connect(server.wsUrl, user.token);
  clients.push(c);
  return c;
}

/** Kills the server with SIGKILL and waits for every socket to notice; then starts it again on the same files. */
async function killAndRestart(server: ChildServer, sockets: readonly RawClient[]): Promise<void> {
  await server.kill();
  await Promise.all(sockets.map((c) => c.closed));
  await server.start();
}

const openRows = (dbFile: string): number => {
  const db = openReader(dbFile);
  try {
    return db.prepare<[], number>('SELECT COUNT(*) FROM open_calls').pluck().get()!;
  } finally {
    db.close();
  }
};

/** The call records in `messages`, for `callId`. */
const recordsOf = (messages: readonly Message[], callId: string): CallRecordContent[] =>
  callRecords(messages).filter((m) => m.content.callId === callId).map((m) => m.content);

/** Two friends with two devices each on `server`. */
async function twoUsersTwoDevices(server: ChildServer) {
  const rest = new Rest(server.url);
  const alice = await rest.register('alice');
  const bob = await rest.register('bob');
  await rest.befriend(alice, bob);
  const devices = { alicePhone: await connect(server, alice), aliceLaptop: await connect(server, alice), bobPhone: await connect(server, bob), bobLaptop: await connect(server, bob) };
  const owners = { alicePhone: alice, aliceLaptop: alice, bobPhone: bob, bobLaptop: bob };
  return { rest, alice, bob, dm: dmConversationId(alice.id, bob.id), devices, owners };
}

/** After a restart: every device reconnects, syncs the DM from the start, and must see exactly one record of `callId`. */
async function everyDeviceSeesOne(server: ChildServer, owners: Record<string, TestUser>, dm: string, callId: string): Promise<CallRecordContent> {
  const seen: CallRecordContent[] = [];
  for (const [device, user] of Object.entries(owners)) {
    const c = await connect(server, user);
    const records = recordsOf(await syncedMessages(c, dm), callId);
    expect(records, `${device} after sync`).toHaveLength(1);
    seen.push(records[0]!);
  }
  for (const record of seen) expect(record).toEqual(seen[0]);
  return seen[0]!;
}

describe('calls across restarts: the server process killed (SIGKILL) or stopped (SIGTERM)', () => {
  it('a call that was ringing gets one record (failed, interrupted) on every device of both users, and no second one at later starts', { timeout: 120_000 }, async () => {
    const server = await launch();
    const { rest, alice, bob, dm, devices, owners } = await twoUsersTwoDevices(server);
    const placed = await invite(devices.alicePhone, bob.id, { audio: true, video: false });
    await Promise.all([devices.bobPhone, devices.bobLaptop, devices.aliceLaptop].map((c) => callState(c, placed.callId, 'ringing')));
    expect(openRows(server.dbFile)).toBe(1);

    await killAndRestart(server, Object.values(devices));

    expect(openRows(server.dbFile)).toBe(0);
    const record = await everyDeviceSeesOne(server, owners, dm, placed.callId);
    expect(record).toEqual({ type: 'call', callId: placed.callId, callerId: alice.id, outcome: 'failed', media: { audio: true, video: false }, interrupted: true });
    // Written in the caller's name under the call's key, like every record.
    const [stored] = callRecords(await history(rest, bob, dm));
    expect(stored).toMatchObject({ senderId: alice.id, clientMsgId: `call:${placed.callId}` });

    // Killed again, and started again: still one.
    await killAndRestart(server, clients.splice(0));
    expect(recordsOf(await history(rest, alice, dm), placed.callId)).toHaveLength(1);
    expect(openRows(server.dbFile)).toBe(0);
    // And both users are free to call again.
    const again = await connect(server, alice);
    const next = await invite(again, bob.id);
    expect(next.state).toBe('ringing');
  });

  it('a call that was connected gets one record (completed, interrupted) lasting at least until the server\'s last write', { timeout: 120_000 }, async () => {
    const server = await launch();
    const { rest, alice, bob, dm, devices, owners } = await twoUsersTwoDevices(server);
    const placed = await invite(devices.alicePhone, bob.id);
    await callState(devices.bobLaptop, placed.callId, 'ringing');
    expectCall(await callAction(devices.bobLaptop, { action: 'accept', callId: placed.callId, media: AV }));
    await callState(devices.alicePhone, placed.callId, 'accepted');
    const beforeConnected = Date.now();
    expectCall(await callAction(devices.alicePhone, { action: 'connected', callId: placed.callId }));
    const afterConnected = Date.now();
    await callState(devices.bobLaptop, placed.callId, 'connected');
    // The server's last write before the crash: a message 400 ms into the call.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const lastWrite = Date.now();
    expect((await sendTo(devices.bobPhone, dm, 'still talking')).type).toBe('ack');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const killedAt = Date.now();

    await killAndRestart(server, Object.values(devices));

    expect(openRows(server.dbFile)).toBe(0);
    const record = await everyDeviceSeesOne(server, owners, dm, placed.callId);
    expect(record).toMatchObject({ type: 'call', callId: placed.callId, callerId: alice.id, outcome: 'completed', media: AV, interrupted: true });
    // At least until the last write (file times may be a clock tick early), never past the kill.
    console.log(`connected call killed after ${killedAt - afterConnected} ms: recorded durationMs ${record.durationMs} (last write at ${lastWrite - afterConnected} ms)`);
    expect(record.durationMs).toBeGreaterThanOrEqual(lastWrite - afterConnected - 50);
    expect(record.durationMs).toBeLessThanOrEqual(killedAt - beforeConnected + 20);

    await killAndRestart(server, clients.splice(0));
    expect(recordsOf(await history(rest, bob, dm), placed.callId)).toHaveLength(1);
  });

  it('SIGTERM (the CLI\'s graceful stop) mid-call: both sides hear the end and get the record before their sockets close', { timeout: 120_000 }, async () => {
    const server = await launch();
    const { rest, alice, bob, dm, devices, owners } = await twoUsersTwoDevices(server);
    const placed = await invite(devices.alicePhone, bob.id);
    await callState(devices.bobPhone, placed.callId, 'ringing');
    expectCall(await callAction(devices.bobPhone, { action: 'accept', callId: placed.callId, media: AV }));
    expectCall(await callAction(devices.bobPhone, { action: 'connected', callId: placed.callId }));
    await callState(devices.alicePhone, placed.callId, 'connected');

    const pid = server.pid!;
    process.kill(pid, 'SIGTERM');
    for (const [device, c] of Object.entries(devices)) {
      expect((await c.closed).code, device).toBe(1001);
      const ended = c.frames.findIndex((f) => f.type === 'call' && f.callId === placed.callId && f.state === 'ended' && f.outcome === 'completed');
      const record = c.frames.findIndex((f) => f.type === 'message' && f.message.content.type === 'call' && f.message.content.callId === placed.callId);
      expect(ended, `${device} heard the end`).toBeGreaterThanOrEqual(0);
      expect(record, `${device} got the record after it`).toBeGreaterThan(ended);
    }
    // Let it exit by itself (its store closes cleanly), then start it again.
    for (let i = 0; i < 500 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(alive(pid)).toBe(false);
    await server.kill();
    await server.start();
    expect(openRows(server.dbFile)).toBe(0);
    const record = await everyDeviceSeesOne(server, owners, dm, placed.callId);
    expect(record).toMatchObject({ outcome: 'completed', interrupted: true, callerId: alice.id });
    expect(recordsOf(await history(rest, alice, dm), placed.callId)).toHaveLength(1);
  });
});

/** Whether a process with this id still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
