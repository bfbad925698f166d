import { Transform, type TransformCallback } from 'node:stream';
import { ErrorCode } from '@quickchat/protocol';
import { AppError } from '../../errors.js';
import { detectFileType, SNIFF_BYTES, type FileType } from './file-types.js';

/**
 * Passes an upload's bytes through unchanged and decides its type from the first
 * {@link SNIFF_BYTES} of them as they stream by: a refused type fails the stream with a
 * `validation` error there and then, so the rest is never read. After the stream ends, `type`
 * is the detected type.
 */
export class UploadSniffer extends Transform {
  /** The detected type, once enough bytes went by (always set once the stream ended without error). */
  type: FileType | null = null;
  private head: Buffer[] = [];
  private headBytes = 0;

  constructor(private readonly name: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.type === null) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
      if (this.headBytes >= SNIFF_BYTES) {
        const refusal = this.decide(false);
        if (refusal) return done(refusal);
      }
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    done(this.type === null ? this.decide(true) : null);
  }

  private decide(complete: boolean): AppError | null {
    const head = Buffer.concat(this.head).subarray(0, SNIFF_BYTES);
    this.head = [];
    const detected = detectFileType(head, this.name, complete);
    if ('refused' in detected) return new AppError(ErrorCode.Validation, detected.refused);
    this.type = detected;
    return null;
  }
}
