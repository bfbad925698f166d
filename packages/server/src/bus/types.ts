import type { BusMessage } from './messages.js';
import type { Topic } from './topics.js';

/**
 * The routing seam between server nodes. A message published on one node reaches every
 * subscriber of that topic on every node, in publish order per topic and publisher. Delivery
 * is best-effort: the Store is the record, and anything lost on the bus is recovered by the
 * client's sync.
 *
 * Nothing may rely on delivery being synchronous: a network bus delivers later, and subscribes
 * asynchronously (see {@link Subscription.ready}). Topics and their message types are in
 * `bus/topics.ts` and `bus/messages.ts`.
 */
export interface Bus {
  /** Publishes `message` to every subscriber of `topic`. Never throws; never blocks on slow subscribers. */
  publish<M extends BusMessage>(topic: Topic<M>, message: M): void;
  /**
   * Publishes like {@link publish}, and resolves once the message is ordered before anything any
   * node publishes after that: every subscriber, on every node, receives it before any later
   * message of its topic. For a change that must be heard before its commit is visible (a member
   * leaving a group). A network bus resolves when its server accepted the message, or at once while
   * it is cut off (its nodes resync when it is back); never rejects.
   */
  publishConfirmed<M extends BusMessage>(topic: Topic<M>, message: M): Promise<void>;
  /** Subscribes to a topic. Messages published before the subscription is ready may be missed. */
  subscribe<M extends BusMessage>(topic: Topic<M>, handler: (message: M) => void): Subscription;
  /**
   * Registers `listener` to be called once each time the bus has recovered from an outage in
   * which messages from other nodes may have been missed (called when all subscriptions are live
   * again, never once per topic or per reconnect attempt). The server then brings every session
   * on this node back to a state with no gaps. A bus that cannot lose messages never calls it.
   * Returns a function that removes the listener.
   */
  onResume(listener: () => void): () => void;
  /** Stops delivery and releases connections. */
  close(): Promise<void>;
}

/** One subscription to one topic. */
export interface Subscription {
  /**
   * Resolves once messages published from now on are delivered (a network bus subscribes
   * asynchronously). A socket is told `ready` only after its user's subscription is.
   */
  readonly ready: Promise<void>;
  /** Ends this subscription (idempotent). */
  unsubscribe(): void;
}
