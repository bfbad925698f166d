import { Readable } from 'node:stream';
import { ErrorCode, type FileLinkResponse, type UploadResponse } from '@quickchat/protocol';
import { AppError, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import { describeAttachment } from '../../store/attachments.js';
import type { AttachmentRecord } from '../../store/types.js';
import { BlobTooLargeError, type BlobStore, type ByteRange, type StoredBlob } from '../../blobs/types.js';
import type { ConversationAccess } from '../access/access.js';
import type { ServiceContext } from '../context.js';
import { checkFileName, type FileType } from './file-types.js';
import { decodeImage } from './images.js';
import { UploadSniffer } from './upload-sniffer.js';
import type { FileLinks, FileVariant } from './file-links.js';

/** A download a valid link grants: the file, which of its blobs, and until when. */
export interface GrantedDownload {
  file: AttachmentRecord;
  variant: FileVariant;
  /** The blob the variant's bytes are in. */
  blobKey: string;
  size: number;
  /** When the link stops working (ms since the epoch). */
  expiresAt: number;
}

/**
 * Files: uploads (checked as they stream in), cancelling unsent ones, download links for those
 * who may read a file, and deleting blobs once their rows are gone. Who may upload where and who
 * may read what is answered by {@link ConversationAccess}; bytes go to the {@link BlobStore}.
 * Binding files to a message happens in the message's own transaction (the store's claims).
 */
export class AttachmentService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly access: ConversationAccess,
    private readonly blobs: BlobStore,
    private readonly links: FileLinks,
  ) {}

  /**
   * Stores an upload of `userId` for `conversationId`, reading `body` once, as it streams: it is
   * cut off with `payload_too_large` when it passes `limits.maxUploadBytes` and with `validation`
   * as soon as its first bytes show a refused type. Images are decoded (a file that does not
   * decode as the type its bytes claim is refused), measured and thumbnailed. The quota
   * (`limits.uploadQuotaBytes`) is checked before reading (with the declared length, when there
   * is one) and enforced atomically when the row is written. Nothing is kept on any refusal.
   *
   * @param declaredBytes the request's Content-Length, when it has one
   */
  async upload(userId: string, conversationId: string, name: string, body: Readable, declaredBytes: number | undefined): Promise<UploadResponse> {
    const badName = checkFileName(name);
    if (badName) throw new AppError(ErrorCode.Validation, `name: ${badName.refused}`);
    await this.access.requireWritable(userId, conversationId);
    const { maxUploadBytes, uploadQuotaBytes, uploadTtlMs } = this.ctx.config.limits;
    if (declaredBytes === 0) throw new AppError(ErrorCode.Validation, 'the file is empty');
    if (declaredBytes !== undefined && declaredBytes > maxUploadBytes) throw tooLarge(maxUploadBytes);
    if ((await this.ctx.store.storedBytesOf(userId)) + (declaredBytes ?? 1) > uploadQuotaBytes) throw overQuota(uploadQuotaBytes);

    const { blob, type } = await this.receive(body, name, maxUploadBytes);
    const written = [blob.key];
    try {
      const createdAt = this.ctx.now();
      const record: AttachmentRecord = {
        id: newId('f'),
        ownerId: userId,
        conversationId,
        seq: null,
        name,
        mime: type.mime,
        size: blob.size,
        width: null,
        height: null,
        blobKey: blob.key,
        thumbKey: null,
        createdAt,
        expiresAt: createdAt + uploadTtlMs,
      };
      if (type.image) {
        const image = await decodeImage(await this.readAll(blob), type);
        const thumb = await this.blobs.put(Readable.from([image.thumbnail]), { maxBytes: image.thumbnail.length });
        written.push(thumb.key);
        Object.assign(record, { width: image.width, height: image.height, thumbKey: thumb.key });
      }
      if (!(await this.ctx.store.insertUpload(record, uploadQuotaBytes))) throw overQuota(uploadQuotaBytes);
      return { attachment: describeAttachment(record), expiresAt: record.expiresAt };
    } catch (err) {
      await this.discard(written);
      throw err;
    }
  }

  /** Deletes an unsent upload of `userId` and its bytes; "not found" when there is none (unknown, someone else's, or sent). */
  async cancel(userId: string, id: string): Promise<void> {
    const keys = await this.ctx.store.deleteUpload(id, userId);
    if (!keys) throw notFound('upload');
    await this.discard(keys);
  }

  /**
   * A short-lived link to one variant of a file, for someone who may read it: an unsent upload
   * only its uploader (until it expires); a sent one the members who can read its message (seq
   * above their floor). Everyone else gets the same "not found" as for a file that does not exist.
   */
  async link(userId: string, id: string, variant: FileVariant): Promise<FileLinkResponse> {
    const file = await this.readable(userId, id);
    if (variant === 'thumbnail' && file.thumbKey === null) throw notFound('thumbnail (only images have one)');
    return this.links.sign(file.id, variant);
  }

  /**
   * Checks a download link (`query` is the URL's: `v`, `exp`, `sig`) and resolves what it
   * grants: `forbidden` for a forged or expired link, checked before anything is looked up, and
   * "not found" when the file has been deleted since.
   */
  async grant(id: string, query: Record<string, unknown>): Promise<GrantedDownload> {
    const link = this.links.verify(id, query);
    if (link === 'invalid') throw new AppError(ErrorCode.Forbidden, 'this file link is not valid (altered, incomplete or not made by this server); ask the API for a new link');
    if (link === 'expired') throw new AppError(ErrorCode.Forbidden, 'this file link has expired; ask the API for a new link');
    const file = await this.ctx.store.getAttachment(id);
    const blobKey = link.variant === 'thumbnail' ? file?.thumbKey : file?.blobKey;
    const stat = blobKey ? await this.blobs.stat(blobKey) : null;
    if (!file || !blobKey || !stat) throw notFound('file');
    return { file, variant: link.variant, blobKey, size: stat.size, expiresAt: link.expiresAt };
  }

  /** The bytes of a granted download, or of the inclusive `range` of them. */
  async open(download: GrantedDownload, range?: ByteRange): Promise<Readable> {
    const stream = await this.blobs.open(download.blobKey, range);
    if (!stream) throw notFound('file');
    return stream;
  }

  /**
   * Deletes blobs whose rows are gone (a deleted message's files, released by the store in the
   * delete's transaction). Never throws: a blob it fails to delete is an orphan, which the
   * sweeper deletes later.
   */
  async discard(blobKeys: string[]): Promise<void> {
    if (blobKeys.length === 0) return;
    try {
      await this.blobs.delete(blobKeys);
    } catch (err) {
      this.ctx.log.warn({ err, blobKeys }, 'could not delete file blobs; the upload sweeper will retry');
    }
  }

  private async readable(userId: string, id: string): Promise<AttachmentRecord> {
    const file = await this.ctx.store.getAttachment(id);
    if (!file) throw notFound('file');
    if (file.seq === null) {
      if (file.ownerId !== userId || file.expiresAt <= this.ctx.now()) throw notFound('file');
      return file;
    }
    let floor: number;
    try {
      floor = await this.access.requireReadable(userId, file.conversationId);
    } catch (err) {
      if (err instanceof AppError && (err.code === ErrorCode.NotFound || err.code === ErrorCode.Forbidden)) throw notFound('file');
      throw err;
    }
    if (file.seq <= floor) throw notFound('file');
    return file;
  }

  /** Streams `body` into the blob store through the type sniffer; the body is left paused, never destroyed, on a refusal (so the refusal can still be sent). */
  private async receive(body: Readable, name: string, maxBytes: number): Promise<{ blob: StoredBlob; type: FileType }> {
    const sniffer = new UploadSniffer(name);
    // The body starts flowing now, but the blob store reads the sniffer only once it is ready;
    // a refusal in between must not go unhandled. The store's pipeline still sees it (the
    // sniffer is left errored) and rejects with it.
    sniffer.on('error', () => undefined);
    const interrupted = () => {
      if (!body.readableEnded) sniffer.destroy(new AppError(ErrorCode.Validation, 'the upload was interrupted before the whole file arrived'));
    };
    body.once('close', interrupted);
    body.once('error', interrupted);
    body.pipe(sniffer);
    try {
      const blob = await this.blobs.put(sniffer, { maxBytes });
      return { blob, type: sniffer.type! };
    } catch (err) {
      body.unpipe(sniffer);
      body.pause();
      throw err instanceof BlobTooLargeError ? tooLarge(maxBytes) : err;
    } finally {
      body.off('close', interrupted);
      body.off('error', interrupted);
    }
  }

  /** A stored image's bytes (at most `maxUploadBytes`), for decoding. */
  private async readAll(blob: StoredBlob): Promise<Buffer> {
    const stream = await this.blobs.open(blob.key);
    if (!stream) throw new Error(`blob ${blob.key} vanished while its upload was processed`);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks, blob.size);
  }
}

const tooLarge = (maxBytes: number): AppError => new AppError(ErrorCode.PayloadTooLarge, `the file is larger than this server accepts (at most ${maxBytes} bytes)`);

const overQuota = (quotaBytes: number): AppError =>
  new AppError(ErrorCode.PayloadTooLarge, `this upload would take your stored files past your quota of ${quotaBytes} bytes; delete messages with files, or cancel unsent uploads, first`);
