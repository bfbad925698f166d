import { createStore, type ReadableStore } from '@quickchat/sdk';
import { checkFiles } from './check.js';
import { refusalOf } from './refusals.js';
import type { UploadFn, UploadItem, UploadLimits } from '../../util/attachment-types.js';

let rowIds = 0;

/**
 * The composer's uploads for one conversation: checks files against the server's limits, uploads
 * the accepted ones through `upload` (the SDK's `messagesOf(client).upload`) with their progress,
 * and keeps the rows the tray shows (`items`). A refused file gets a failed row that says why;
 * a cancelled upload's row goes away. Once the text is sent with {@link attachmentIds}, call
 * {@link clear}; {@link dispose} cancels whatever is still running (leaving the conversation).
 */
export class UploadQueue {
  private readonly store = createStore<readonly UploadItem[]>([]);
  /** Running uploads' cancel functions, and every row's file (for a retry), by row id. */
  private readonly running = new Map<string, () => void>();
  private readonly files = new Map<string, File>();

  constructor(
    private readonly conversationId: string,
    private readonly upload: UploadFn,
    private readonly limits: () => UploadLimits | null,
  ) {}

  /** The tray's rows, in the order the files were added. */
  get items(): ReadableStore<readonly UploadItem[]> {
    return this.store;
  }

  /** Checks `files` (see `checkFiles`) and starts uploading those that pass; the others show why they were refused. */
  add(files: readonly File[]): void {
    const pending = this.store.getState().filter((i) => i.state === 'uploading' || i.state === 'done').length;
    const { accepted, refused } = checkFiles(files, this.limits(), pending);
    const rows: UploadItem[] = [];
    for (const { file, refusal } of refused) rows.push({ ...this.row(file), state: 'failed', error: refusal });
    const started = accepted.map((file) => ({ ...this.row(file), state: 'uploading' as const }));
    this.store.update((items) => [...items, ...rows, ...started]);
    for (const item of started) this.start(item.id);
  }

  /** Stops a running upload and removes its row. */
  cancel(id: string): void {
    this.remove(id);
  }

  /** Removes a row (a finished file is then not sent; the server deletes unsent uploads after a day). */
  remove(id: string): void {
    this.running.get(id)?.();
    this.running.delete(id);
    this.files.delete(id);
    this.store.update((items) => items.filter((i) => i.id !== id));
  }

  /** Uploads a failed file again (after a network failure). */
  retry(id: string): void {
    if (!this.files.has(id) || this.running.has(id)) return;
    this.patch(id, { state: 'uploading', loaded: 0, error: undefined });
    this.start(id);
  }

  /** The finished files' ids, for the message's `attachments`. */
  attachmentIds(): string[] {
    return this.store.getState().flatMap((i) => (i.state === 'done' && i.attachmentId ? [i.attachmentId] : []));
  }

  /** True while a file is still uploading (the message should wait for it). */
  busy(): boolean {
    return this.running.size > 0;
  }

  /** Drops the finished rows (after sending them); failed rows stay until removed. */
  clear(): void {
    for (const item of this.store.getState()) if (item.state === 'done') this.files.delete(item.id);
    this.store.update((items) => items.filter((i) => i.state !== 'done'));
  }

  /** Cancels every running upload and empties the tray. */
  dispose(): void {
    for (const cancel of this.running.values()) cancel();
    this.running.clear();
    this.files.clear();
    this.store.update(() => []);
  }

  private row(file: File): UploadItem {
    const id = `qc-up-${++rowIds}`;
    this.files.set(id, file);
    return { id, name: file.name, size: file.size, loaded: 0, total: file.size, state: 'uploading' };
  }

  private start(id: string): void {
    const file = this.files.get(id)!;
    const handle = this.upload(this.conversationId, file, file.name, { onProgress: ({ loaded, total }) => this.running.has(id) && this.patch(id, { loaded, total }) });
    this.running.set(id, handle.cancel);
    handle.done.then(
      ({ attachment }) => {
        if (!this.running.delete(id)) return;
        this.patch(id, { state: 'done', loaded: file.size, total: file.size, attachmentId: attachment.id });
      },
      (err: unknown) => {
        if (!this.running.delete(id)) return; // cancelled or removed: its row is gone
        this.patch(id, { state: 'failed', error: refusalOf(err, this.limits()?.maxUploadBytes ?? null) });
      },
    );
  }

  private patch(id: string, change: Partial<UploadItem>): void {
    this.store.update((items) => items.map((i) => (i.id === id ? { ...i, ...change } : i)));
  }
}
