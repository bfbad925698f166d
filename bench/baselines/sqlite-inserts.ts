// Baseline: raw better-sqlite3 batched inserts of the same rows quickchat stores for P4, into
// the same schema (the server's own migrations), with the same pragmas (WAL, synchronous
// NORMAL). Per row, like the real store: one INSERT of the message, with its seq and (a DM's)
// sender_count kept in memory, as the store's append cache keeps them (schema 3, see
// docs/decisions/0007-storage-layout-for-latency.md).
// Message ids come from the server's own generator, so the rows (and their index locality)
// are the ones quickchat stores.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { dmConversationId } from '@quickchat/protocol';
import { migrate } from '../../packages/server/src/store/sqlite/migrations.js';
import { newMessageId } from '../../packages/server/src/services/message-ids.js';
import type { Throughput } from '../lib/dm-load.js';

type Row = [id: string, conversationId: string, senderId: string, clientMsgId: string, content: string, createdAt: number];

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`;

/** The P4 rows: `2 * pairs` senders, `perUser` each, interleaved as concurrent senders would be. */
function makeRows(pairs: number, perUser: number, text: string, tag: string): { conversations: [string, string, string][]; rows: Row[] } {
  const users = Array.from({ length: pairs * 2 }, () => id('u'));
  const conversations = Array.from({ length: pairs }, (_, p): [string, string, string] => [dmConversationId(users[2 * p]!, users[2 * p + 1]!), users[2 * p]!, users[2 * p + 1]!]);
  const content = JSON.stringify({ type: 'text', text });
  const rows: Row[] = [];
  const now = Date.now();
  for (let n = 0; n < perUser; n++) {
    for (let u = 0; u < users.length; u++) rows.push([newMessageId(), conversations[u >> 1]![0], users[u]!, `${tag}${u}x${n}`, content, now]);
  }
  return { conversations, rows };
}

/** Inserts the rows in transactions of `batch` rows into a fresh database file; times the inserts only. */
export function rawSqliteInserts(opts: { pairs: number; perUser: number; batch: number; text: string; tag: string }): Throughput {
  const dir = mkdtempSync(join(tmpdir(), 'quickchat-bench-raw-'));
  const db = new Database(join(dir, 'raw.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    const { conversations, rows } = makeRows(opts.pairs, opts.perUser, opts.text, opts.tag);
    const addConversation = db.prepare('INSERT INTO conversations (id, kind, created_at) VALUES (?, ?, ?)');
    const addMember = db.prepare('INSERT INTO conversation_members (conversation_id, user_id) VALUES (?, ?)');
    db.transaction(() => {
      for (const [conv, a, b] of conversations) {
        addConversation.run(conv, 'dm', Date.now());
        addMember.run(conv, a);
        addMember.run(conv, b);
      }
    })();
    const insert = db.prepare(
      'INSERT INTO messages (id, conversation_id, seq, sender_id, client_msg_id, content, created_at, sender_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const lastSeq = new Map<string, number>();
    const sent = new Map<string, number>();
    const writeBatch = db.transaction((batch: Row[]) => {
      for (const [mid, conv, sender, clientMsgId, content, createdAt] of batch) {
        const seq = (lastSeq.get(conv) ?? 0) + 1;
        const count = (sent.get(sender) ?? 0) + 1;
        lastSeq.set(conv, seq);
        sent.set(sender, count);
        insert.run(mid, conv, seq, sender, clientMsgId, content, createdAt, count);
      }
    });
    const t0 = performance.now();
    for (let i = 0; i < rows.length; i += opts.batch) writeBatch.immediate(rows.slice(i, i + opts.batch));
    const elapsedMs = performance.now() - t0;
    return { count: rows.length, elapsedMs: Math.round(elapsedMs), perSec: Math.round((rows.length / elapsedMs) * 1000), complete: true };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
