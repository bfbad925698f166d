import type Database from 'better-sqlite3';
import type { Attachment } from '@quickchat/protocol';
import { describeAttachment } from '../attachments.js';
import { toAttachmentRecord, type AttachmentRow } from './attachment-rows.js';
import { blobKeysOf } from './attachments.js';

/**
 * Binding uploaded files to the message that carries them, for the message appender: both
 * methods are synchronous and meant to run inside the transaction that writes the message, so
 * the message and its files commit together or not at all.
 */
export interface AttachmentClaims {
  /**
   * Binds unsent uploads of `senderId` made for `conversationId` to message `seq`; returns their
   * descriptions in the given order, or `{ refused: <clear reason naming the id> }` if any id is
   * unknown, not the sender's, for another conversation, already sent, or expired. Writes
   * nothing when refused.
   */
  claim(conversationId: string, senderId: string, seq: number, ids: readonly string[]): Attachment[] | { refused: string };
  /**
   * Detaches every file of message `seq` (the message was deleted): deletes their rows and
   * returns their blob keys (original and thumbnail), which the caller deletes after commit.
   */
  release(conversationId: string, seq: number): string[];
}

/** Options of {@link prepareAttachmentClaims}. */
export interface AttachmentClaimOptions {
  /** Clock deciding whether an upload expired; injectable for tests. Default `Date.now`. */
  now?: () => number;
}

/**
 * Prepares {@link AttachmentClaims} on the store's connection. A claim runs in a savepoint of
 * the caller's transaction (or in its own transaction when there is none), so a refusal leaves
 * no write behind either way.
 *
 * An id that does not exist, belongs to someone else or was uploaded for another conversation
 * gets one and the same refusal, so ids cannot be probed through claims.
 */
export function prepareAttachmentClaims(db: Database.Database, { now = Date.now }: AttachmentClaimOptions = {}): AttachmentClaims {
  const byId = db.prepare<[string], AttachmentRow>('SELECT * FROM attachments WHERE id = ?');
  const bind = db.prepare<[number, string]>('UPDATE attachments SET seq = ? WHERE id = ? AND seq IS NULL');
  const ofMessage = db.prepare<[string, number], Pick<AttachmentRow, 'blob_key' | 'thumb_key'>>(
    'SELECT blob_key, thumb_key FROM attachments WHERE conversation_id = ? AND seq = ?',
  );
  const deleteOfMessage = db.prepare<[string, number]>('DELETE FROM attachments WHERE conversation_id = ? AND seq = ?');

  const claim = db.transaction((conversationId: string, senderId: string, seq: number, ids: readonly string[]): Attachment[] | { refused: string } => {
    const at = now();
    const rows: AttachmentRow[] = [];
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) return { refused: `attachment ${id} is listed twice` };
      seen.add(id);
      const row = byId.get(id);
      if (!row || row.owner_id !== senderId || row.conversation_id !== conversationId) {
        return { refused: `attachment ${id} is not a file you uploaded to this conversation` };
      }
      if (row.seq !== null) return { refused: `attachment ${id} was already sent in a message; upload it again to send it again` };
      if (row.expires_at <= at) return { refused: `attachment ${id} expired before it was sent; upload it again` };
      rows.push(row);
    }
    for (const row of rows) bind.run(seq, row.id);
    return rows.map((row) => describeAttachment(toAttachmentRecord(row)));
  });

  const release = db.transaction((conversationId: string, seq: number): string[] => {
    const keys = ofMessage.all(conversationId, seq).flatMap(blobKeysOf);
    if (keys.length > 0) deleteOfMessage.run(conversationId, seq);
    return keys;
  });

  return {
    // IMMEDIATE when on their own (a savepoint inside the caller's transaction): they read, then write.
    claim: (conversationId, senderId, seq, ids) => (ids.length === 0 ? [] : claim.immediate(conversationId, senderId, seq, ids)),
    release: (conversationId, seq) => release.immediate(conversationId, seq),
  };
}
