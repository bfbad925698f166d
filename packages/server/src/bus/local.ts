import type { Bus } from './types.js';

/**
 * In-process bus: the default for a single node. Handlers run synchronously on publish. Each
 * `subscribe` is its own subscription (the same function subscribed twice is called twice and
 * unsubscribed separately). A throwing handler never stops delivery to the others.
 */
export class LocalBus implements Bus {
  private readonly topics = new Map<string, Set<(payload: string) => void>>();
  private closed = false;

  /** @param onHandlerError receives errors thrown by handlers (default: ignored). */
  constructor(private readonly onHandlerError: (err: unknown, topic: string) => void = () => {}) {}

  publish(topic: string, payload: string): void {
    if (this.closed) return;
    const handlers = this.topics.get(topic);
    if (!handlers) return;
    for (const handler of handlers) {
      try {
        handler(payload);
      } catch (err) {
        this.onHandlerError(err, topic);
      }
    }
  }

  subscribe(topic: string, handler: (payload: string) => void): () => void {
    if (this.closed) return () => {};
    let handlers = this.topics.get(topic);
    if (!handlers) this.topics.set(topic, (handlers = new Set()));
    const subscription = (payload: string) => handler(payload);
    handlers.add(subscription);
    return () => {
      handlers.delete(subscription);
      if (handlers.size === 0 && this.topics.get(topic) === handlers) this.topics.delete(topic);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.topics.clear();
  }
}
