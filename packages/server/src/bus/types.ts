/**
 * The routing seam between server nodes. A frame published on one node reaches every
 * subscriber of that topic on every node. Delivery is best-effort: the Store is the
 * record, and anything lost on the bus is recovered by the client's sync.
 *
 * Topics used by the server (see `bus/topics.ts`): `u:<userId>` carries serialized server
 * frames to forward verbatim; `c:<userId>` carries control messages (session revocation).
 */
export interface Bus {
  /** Publishes `payload` to every subscriber of `topic`. Never throws; never blocks on slow subscribers. */
  publish(topic: string, payload: string): void;
  /** Subscribes to a topic. Returns the function that unsubscribes this handler. */
  subscribe(topic: string, handler: (payload: string) => void): () => void;
  /** Stops delivery and releases connections. */
  close(): Promise<void>;
}
