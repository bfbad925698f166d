import type { ClientSession } from 'mongoose';
import type { Attachment } from '@quickchat/protocol';
import type { AttachmentRecord, AttachmentStore, NewUpload } from '@quickchat/server';
import type { Ctx } from './context.js';
import { filters, inStrings, int, lte, str, strOrNull, strs } from './filters.js';
import type { AttachmentDoc } from './schemas.js';

/** Thrown inside the upload transaction to abort it when the quota would be passed. */
class OverQuota extends Error {}

/** Blob keys of a file: its original's, then its thumbnail's if it has one. */
const blobKeysOf = (doc: Pick<AttachmentDoc, 'blobKey' | 'thumbKey'>): string[] => (doc.thumbKey === null ? [doc.blobKey] : [doc.blobKey, doc.thumbKey]);

function toRecord(d: AttachmentDoc): AttachmentRecord {
  return {
    id: d._id,
    ownerId: d.ownerId,
    conversationId: d.conversationId,
    seq: d.seq,
    name: d.name,
    mime: d.mime,
    size: d.size,
    width: d.width,
    height: d.height,
    blobKey: d.blobKey,
    thumbKey: d.thumbKey,
    createdAt: d.createdAt,
    expiresAt: d.expiresAt,
  };
}

/** The description every member sees in a message's `content.attachments` (as the server's `describeAttachment`). */
function describe(d: AttachmentDoc): Attachment {
  return {
    id: d._id,
    name: d.name,
    mime: d.mime,
    size: d.size,
    ...(d.width !== null && d.height !== null ? { width: d.width, height: d.height } : {}),
    thumbnail: d.thumbKey !== null,
  };
}

/**
 * Binding uploaded files to the message that carries them, for the appender: both run inside the
 * transaction that writes the message, so the message and its files commit together or not at all.
 */
export interface FileClaims {
  /**
   * Binds unsent uploads of `senderId` for `conversationId` to message `seq`, in the given order;
   * or why not (an id unknown, someone else's, for another conversation, sent, or expired): then
   * nothing is written. One refusal for unknown, foreign and misplaced ids, so ids can't be probed.
   */
  claim(s: ClientSession, conversationId: string, senderId: string, seq: number, ids: readonly string[]): Promise<Attachment[] | { refused: string }>;
  /** Deletes the files of deleted message `seq` and returns their blob keys (deleted after commit). */
  release(s: ClientSession, conversationId: string, seq: number): Promise<string[]>;
}

/**
 * {@link AttachmentStore} and {@link FileClaims} on MongoDB. The quota check and the insert run in
 * one transaction that first writes the owner's lock document (`quota_locks`), so two concurrent
 * uploads of one owner are a write conflict: the later one is retried and sees the earlier one's
 * bytes. Each delete reads the keys it returns in its own transaction.
 */
export class MongoAttachments implements AttachmentStore, FileClaims {
  constructor(private readonly ctx: Ctx) {}

  async insertUpload(upload: NewUpload, quotaBytes: number): Promise<boolean> {
    const doc: AttachmentDoc = {
      _id: str(upload.id, 'attachment id'),
      ownerId: str(upload.ownerId, 'owner id'),
      conversationId: str(upload.conversationId, 'conversation id'),
      seq: null,
      name: str(upload.name, 'name'),
      mime: str(upload.mime, 'mime'),
      size: int(upload.size, 'size'),
      width: upload.width === null ? null : int(upload.width, 'width'),
      height: upload.height === null ? null : int(upload.height, 'height'),
      blobKey: str(upload.blobKey, 'blob key'),
      thumbKey: strOrNull(upload.thumbKey, 'thumb key'),
      createdAt: int(upload.createdAt, 'createdAt'),
      expiresAt: int(upload.expiresAt, 'expiresAt'),
    };
    const quota = int(quotaBytes, 'quota');
    const { attachments, quotaLocks } = this.ctx.models;
    try {
      await this.ctx.transact(async (s) => {
        await quotaLocks.updateOne({ _id: doc.ownerId }, { $inc: { n: 1 } }, { upsert: true, session: s });
        if ((await this.sumOf(doc.ownerId, s)) + doc.size > quota) throw new OverQuota();
        await attachments.insertMany([doc], { session: s });
      });
      return true;
    } catch (err) {
      if (err instanceof OverQuota) return false;
      throw err;
    }
  }

