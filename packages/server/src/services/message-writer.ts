import type { AppendResult, NewMessage, Store } from '../store/types.js';

interface Pending {
  message: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: messages submitted during one event-loop turn are written in one store
 * transaction, and each promise resolves only after that transaction committed. One batch is
 * in flight at a time, so a sender's messages are stored in the order they were submitted.
 */
export class MessageWriter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly maxBatch = 512,
  ) {}

  /** Queues a message; resolves with the stored message (or the original, if a duplicate). */
  write(message: NewMessage): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when everything queued so far has been written. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing || this.scheduled) {
      if (this.flushing) await this.flushing;
      else await new Promise((r) => setImmediate(r));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flushing = this.flush().finally(() => {
        this.flushing = null;
        if (this.queue.length > 0) this.schedule();
      });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    try {
      const results = await this.store.appendMessages(batch.map((p) => p.message));
      batch.forEach((p, i) => p.resolve(results[i] as AppendResult));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
