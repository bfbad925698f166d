import type { Store } from '../../src/store/types.js';
import { withRawDb } from './sqlite-file.js';

/**
 * What must hold in a SQLite store file whoever wrote it, read straight from its rows, and what the
 * store answers about it: every conversation's seqs are 1..N with no gap; every DM row's
 * `sender_count` counts its sender's rows up to it; every member's unread equals a recount (rows
 * after their read cursor that others sent, mutation entries left out) and its cursors are
 * ordered; every user's event seqs are 1..K. Returns each violation as a sentence (none: `[]`).
 */
export async function storeViolations(store: Store, file: string): Promise<string[]> {
  const problems: string[] = [];
  const data = withRawDb(file, (db) => ({
    conversations: db.prepare('SELECT id, kind FROM conversations ORDER BY id').all() as { id: string; kind: 'dm' | 'group' }[],
    rows: db.prepare('SELECT conversation_id, seq, sender_id, sender_count, target FROM messages ORDER BY conversation_id, seq').all() as {
      conversation_id: string;
      seq: number;
      sender_id: string;
      sender_count: number;
      target: number | null;
    }[],
    members: db.prepare('SELECT conversation_id, user_id, delivered, read FROM conversation_members ORDER BY conversation_id, user_id').all() as {
      conversation_id: string;
      user_id: string;
      delivered: number;
      read: number;
    }[],
    events: db.prepare('SELECT user_id, seq FROM user_events ORDER BY user_id, seq').all() as { user_id: string; seq: number }[],
  }));
  const rowsOf = new Map<string, typeof data.rows>();
  for (const row of data.rows) rowsOf.set(row.conversation_id, [...(rowsOf.get(row.conversation_id) ?? []), row]);
  for (const { id, kind } of data.conversations) {
    const rows = rowsOf.get(id) ?? [];
    const gaps = rows.filter((row, i) => row.seq !== i + 1);
    if (gaps.length > 0) problems.push(`${id}: seqs are not 1..${rows.length} (first off: ${gaps[0]!.seq})`);
    if (kind === 'dm') {
      const sent = new Map<string, number>();
      for (const row of rows) {
        sent.set(row.sender_id, (sent.get(row.sender_id) ?? 0) + 1);
        if (row.sender_count !== sent.get(row.sender_id)) problems.push(`${id} seq ${row.seq}: sender_count ${row.sender_count}, expected ${sent.get(row.sender_id)}`);
      }
    }
  }
  for (const m of data.members) {
    const rows = rowsOf.get(m.conversation_id) ?? [];
    const expected = rows.filter((r) => r.seq > m.read && r.sender_id !== m.user_id && r.target === null).length;
    const state = await store.getConversation(m.conversation_id, m.user_id, 1000);
    if (state?.unread !== expected) problems.push(`${m.conversation_id} for ${m.user_id}: unread ${state?.unread}, recount ${expected}`);
    if (m.delivered < m.read || m.read > rows.length) problems.push(`${m.conversation_id} for ${m.user_id}: cursors delivered ${m.delivered}, read ${m.read}, last ${rows.length}`);
  }
  const eventSeqs = new Map<string, number[]>();
  for (const e of data.events) eventSeqs.set(e.user_id, [...(eventSeqs.get(e.user_id) ?? []), e.seq]);
  for (const [user, list] of eventSeqs) {
    if (list.some((seq, i) => seq !== i + 1)) problems.push(`events of ${user}: seqs are not 1..${list.length}`);
  }
  return problems;
}
