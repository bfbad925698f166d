import type { Refusal, UploadLimits } from '../../util/attachment-types.js';

/** What {@link checkFiles} decided: files to upload, and the others with why not. */
export interface CheckedFiles {
  accepted: File[];
  refused: { file: File; refusal: Refusal }[];
}

/**
 * Checks `files` against the server's limits before anything is uploaded: at most
 * `maxAttachments` per message (counting the `pending` files already in the tray; the extras are
 * refused, in order), none larger than `maxUploadBytes`, none empty. With no limits yet (before
 * the first `ready`) only emptiness is checked; the server decides the rest. The type is for the
 * server to judge (it reads the bytes), so it is not guessed here.
 */
export function checkFiles(files: readonly File[], limits: UploadLimits | null, pending: number): CheckedFiles {
  const result: CheckedFiles = { accepted: [], refused: [] };
  for (const file of files) {
    let refusal: Refusal | null = null;
    if (file.size === 0) refusal = { kind: 'empty' };
    else if (limits && file.size > limits.maxUploadBytes) refusal = { kind: 'tooLarge', max: limits.maxUploadBytes };
    else if (limits && pending + result.accepted.length >= limits.maxAttachments) refusal = { kind: 'tooMany', max: limits.maxAttachments };
    if (refusal) result.refused.push({ file, refusal });
    else result.accepted.push(file);
  }
  return result;
}
