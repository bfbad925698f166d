import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { AppendResult, NewMessage } from '../types.js';
import type { CallJournalStore, NewOpenCall, OpenCallRecord, OpenCalls } from '../calls.js';
import type { MessageAppender } from './append.js';

interface OpenCallRow {
  call_id: string;
  conversation_id: string;
  caller_id: string;
  callee_id: string;
  audio: number;
  video: number;
  started_at: number;
  accepted_at: number | null;
  connected_at: number | null;
  owner_node: string;
}

function prepare(db: Database.Database) {
  return {
    insert: db.prepare<[callId: string, conversationId: string, callerId: string, calleeId: string, audio: number, video: number, startedAt: number, ownerNode: string]>(
      `INSERT INTO open_calls (call_id, conversation_id, caller_id, callee_id, audio, video, started_at, owner_node)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (call_id) DO NOTHING`,
    ),
    connected: db.prepare<[acceptedAt: number, connectedAt: number, callId: string]>('UPDATE open_calls SET accepted_at = ?, connected_at = ? WHERE call_id = ?'),
    remove: db.prepare<[string]>('DELETE FROM open_calls WHERE call_id = ?'),
    all: db.prepare<[], OpenCallRow>('SELECT * FROM open_calls ORDER BY started_at, call_id'),
  };
}

const toOpenCall = (r: OpenCallRow): OpenCallRecord => ({
  callId: r.call_id,
  conversationId: r.conversation_id,
  callerId: r.caller_id,
  calleeId: r.callee_id,
  media: { audio: r.audio === 1, video: r.video === 1 },
  startedAt: r.started_at,
  acceptedAt: r.accepted_at,
  connectedAt: r.connected_at,
  ownerNode: r.owner_node,
});

/**
 * When a database file was last written, from its files' modification times (the WAL's is its
 * last commit; the main file's its last checkpoint, which follows commits): null for a new or
 * in-memory database. Read before the store opens it, so it describes the previous run; that holds
 * only for a single writer (in shared-writer mode other live processes move these times, so the
 * store reports null instead).
 */
export function lastWriteOf(file: string): number | null {
  if (file === ':memory:' || file.startsWith('file:')) return null;
  let latest: number | null = null;
  for (const path of [file, `${file}-wal`]) {
    try {
      const mtime = Math.floor(statSync(path).mtimeMs);
      latest = latest === null ? mtime : Math.max(latest, mtime);
    } catch {
      // absent: a new database, or a WAL removed by a clean close
    }
  }
  return latest;
}

/**
 * {@link CallJournalStore} on SQLite: the `open_calls` table (one small row per call in progress,
 * one b-tree). A call's record and the removal of its row commit in one IMMEDIATE transaction of
 * the store's {@link MessageAppender}, so the record gets its seq and idempotency as any message.
 */
export class SqliteCallJournal implements CallJournalStore {
  private readonly s: ReturnType<typeof prepare>;

  /** `lastWriteAt`: {@link lastWriteOf} the file, read before it was opened (null in shared-writer mode). */
  constructor(
    db: Database.Database,
    private readonly appender: MessageAppender,
    private readonly lastWriteAt: number | null,
  ) {
    this.s = prepare(db);
  }

  async openCall(call: NewOpenCall): Promise<void> {
    const { callId, conversationId, callerId, calleeId, media, startedAt, ownerNode } = call;
    this.s.insert.run(callId, conversationId, callerId, calleeId, media.audio ? 1 : 0, media.video ? 1 : 0, startedAt, ownerNode);
  }

  async markCallConnected(callId: string, at: { acceptedAt: number; connectedAt: number }): Promise<void> {
    this.s.connected.run(at.acceptedAt, at.connectedAt, callId);
  }

  async closeCall(callId: string, record: NewMessage): Promise<AppendResult> {
    return this.appender.transaction((append) => {
      const [result] = append([record]);
      this.s.remove.run(callId);
      return result!;
    });
  }

  async listOpenCalls(): Promise<OpenCalls> {
    return { calls: this.s.all.all().map(toOpenCall), lastWriteAt: this.lastWriteAt };
  }
}
