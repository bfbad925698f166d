import { createElement, type ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { createStore } from '@quickchat/sdk';
import { useStore } from '../state/use-store.js';
import { loadAttachments, loadedAttachmentsChunk } from './lazy-attachments.js';
import type { UploadQueue } from '../features/attachments/upload-queue.js';
import type { UploadFn, UploadItem, UploadLimits } from '../util/attachment-types.js';

/** What a composer gets from {@link useUploads}. */
export interface Uploads {
  /** The tray's rows. */
  items: readonly UploadItem[];
  /** The upload tray, ready to render above the text box (null while there are no files). */
  tray: ComponentChildren;
  /** Checks and uploads files (from `filesFromEvent`); the first call loads the attachments chunk. */
  add(files: readonly File[]): void;
  /** The queue behind the tray, once there is one: `attachmentIds()`, `busy()`, `clear()` after sending. */
  queue: UploadQueue | null;
  /** True when the chunk could not be loaded for the last files added (say `state.loadFailed`; adding again retries). */
  loadFailed: boolean;
}

const NO_ITEMS = createStore<readonly UploadItem[]>([]);

/**
 * The composer's uploads for `conversationId`, with the controller and the tray loaded on the
 * first file (the attachments chunk), so a composer that never sends a file never fetches them.
 * A fresh queue per conversation; leaving it (or unmounting) cancels what is still running.
 * `upload` is the SDK's `messagesOf(client).upload`; `limits` reads the server's current limits
 * (`() => client.limits.getState()?.messages ?? null`).
 */
export function useUploads(conversationId: string, upload: UploadFn, limits: () => UploadLimits | null): Uploads {
  const [made, setMade] = useState<{ conversationId: string; queue: UploadQueue } | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  /** The queue being made for a conversation (files added meanwhile join it). */
  const making = useRef<{ conversationId: string; queue: Promise<UploadQueue> } | null>(null);
  const queue = made?.conversationId === conversationId ? made.queue : null;
  useLayoutEffect(
    () => () => {
      queue?.dispose();
      making.current = null;
    },
    [queue, conversationId],
  );
  const items = useStore(queue?.items ?? NO_ITEMS, (all) => all, [queue]);
  const add = (files: readonly File[]) => {
    if (files.length === 0) return;
    if (queue) return queue.add(files);
    if (making.current?.conversationId !== conversationId) {
      const pending = loadAttachments().then((m) => new m.UploadQueue(conversationId, upload, limits));
      making.current = { conversationId, queue: pending };
      pending.then(
        (q) => making.current?.queue === pending && setMade({ conversationId, queue: q }),
        () => {
          if (making.current?.queue === pending) making.current = null;
          setLoadFailed(true);
        },
      );
    }
    const wanted = making.current!;
    setLoadFailed(false);
    wanted.queue.then(
      (q) => making.current === wanted && q.add(files),
      () => undefined,
    );
  };
  const chunk = loadedAttachmentsChunk();
  const tray =
    queue && chunk && items.length
      ? createElement(chunk.UploadTray, { items, onCancel: (id) => queue.cancel(id), onRemove: (id) => queue.remove(id), onRetry: (id) => queue.retry(id) })
      : null;
  return { items, tray, add, queue, loadFailed };
}
