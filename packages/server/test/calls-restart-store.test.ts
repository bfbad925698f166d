import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dmConversationId } from '@quickchat/protocol';
import { useSqliteFile } from './support/sqlite-file.js';
import { EVERY } from './store-contract/support.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../src/store/sqlite/migrations.js';
import type { NewMessage, NewOpenCall } from '../src/store/types.js';

/**
 * The SQLite side of the journal of open calls (docs/decisions/0011-call-state.md): migration 9,
 * what each journal write costs in WAL frames, and that a record and the removal of its row
 * commit or roll back together. The behaviour every store shares is in
 * `store-contract/calls.ts`.
 */
describe('calls across restarts: the SQLite journal', () => {
  const AB = dmConversationId('u_a', 'u_b');
  const sqlite = useSqliteFile('quickchat-calls-journal-');
  const { raw, pragma } = sqlite;
  const call: NewOpenCall = { callId: 'c_1', conversationId: AB, callerId: 'u_a', calleeId: 'u_b', media: { audio: true, video: true }, startedAt: 100, ownerNode: 'n_test' };
  const record = (callId = 'c_1', contentJson?: string): NewMessage => ({
    id: `m_${callId}`,
    conversationId: AB,
    senderId: 'u_a',
    clientMsgId: `call:${callId}`,
    content: { type: 'call', callId, callerId: 'u_a', outcome: 'completed', media: { audio: true, video: true }, durationMs: 1000 },
    ...(contentJson !== undefined ? { contentJson } : {}),
    createdAt: 2000,
  });

  it('migration 9 adds the journal to a version-8 database: every row kept, the journal empty and working', async () => {
    raw((db) => {
      for (const step of MIGRATIONS.slice(0, 8)) db.exec(step.up);
      db.pragma('user_version = 8');
      db.prepare('INSERT INTO conversations (id, kind, created_at, num) VALUES (?, ?, ?, ?)').run(AB, 'dm', 1, 1);
      const member = db.prepare('INSERT INTO conversation_members (conversation_id, user_id) VALUES (?, ?)');
      member.run(AB, 'u_a');
      member.run(AB, 'u_b');
      db.prepare('INSERT INTO messages (conversation_id, seq, id, sender_id, client_msg_id, content, created_at, sender_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        AB, 1, 'm_old', 'u_b', 'k1', JSON.stringify({ type: 'text', text: 'before the upgrade' }), 10, 1,
      );
    });
    const store = sqlite.open();
    expect(pragma('user_version')).toBe(LATEST_SCHEMA_VERSION);
    expect(raw((db) => db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'open_calls'").pluck().get())).toBe('open_calls');
    expect(await store.listOpenCalls()).toMatchObject({ calls: [] });
    await store.openCall(call);
    await store.markCallConnected('c_1', { acceptedAt: 110, connectedAt: 120 });
    expect((await store.listOpenCalls()).calls).toEqual([{ ...call, acceptedAt: 110, connectedAt: 120 }]);
    expect(await store.closeCall('c_1', record())).toMatchObject({ status: 'stored', message: { seq: 2 } });
    expect((await store.getMessages(AB, { limit: 10 })).messages.map((m) => [m.seq, m.content.type])).toEqual([[1, 'text'], [2, 'call']]);
    expect(await store.getConversation(AB, 'u_b', EVERY)).toMatchObject({ lastSeq: 2, unread: 1 });
    expect(raw((db) => db.prepare('SELECT COUNT(*) FROM open_calls').pluck().get())).toBe(0);
  });

  it('migration 10 gives the open calls of a version-9 database an owner no live node has', async () => {
    raw((db) => {
      for (const step of MIGRATIONS.slice(0, 9)) db.exec(step.up);
      db.pragma('user_version = 9');
      db.prepare('INSERT INTO open_calls (call_id, conversation_id, caller_id, callee_id, audio, video, started_at, accepted_at, connected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        'c_old', AB, 'u_a', 'u_b', 1, 0, 50, 60, 70,
      );
    });
    expect(LATEST_SCHEMA_VERSION).toBe(10);
    const store = sqlite.open();
    expect(pragma('user_version')).toBe(10);
    await store.openCall(call);
    expect((await store.listOpenCalls()).calls).toEqual([
      { callId: 'c_old', conversationId: AB, callerId: 'u_a', calleeId: 'u_b', media: { audio: true, video: false }, startedAt: 50, acceptedAt: 60, connectedAt: 70, ownerNode: '' },
      { ...call, acceptedAt: null, connectedAt: null },
    ]);
  });

  it('costs one WAL frame to open, one to connect, and one beside the record to close (measured)', async () => {
    // No checkpoint worker: a checkpoint between two writes would rewind the WAL under the count.
    const store = sqlite.open({ checkpointIntervalMs: 0 });
    await store.createConversation({ id: AB, kind: 'dm', members: ['u_a', 'u_b'], createdAt: 1 });
    await store.appendMessages([{ ...record('warm'), content: { type: 'text', text: 'warm' }, clientMsgId: 'warm' }]);
    await store.openCall({ ...call, callId: 'c_warm' });
    const pageSize = pragma('page_size') as number;
    const framesOf = async (write: () => Promise<unknown>): Promise<number> => {
      const before = fs.statSync(`${sqlite.path}-wal`).size;
      await write();
      return (fs.statSync(`${sqlite.path}-wal`).size - before) / (pageSize + 24);
    };
    const frames = {
      open: await framesOf(() => store.openCall(call)),
      connected: await framesOf(() => store.markCallConnected('c_1', { acceptedAt: 110, connectedAt: 120 })),
      closeWithRecord: await framesOf(() => store.closeCall('c_1', record())),
      plainRecord: await framesOf(() => store.appendMessages([record('c_plain')])),
    };
    console.log(`call journal, WAL frames per commit: ${JSON.stringify(frames)}`);
    // The record alone is a DM message commit (2 frames, decision 7); the journal adds one leaf per write.
    expect(frames).toEqual({ open: 1, connected: 1, closeWithRecord: 3, plainRecord: 2 });
  });

  it('a record that fails to store rolls the removal of its row back with it', async () => {
    const store = sqlite.open();
    await store.createConversation({ id: AB, kind: 'dm', members: ['u_a', 'u_b'], createdAt: 1 });
    await store.openCall(call);
    await expect(store.closeCall('c_1', record('c_1', '{not json'))).rejects.toThrow();
    expect((await store.listOpenCalls()).calls.map((c) => c.callId)).toEqual(['c_1']);
    expect((await store.getMessages(AB, { limit: 10 })).messages).toEqual([]);
    // And the next attempt (the next start) closes it.
    expect(await store.closeCall('c_1', record())).toMatchObject({ status: 'stored', message: { seq: 1 } });
    expect((await store.listOpenCalls()).calls).toEqual([]);
  });

  it('knows when the file was last written before it opened it (null for a new or in-memory database)', async () => {
    expect((await sqlite.open({ memory: true }).listOpenCalls()).lastWriteAt).toBeNull();
    const first = sqlite.open();
    expect((await first.listOpenCalls()).lastWriteAt).toBeNull();
    await first.openCall(call);
    await first.close();
    const closedAt = Math.max(...[sqlite.path, `${sqlite.path}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.statSync(f).mtimeMs));
    const reopened = sqlite.open();
    const { lastWriteAt } = await reopened.listOpenCalls();
    expect(lastWriteAt).toBe(Math.floor(closedAt));
    // Its own writes do not move it: it describes the run before.
    await reopened.openCall({ ...call, callId: 'c_2' });
    expect((await reopened.listOpenCalls()).lastWriteAt).toBe(lastWriteAt);
  });
});
