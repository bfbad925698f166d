/**
 * A user's presence as the server knows it, before anyone's right to see it is applied (that is
 * the presence service's job: see `presence-service.ts`).
 */
export interface PresenceRecord {
  userId: string;
  /** True while at least one of the user's sessions is connected to any node (or its grace runs). */
  online: boolean;
  /** With `online: false`: when the user's last session went away (ms since the epoch), if known. */
  lastSeenAt?: number;
  /** False when the user hides their presence (`showPresence: false`): nobody may see it then. */
  visible: boolean;
}

/** Called with a user's new record whenever their aggregated presence or its visibility changes. */
export type PresenceListener = (record: PresenceRecord) => void;

/**
 * The presence seam: what a node needs to know about who is connected, aggregated over every
 * device of a user on every node. A user is online while at least one session is connected
 * anywhere; when the last one goes, they stay online for a short grace period (a reload or a
 * network switch reconnects within it, and watchers see no flap), then go offline with
 * `lastSeenAt` = when that last session went away.
 *
 * {@link LocalPresence} implements it for one node (the default). A Redis implementation
 * (`@quickchat/bus-redis`) will implement the same interface for several nodes:
 * - `connected`/`disconnected` move a per-node device count in a hash per user
 *   (`presence:{userId}`, field = node id) with `HINCRBY`; each node refreshes a heartbeat key
 *   with a TTL (6 s by default), and the survivors sweep the fields of a node whose key expired, so a
 *   crashed node's users go offline instead of staying online forever;
 * - the grace period is a sorted set of pending offlines (score = due time) that every node
 *   sweeps; a `connected` removes the pending entry, so a reconnect on another node cancels it;
 * - `lastSeenAt` and the visibility flag are keys with a long TTL (e.g. 30 days); after it,
 *   `lastSeenAt` is unknown, as after a restart of a single node;
 * - changes are published on one pub/sub channel, and every node's {@link Presence.onChange}
 *   listeners receive them, including the node that made them.
 * As on the bus, what Redis loses is not recovered from the Store: presence is ephemeral.
 */
export interface Presence {
  /**
   * A session of `userId` connected to this node. `visible` is the user's stored `showPresence`,
   * read when the session opened.
   */
  connected(userId: string, visible: boolean): void;
  /** A session of `userId` on this node went away (each `connected` is matched by one `disconnected`). */
  disconnected(userId: string): void;
  /** The user showed (`true`) or hid their presence; listeners hear of it when it changed. */
  setVisible(userId: string, visible: boolean): void;
  /**
   * The current records of those of `userIds` this presence knows (has seen since it started, or
   * within its memory); the others are offline with no known `lastSeenAt`.
   */
  statesOf(userIds: readonly string[]): Promise<Map<string, PresenceRecord>>;
  /**
   * Calls `listener` with every change, made on this node or any other; returns the unsubscribe
   * function. The comings and goings of a user who hides are NOT reported (nobody may see them,
   * and even an `unknown` pushed at each would tell when they come and go); a change of
   * visibility always is.
   */
  onChange(listener: PresenceListener): () => void;
  /** Stops every timer and drops every listener (server shutdown). */
  close(): void;
}

/** The timers a presence uses, injectable so tests drive the grace period without waiting. */
export interface PresenceTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The process's own timers (unref'd: a pending grace never keeps Node alive). */
export const SYSTEM_TIMERS: PresenceTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
