import type Database from 'better-sqlite3';
import type { AttachmentRecord, AttachmentStore, NewUpload } from '../attachments.js';
import { fromNewUpload, toAttachmentRecord, type AttachmentRow } from './attachment-rows.js';

function prepare(db: Database.Database) {
  return {
    insert: db.prepare<[Omit<AttachmentRow, 'seq'>]>(
      `INSERT INTO attachments (id, owner_id, conversation_id, seq, name, mime, size, width, height, blob_key, thumb_key, created_at, expires_at)
       VALUES (@id, @owner_id, @conversation_id, NULL, @name, @mime, @size, @width, @height, @blob_key, @thumb_key, @created_at, @expires_at)`,
    ),
    byId: db.prepare<[string], AttachmentRow>('SELECT * FROM attachments WHERE id = ?'),
    storedBytes: db.prepare<[string], number>('SELECT COALESCE(SUM(size), 0) FROM attachments WHERE owner_id = ?').pluck(),
    unsentOf: db.prepare<[string, string], AttachmentRow>('SELECT * FROM attachments WHERE id = ? AND owner_id = ? AND seq IS NULL'),
    deleteById: db.prepare<[string]>('DELETE FROM attachments WHERE id = ?'),
    referenced: db
      .prepare<[string, string], string>(
        `SELECT blob_key FROM attachments WHERE blob_key IN (SELECT value FROM json_each(?))
         UNION ALL SELECT thumb_key FROM attachments WHERE thumb_key IN (SELECT value FROM json_each(?))`,
      )
      .pluck(),
    expired: db.prepare<[number, number], Pick<AttachmentRow, 'id' | 'blob_key' | 'thumb_key'>>(
      'SELECT id, blob_key, thumb_key FROM attachments WHERE seq IS NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?',
    ),
  };
}

/** Blob keys of a row: its original's, then its thumbnail's if it has one. */
export const blobKeysOf = (row: Pick<AttachmentRow, 'blob_key' | 'thumb_key'>): string[] => (row.thumb_key === null ? [row.blob_key] : [row.blob_key, row.thumb_key]);

/**
 * {@link AttachmentStore} on SQLite. The quota check and the insert are one IMMEDIATE
 * transaction, and so is each delete with the read of the keys it returns.
 */
export class SqliteAttachments implements AttachmentStore {
  private readonly s: ReturnType<typeof prepare>;
  private readonly insertTx: Database.Transaction<(upload: NewUpload, quotaBytes: number) => boolean>;
  private readonly deleteUploadTx: Database.Transaction<(id: string, ownerId: string) => string[] | null>;
  private readonly deleteExpiredTx: Database.Transaction<(now: number, limit: number) => { deleted: number; blobKeys: string[] }>;

  constructor(db: Database.Database) {
    this.s = prepare(db);
    this.insertTx = db.transaction((upload: NewUpload, quotaBytes: number) => {
      if (this.s.storedBytes.get(upload.ownerId)! + upload.size > quotaBytes) return false;
      this.s.insert.run(fromNewUpload(upload));
      return true;
    });
    this.deleteUploadTx = db.transaction((id: string, ownerId: string) => {
      const row = this.s.unsentOf.get(id, ownerId);
      if (!row) return null;
      this.s.deleteById.run(id);
      return blobKeysOf(row);
    });
    this.deleteExpiredTx = db.transaction((now: number, limit: number) => {
      const rows = this.s.expired.all(now, limit);
      for (const row of rows) this.s.deleteById.run(row.id);
      return { deleted: rows.length, blobKeys: rows.flatMap(blobKeysOf) };
    });
  }

  async insertUpload(upload: NewUpload, quotaBytes: number): Promise<boolean> {
    return this.insertTx.immediate(upload, quotaBytes);
  }

  async getAttachment(id: string): Promise<AttachmentRecord | null> {
    const row = this.s.byId.get(id);
    return row ? toAttachmentRecord(row) : null;
  }

  async storedBytesOf(ownerId: string): Promise<number> {
    return this.s.storedBytes.get(ownerId)!;
  }

  async deleteUpload(id: string, ownerId: string): Promise<string[] | null> {
    return this.deleteUploadTx.immediate(id, ownerId);
  }

  async deleteExpiredUploads(now: number, limit: number): Promise<{ deleted: number; blobKeys: string[] }> {
    return this.deleteExpiredTx.immediate(now, limit);
  }

  async referencedBlobKeys(keys: readonly string[]): Promise<Set<string>> {
    const list = JSON.stringify(keys);
    return new Set(this.s.referenced.all(list, list));
  }
}
