import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dmConversationId } from '@quickchat/protocol';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { NewMessage } from '../src/store/types.js';

// WAL checkpoints run on a worker thread, off the commit path. These tests check the three
// things that must still hold: checkpoints happen, the WAL stays bounded under steady writes,
// and close() leaves everything in the database file.

const AB = dmConversationId('u_a', 'u_b');
let n = 0;
const msg = (text: string): NewMessage => {
  const clientMsgId = `c${++n}`;
  return { id: `m_${clientMsgId}`, conversationId: AB, senderId: 'u_a', clientMsgId, content: { type: 'text', text }, createdAt: 1000 };
};

const size = (file: string): number => (fs.existsSync(file) ? fs.statSync(file).size : 0);

/** Polls a condition (bounded) instead of sleeping a fixed time. */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('SQLite background checkpoints', () => {
  let dir: string;
  let file: string;
  const opened: SqliteStore[] = [];
  /** Opens the store, with the conversation every test writes to. */
  const open = async (options: { checkpointIntervalMs?: number; synchronous?: 'NORMAL' | 'FULL' } = {}): Promise<SqliteStore> => {
    const store = openSqliteStore({ file, ...options });
    opened.push(store);
    await store.createConversation({ id: AB, kind: 'dm', members: ['u_a', 'u_b'], createdAt: 1 });
    return store;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quickchat-ckpt-'));
    file = path.join(dir, 'store.db');
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('copies committed pages into the database file without any further write', async () => {
    const store = await open({ checkpointIntervalMs: 20 });
    const before = size(file);
    await store.appendMessages(Array.from({ length: 500 }, () => msg('x'.repeat(500))));
    // 500 messages of 500 B are over 250 KB of pages; only a checkpoint puts them in the file.
    await until(() => size(file) > before + 200_000, 'the database file holds the new pages');
    expect((await store.getMessages(AB, { limit: 1 })).messages[0]?.seq).toBe(500);
  });

  for (const synchronous of ['NORMAL', 'FULL'] as const) {
    it(`keeps the WAL bounded under steady single-message commits (synchronous ${synchronous})`, async () => {
      const store = await open({ synchronous });
      // Each commit adds several pages; 60+ MB of WAL frames in total if nothing ever rewound it.
      const commits = synchronous === 'FULL' ? 3000 : 12_000;
      let largest = 0;
      for (let i = 0; i < commits; i++) {
        await store.appendMessages([msg('y'.repeat(1000))]);
        if (i % 250 === 0) largest = Math.max(largest, size(`${file}-wal`));
      }
      largest = Math.max(largest, size(`${file}-wal`));
      expect(largest).toBeLessThan(72 * 1024 * 1024);
      const page = await store.getMessages(AB, { limit: 2 });
      expect(page.messages.map((m) => m.seq)).toEqual([commits - 1, commits]);
    });
  }

  it('close() stops the worker and leaves every commit in the database file', async () => {
    const store = await open({ checkpointIntervalMs: 60_000 });
    await store.appendMessages(Array.from({ length: 300 }, () => msg('z'.repeat(200))));
    await store.close();
    // SQLite removes the WAL only when the last connection closes after a full checkpoint, so
    // the worker's connection was closed too.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS n, MAX(seq) AS last FROM messages').get()).toEqual({ n: 300, last: 300 });
    } finally {
      db.close();
    }
    await store.close();
  });

  it('works with the worker turned off', async () => {
    const store = await open({ checkpointIntervalMs: 0 });
    expect(await store.appendMessages([msg('off')])).toMatchObject([{ status: 'stored', message: { seq: 1 } }]);
  });
});
