import { ApiError } from '@quickchat/sdk';
import type { MessagesManager } from '@quickchat/sdk/messages';
import type { FileUrl, UploadFn } from '../util/attachment-types.js';

/** What the attachments use of `messagesOf(client)`. */
type Files = Pick<MessagesManager, 'upload' | 'fileUrl'>;

/**
 * An {@link UploadFn} over the SDK's `messagesOf(client)`, which may still be loading (`manager`:
 * e.g. a `lazyChunk` of `import('@quickchat/sdk/messages')`): the upload starts once it is there.
 * Cancelled before that, nothing is sent and `done` rejects with `cancelled`, as the SDK's would.
 */
export function uploadVia(manager: () => Promise<Files>): UploadFn {
  return (conversationId, file, name, options) => {
    let cancelled = false;
    let cancelInner: (() => void) | null = null;
    const done = manager().then((m) => {
      if (cancelled) throw new ApiError('cancelled', 'upload cancelled', 0);
      const handle = m.upload(conversationId, file, name, options);
      cancelInner = handle.cancel;
      return handle.done;
    });
    return {
      done,
      cancel: () => {
        cancelled = true;
        cancelInner?.();
      },
    };
  };
}

/** A {@link FileUrl} over the SDK's `messagesOf(client).fileUrl` (the original unless `thumbnail`), once `manager` is there. */
export function fileUrlVia(manager: () => Promise<Files>): FileUrl {
  return (attachmentId, variant) => manager().then((m) => m.fileUrl(attachmentId, variant ?? 'original'));
}
