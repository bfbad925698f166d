import type { Bus, Subscription } from './types.js';
import type { BusMessage } from './messages.js';
import type { Topic } from './topics.js';
import { decodeBusEnvelope, encodeBusEnvelope } from './codec.js';

/** How a {@link LocalBus} behaves. The defaults are the fast single-node ones. */
export interface LocalBusOptions {
  /** Receives errors thrown by handlers, and messages that failed to decode (default: ignored). */
  onHandlerError?: (err: unknown, topic: string) => void;
  /**
   * `sync` (default): handlers run inside `publish`. `deferred`: like a network bus, handlers
   * run on a later turn of the event loop (in publish order), and a subscription is live only
   * from the turn after `subscribe`. Tests use `deferred` to prove that nothing relies on
   * synchronous delivery.
   */
  delivery?: 'sync' | 'deferred';
  /** Round-trip every message through the bus codec, as a network bus would (default false). */
  serialize?: boolean;
}

type Handler = (message: BusMessage) => void;

interface Entry {
  handler: Handler;
  /** False until the subscription is live (deferred delivery only). */
  live: boolean;
}

const READY: Promise<void> = Promise.resolve();

/** The origin written on serialized messages: a LocalBus is one node and never sees another's. */
const LOCAL_ORIGIN = 'local';

/**
 * In-process bus: the default for a single node. Each `subscribe` is its own subscription (the
 * same function subscribed twice is called twice and unsubscribed separately). A throwing
 * handler never stops delivery to the others.
 */
export class LocalBus implements Bus {
  private readonly topics = new Map<string, Set<Entry>>();
  private readonly onHandlerError: (err: unknown, topic: string) => void;
  private readonly deferred: boolean;
  private readonly serialize: boolean;
  /** Deferred deliveries waiting for the next turn, in publish order. */
  private queue: (() => void)[] = [];
  private closed = false;

  constructor(options: LocalBusOptions = {}) {
    this.onHandlerError = options.onHandlerError ?? (() => {});
    this.deferred = options.delivery === 'deferred';
    this.serialize = options.serialize ?? false;
  }

  publish<M extends BusMessage>(topic: Topic<M>, message: M): void {
    if (this.closed) return;
    const entries = this.topics.get(topic.name);
    if (!entries) return;
    const payload = this.serialize ? encodeBusEnvelope(LOCAL_ORIGIN, message) : message;
    if (!this.deferred) return this.deliver(topic, entries, payload);
    // Only subscriptions live at publish time receive it, as on a network bus.
    const live = [...entries].filter((e) => e.live);
    this.later(() => this.deliver(topic, new Set(live), payload));
  }

  /** In one process every later publish is queued behind this one: confirmed at once. */
  publishConfirmed<M extends BusMessage>(topic: Topic<M>, message: M): Promise<void> {
    this.publish(topic, message);
    return READY;
  }

  subscribe<M extends BusMessage>(topic: Topic<M>, handler: (message: M) => void): Subscription {
    if (this.closed) return { ready: READY, unsubscribe: () => {} };
    let entries = this.topics.get(topic.name);
    if (!entries) this.topics.set(topic.name, (entries = new Set()));
    const entry: Entry = { handler: handler as Handler, live: !this.deferred };
    entries.add(entry);
    const unsubscribe = () => {
      entries.delete(entry);
      if (entries.size === 0 && this.topics.get(topic.name) === entries) this.topics.delete(topic.name);
    };
    if (!this.deferred) return { ready: READY, unsubscribe };
    const ready = new Promise<void>((resolve) =>
      this.later(() => {
        entry.live = true;
        resolve();
      }),
    );
    return { ready, unsubscribe };
  }

  /** In-process delivery cannot lose messages, so this never calls `listener`. */
  onResume(_listener: () => void): () => void {
    return () => {};
  }

  async close(): Promise<void> {
    this.closed = true;
    this.topics.clear();
    this.queue = [];
  }

  private deliver(topic: Topic<BusMessage>, entries: Set<Entry>, payload: BusMessage | string): void {
    let message: BusMessage;
    if (typeof payload === 'string') {
      const decoded = decodeBusEnvelope(topic, payload);
      if (decoded instanceof Error) return this.onHandlerError(decoded, topic.name);
      message = decoded.message;
    } else {
      message = payload;
    }
    const current = this.topics.get(topic.name);
    for (const entry of entries) {
      // A subscription ended meanwhile (or during this very delivery) gets nothing more.
      if (current === undefined || !current.has(entry)) continue;
      try {
        entry.handler(message);
      } catch (err) {
        this.onHandlerError(err, topic.name);
      }
    }
  }

  private later(task: () => void): void {
    if (this.queue.length === 0) setImmediate(() => this.drain());
    this.queue.push(task);
  }

  private drain(): void {
    const tasks = this.queue;
    this.queue = [];
    if (this.closed) return;
    for (const task of tasks) task();
  }
}
