import type { Bus } from './types.js';

/** In-process bus: the default for a single node. Handlers run synchronously on publish. */
export class LocalBus implements Bus {
  private readonly topics = new Map<string, Set<(payload: string) => void>>();

  publish(topic: string, payload: string): void {
    const handlers = this.topics.get(topic);
    if (!handlers) return;
    for (const handler of handlers) handler(payload);
  }

  subscribe(topic: string, handler: (payload: string) => void): () => void {
    let handlers = this.topics.get(topic);
    if (!handlers) this.topics.set(topic, (handlers = new Set()));
    handlers.add(handler);
    return () => {
      handlers.delete(handler);
      if (handlers.size === 0 && this.topics.get(topic) === handlers) this.topics.delete(topic);
    };
  }

  async close(): Promise<void> {
    this.topics.clear();
  }
}
