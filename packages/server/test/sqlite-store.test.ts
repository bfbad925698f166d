import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dmConversationId } from '@quickchat/protocol';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../src/store/sqlite/migrations.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { NewMessage } from '../src/store/types.js';
import { runStoreContract } from './store-contract.js';

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'quickchat-sqlite-'));

runStoreContract('sqlite', async () => {
  const dir = tempDir();
  const store = openSqliteStore({ file: path.join(dir, 'store.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteStore specifics', () => {
  const AB = dmConversationId('u_a', 'u_b');
  const msg = (clientMsgId: string, conversationId = AB): NewMessage => ({
    id: `m_${clientMsgId}`,
    conversationId,
    members: ['u_a', 'u_b'],
    senderId: 'u_a',
    clientMsgId,
    content: { type: 'text', text: clientMsgId },
    createdAt: 1000,
  });

  let dir: string;
  let file: string;
  const opened: SqliteStore[] = [];
  const open = (synchronous?: 'NORMAL' | 'FULL'): SqliteStore => {
    const store = openSqliteStore({ file, synchronous });
    opened.push(store);
    return store;
  };
  /** Reads a pragma through a separate connection, so the store's internals stay private. */
  const pragma = (name: string): unknown => {
    const db = new Database(file);
    try {
      return db.pragma(name, { simple: true });
    } finally {
      db.close();
    }
  };

  beforeEach(() => {
    dir = tempDir();
    file = path.join(dir, 'store.db');
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('puts the database file in WAL mode', async () => {
    open();
    expect(pragma('journal_mode')).toBe('wal');
    expect(fs.existsSync(`${file}-wal`)).toBe(true);
  });

  it('numbers migrations 1..n and records the latest in user_version', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
    open();
    expect(pragma('user_version')).toBe(LATEST_SCHEMA_VERSION);
  });

  it('reopens a migrated file without re-running migrations', async () => {
    const first = open();
    await first.createUser({ id: 'u_a', handle: 'alice', displayName: 'A', passwordHash: 'h', createdAt: 1 });
    await first.close();
    const second = open('FULL');
    expect(pragma('user_version')).toBe(LATEST_SCHEMA_VERSION);
    expect((await second.getUser('u_a'))?.handle).toBe('alice');
  });

  it('refuses a database from a newer schema version', () => {
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => open()).toThrow(/newer/);
  });

  it('keeps messages and continues seqs after close and reopen', async () => {
    const first = open();
    await first.appendMessages([msg('c1'), msg('c2'), msg('c3')]);
    await first.advanceCursor(AB, 'u_b', { read: 2 });
    await first.close();

    const second = open();
    const page = await second.getMessages(AB, { limit: 10 });
    expect(page.messages.map((m) => [m.seq, m.clientMsgId, m.content])).toEqual([
      [1, 'c1', { type: 'text', text: 'c1' }],
      [2, 'c2', { type: 'text', text: 'c2' }],
      [3, 'c3', { type: 'text', text: 'c3' }],
    ]);
    const [dup, next] = await second.appendMessages([msg('c2'), msg('c4')]);
    expect(dup).toMatchObject({ duplicate: true, message: { seq: 2, id: 'm_c2' } });
    expect(next).toMatchObject({ duplicate: false, message: { seq: 4 } });
    expect(await second.getConversation(AB, 'u_b')).toMatchObject({ lastSeq: 4, unread: 2 });
  });

  it('rolls back the whole batch when one item fails', async () => {
    const store = open();
    await expect(store.appendMessages([msg('ok'), msg('bad', 'not-a-conversation')])).rejects.toThrow(/invalid conversation id/);
    expect(await store.getMessages(AB, { limit: 10 })).toEqual({ messages: [], hasMore: false });
    expect(await store.getConversation(AB, 'u_a')).toBeNull();
    const [ok] = await store.appendMessages([msg('ok')]);
    expect(ok).toMatchObject({ duplicate: false, message: { seq: 1 } });
  });

  it('works in memory', async () => {
    const store = openSqliteStore({ file: ':memory:' });
    opened.push(store);
    const [r] = await store.appendMessages([msg('c1')]);
    expect(r?.message.seq).toBe(1);
  });
});
