import type { AppendResult, NewMessage, Store } from '../store/types.js';

/** Told once a queued message's batch committed (`err` null, with the result) or failed. */
export type WriteCallback = (err: unknown, result?: AppendResult) => void;

interface Pending {
  message: NewMessage;
  done: WriteCallback;
}

/**
 * Group commit: messages submitted during one event-loop turn are written in one store
 * transaction, and each callback runs only after that transaction committed. One batch is in
 * flight at a time, so a sender's messages are stored in the order they were submitted.
 * Callbacks rather than a promise per message: a batch of 500 then costs no 500 microtasks.
 */
export class MessageWriter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly maxBatch = 512,
  ) {}

  /** Queues a message; `done` gets the stored message (or the original, if a duplicate). */
  write(message: NewMessage, done: WriteCallback): void {
    this.queue.push({ message, done });
    this.schedule();
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
    let results: AppendResult[];
    try {
      results = await this.store.appendMessages(batch.map((p) => p.message));
    } catch (err) {
      return settle(batch, () => err, () => undefined);
    }
    settle(batch, () => null, (i) => results[i]);
  }
}

/**
 * Runs every callback of a batch, even when one throws; the first error thrown is rethrown after
 * the last callback, so it surfaces as before instead of silently cutting the batch short.
 */
function settle(batch: Pending[], errorOf: () => unknown, resultOf: (index: number) => AppendResult | undefined): void {
  let thrown: { err: unknown } | null = null;
  for (let i = 0; i < batch.length; i++) {
    try {
      batch[i]!.done(errorOf(), resultOf(i));
    } catch (err) {
      thrown ??= { err };
    }
  }
  if (thrown) throw thrown.err;
}
