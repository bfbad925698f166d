import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dmConversationId } from '@quickchat/protocol';
import { useSqliteFile } from './support/sqlite-file.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { NewMessage, Store } from '../src/store/types.js';
import { runStoreContract } from './store-contract/index.js';
import { EVERY } from './store-contract/support.js';

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'quickchat-sqlite-'));

runStoreContract('sqlite', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'store.db');
  let store: Store = openSqliteStore({ file });
  return {
    store,
    reopen: async () => {
      await store.close();
      store = openSqliteStore({ file });
      return store;
    },
    cleanup: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteStore specifics', () => {
  const AB = dmConversationId('u_a', 'u_b');
  const msg = (clientMsgId: string, conversationId = AB, senderId = 'u_a'): NewMessage => ({
    id: `m_${clientMsgId}`,
    conversationId,
    senderId,
    clientMsgId,
    content: { type: 'text', text: clientMsgId },
    createdAt: 1000,
  });

  const sqlite = useSqliteFile('quickchat-sqlite-');
  const open = (): SqliteStore => sqlite.open();
  const openWithAB = async (): Promise<SqliteStore> => {
    const store = open();
    await store.createConversation({ id: AB, kind: 'dm', members: ['u_a', 'u_b'], createdAt: 1 });
    return store;
  };
  const { raw, pragma } = sqlite;

  it('puts the database file in WAL mode', async () => {
    open();
    expect(pragma('journal_mode')).toBe('wal');
    expect(fs.existsSync(`${sqlite.path}-wal`)).toBe(true);
  });

  it('keeps messages and continues seqs after close and reopen', async () => {
    const first = await openWithAB();
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
    expect(dup).toMatchObject({ status: 'duplicate', message: { seq: 2, id: 'm_c2' } });
    expect(next).toMatchObject({ status: 'stored', message: { seq: 4 } });
    expect(await second.getConversation(AB, 'u_b', EVERY)).toMatchObject({ lastSeq: 4, unread: 2 });
  });

  it('rolls back the whole batch when one item fails', async () => {
    const store = await openWithAB();
    const bad = { ...msg('bad'), contentJson: '{not json' };
    await expect(store.appendMessages([msg('ok'), bad])).rejects.toThrow(/CHECK constraint/);
    expect(await store.getMessages(AB, { limit: 10 })).toEqual({ messages: [], hasMore: false });
    expect(await store.getConversation(AB, 'u_b', EVERY)).toMatchObject({ lastSeq: 0, unread: 0 });
    expect(await store.appendMessages([msg('ok')])).toMatchObject([{ status: 'stored', message: { seq: 1 } }]);
    expect(await store.getConversation(AB, 'u_b', EVERY)).toMatchObject({ lastSeq: 1, unread: 1 });
  });

  it('reads unread from maintained counters, not by counting messages', async () => {
    const store = await openWithAB();
    await store.appendMessages(['1', '2', '3', '4', '5'].map((id) => msg(id, AB, 'u_b')));
    // Rows removed behind the store's back (no foreign keys on this connection) change no count.
    raw((db) => db.prepare('DELETE FROM messages WHERE seq < 5').run());
    expect((await store.getConversation(AB, 'u_a', EVERY))?.unread).toBe(5);
    expect((await store.listConversations('u_a', EVERY))[0]?.unread).toBe(5);
  });

  it('notices commits by another connection to its file and keeps seqs gap-free', async () => {
    const first = await openWithAB();
    await first.appendMessages([msg('c1')]);
    // Breaks the single-writer rule on purpose: `first` remembers last_seq 1.
    const second = open();
    expect(await second.appendMessages([msg('c2')])).toMatchObject([{ status: 'stored', message: { seq: 2 } }]);
    expect(await first.appendMessages([msg('c3')])).toMatchObject([{ status: 'stored', message: { seq: 3 } }]);
    expect((await first.getMessages(AB, { limit: 10 })).messages.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('writes two pages per single-message DM commit (the row and its idempotency entry), three in a group', async () => {
    // docs/decisions/0007: a commit's cost is mostly its WAL frames; nothing else may creep back in.
    const G = 'g:team';
    // No checkpoint worker: a checkpoint between two appends would rewind the WAL under the count.
    const store = sqlite.open({ checkpointIntervalMs: 0 });
    await store.createConversation({ id: AB, kind: 'dm', members: ['u_a', 'u_b'], createdAt: 1 });
    await store.createConversation({ id: G, kind: 'group', members: ['u_a', 'u_b', 'u_c'], createdAt: 1 });
    await store.appendMessages([msg('warm'), msg('warm', G)]);
    const pageSize = pragma('page_size') as number;
    const framesOf = async (batch: NewMessage[]): Promise<number> => {
      const before = fs.statSync(`${sqlite.path}-wal`).size;
      await store.appendMessages(batch);
      return (fs.statSync(`${sqlite.path}-wal`).size - before) / (pageSize + 24);
    };
    expect(await framesOf([msg('d1')])).toBe(2);
    expect(await framesOf([msg('d2', AB, 'u_b')])).toBe(2);
    expect(await framesOf([msg('g1', G)])).toBe(3);
    expect((await store.getConversation(AB, 'u_a', EVERY))?.unread).toBe(1);
  });

  it('refuses a DM message from anyone but its two members, item by item (its unread counts rely on that)', async () => {
    const store = await openWithAB();
    expect(await store.appendMessages([msg('stranger', AB, 'u_c'), msg('ok'), msg('lookalike', AB, 'u_a_'), msg('ok2', AB, 'u_b')])).toMatchObject([
      { status: 'not_member' },
      { status: 'stored', message: { seq: 1, senderId: 'u_a' } },
      { status: 'not_member' },
      { status: 'stored', message: { seq: 2, senderId: 'u_b' } },
    ]);
    expect((await store.getMessages(AB, { limit: 10 })).messages.map((m) => m.senderId)).toEqual(['u_a', 'u_b']);
    expect((await store.getConversation(AB, 'u_a', EVERY))?.unread).toBe(1);
  });

  it('works in memory', async () => {
    const store = sqlite.open({ memory: true });
    await store.createConversation({ id: AB, kind: 'dm', members: ['u_a', 'u_b'], createdAt: 1 });
    expect(await store.appendMessages([msg('c1')])).toMatchObject([{ status: 'stored', message: { seq: 1 } }]);
  });
});
