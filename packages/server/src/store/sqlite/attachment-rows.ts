import type { AttachmentRecord, NewUpload } from '../attachments.js';

/** A row of the `attachments` table. */
export interface AttachmentRow {
  id: string;
  owner_id: string;
  conversation_id: string;
  seq: number | null;
  name: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  blob_key: string;
  thumb_key: string | null;
  created_at: number;
  expires_at: number;
}

export function toAttachmentRecord(row: AttachmentRow): AttachmentRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    conversationId: row.conversation_id,
    seq: row.seq,
    name: row.name,
    mime: row.mime,
    size: row.size,
    width: row.width,
    height: row.height,
    blobKey: row.blob_key,
    thumbKey: row.thumb_key,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

export function fromNewUpload(upload: NewUpload): Omit<AttachmentRow, 'seq'> {
  return {
    id: upload.id,
    owner_id: upload.ownerId,
    conversation_id: upload.conversationId,
    name: upload.name,
    mime: upload.mime,
    size: upload.size,
    width: upload.width,
    height: upload.height,
    blob_key: upload.blobKey,
    thumb_key: upload.thumbKey,
    created_at: upload.createdAt,
    expires_at: upload.expiresAt,
  };
}
