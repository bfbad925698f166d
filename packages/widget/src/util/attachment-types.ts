import type { Attachment } from '@quickchat/sdk/messages';

/**
 * A short-lived link to a file, or to its thumbnail: the SDK's `messagesOf(client).fileUrl`.
 * Asked again whenever a link is needed (the SDK reuses one until shortly before it expires).
 */
export type FileUrl = (attachmentId: string, variant?: 'thumbnail') => Promise<string>;

/** Starts an upload: the SDK's `messagesOf(client).upload` (`done` rejects with code `cancelled` after `cancel()`). */
export type UploadFn = (
  conversationId: string,
  file: File,
  name: string,
  options: { onProgress: (progress: { loaded: number; total: number }) => void },
) => { done: Promise<{ attachment: Attachment }>; cancel(): void };

/** The server's file limits, as announced in `ready` (`client.limits`' `messages`). */
export interface UploadLimits {
  /** Most files one message may carry. */
  maxAttachments: number;
  /** Largest file, in bytes. */
  maxUploadBytes: number;
}

/** Why a file was not uploaded, for the tray to say. */
export type Refusal =
  | { kind: 'tooLarge'; max: number }
  | { kind: 'tooMany'; max: number }
  | { kind: 'type' | 'name' | 'empty' | 'quota' | 'network' | 'failed' };

/** One file in the composer's upload tray. */
export interface UploadItem {
  /** The tray's own id for the row (not the attachment's). */
  id: string;
  name: string;
  size: number;
  /** Bytes sent so far, of `total`. */
  loaded: number;
  total: number;
  state: 'uploading' | 'done' | 'failed' | 'cancelled';
  /** Why it failed (`failed` only). */
  error?: Refusal;
  /** The stored file's id, to name in the message (`done` only). */
  attachmentId?: string;
}