  async getAttachment(id: string): Promise<AttachmentRecord | null> {
    const doc = await this.ctx.models.attachments.findOne(filters.attachment(id)).lean<AttachmentDoc>();
    return doc ? toRecord(doc) : null;
  }

  async storedBytesOf(ownerId: string): Promise<number> {
    return this.sumOf(str(ownerId, 'owner id'), null);
  }

  async deleteUpload(id: string, ownerId: string): Promise<string[] | null> {
    const filter = filters.unsentUpload(id, ownerId);
    return this.ctx.transact(async (s) => {
      const doc = await this.ctx.models.attachments.findOneAndDelete(filter, { session: s }).lean<AttachmentDoc>();
      return doc ? blobKeysOf(doc) : null;
    });
  }

  async deleteExpiredUploads(now: number, limit: number): Promise<{ deleted: number; blobKeys: string[] }> {
    const at = int(now, 'now');
    const max = int(limit, 'limit');
    if (max <= 0) return { deleted: 0, blobKeys: [] };
    return this.ctx.transact(async (s) => {
      const { attachments } = this.ctx.models;
      const docs = await attachments.find({ seq: null, expiresAt: lte(at) }).sort({ expiresAt: 1 }).limit(max).session(s).lean<AttachmentDoc[]>();
      if (docs.length > 0) await attachments.deleteMany({ _id: inStrings(docs.map((d) => d._id)) }, { session: s });
      return { deleted: docs.length, blobKeys: docs.flatMap(blobKeysOf) };
    });
  }

  async referencedBlobKeys(keys: readonly string[]): Promise<Set<string>> {
    const list = strs(keys, 'blob keys');
    if (list.length === 0) return new Set();
    const { attachments } = this.ctx.models;
    const asBlob = await attachments.find({ blobKey: inStrings(list) }, { _id: 0, blobKey: 1 }).lean<{ blobKey: string }[]>();
    const asThumb = await attachments.find({ thumbKey: inStrings(list) }, { _id: 0, thumbKey: 1 }).lean<{ thumbKey: string }[]>();
    return new Set([...asBlob.map((d) => d.blobKey), ...asThumb.map((d) => d.thumbKey)]);
  }

  async claim(s: ClientSession, conversationId: string, senderId: string, seq: number, ids: readonly string[]): Promise<Attachment[] | { refused: string }> {
    if (ids.length === 0) return [];
    const at = this.ctx.now();
    const docs: AttachmentDoc[] = [];
    const seen = new Set<string>();
    for (const id of strs(ids, 'attachment ids')) {
      if (seen.has(id)) return { refused: `attachment ${id} is listed twice` };
      seen.add(id);
      const doc = await this.ctx.models.attachments.findOne(filters.attachment(id)).session(s).lean<AttachmentDoc>();
      if (!doc || doc.ownerId !== senderId || doc.conversationId !== conversationId) {
        return { refused: `attachment ${id} is not a file you uploaded to this conversation` };
      }
      if (doc.seq !== null) return { refused: `attachment ${id} was already sent in a message; upload it again to send it again` };
      if (doc.expiresAt <= at) return { refused: `attachment ${id} expired before it was sent; upload it again` };
      docs.push(doc);
    }
    for (const doc of docs) await this.ctx.models.attachments.updateOne({ _id: doc._id, seq: null }, { $set: { seq } }, { session: s });
    return docs.map(describe);
  }

  async release(s: ClientSession, conversationId: string, seq: number): Promise<string[]> {
    const { attachments } = this.ctx.models;
    const filter = { conversationId: str(conversationId, 'conversation id'), seq: int(seq, 'seq') };
    const docs = await attachments.find(filter, { blobKey: 1, thumbKey: 1 }).session(s).lean<Pick<AttachmentDoc, 'blobKey' | 'thumbKey'>[]>();
    if (docs.length > 0) await attachments.deleteMany(filter, { session: s });
    return docs.flatMap(blobKeysOf);
  }

  /** Bytes of every file of `ownerId`, sent or not (in `s`'s snapshot when given). */
  private async sumOf(ownerId: string, s: ClientSession | null): Promise<number> {
    const docs = await this.ctx.models.attachments.find({ ownerId }, { _id: 0, size: 1 }).session(s).lean<{ size: number }[]>();
    return docs.reduce((sum, d) => sum + d.size, 0);
  }
}
