import type { FriendshipStatus, UserEvent } from '@quickchat/protocol';

/**
 * The relations part of the storage seam: friendships, blocks, and the per-user event log that
 * tells each side about them. Composed into `Store` (see `types.ts`) and proven by
 * `test/store-contract/relations.ts`.
 */

/** Friendships, blocks and user events, changed together so a relation and its events never disagree. */
export interface RelationStore {
  /** The row owned by `userId` about `peerId` (each side of a relation has its own row). */
  getFriendship(userId: string, peerId: string): Promise<FriendshipRow | null>;
  /** Rows owned by `userId` with the given status, newest first. */
  listFriendships(userId: string, status: StoredFriendshipStatus): Promise<FriendshipRow[]>;
  /** True when `blockerId` blocks `blockedId` (one direction). */
  isBlocked(blockerId: string, blockedId: string): Promise<boolean>;
  /** Everyone `blockerId` blocks. */
  listBlocked(blockerId: string): Promise<string[]>;
  /**
   * Applies a relation change atomically: row upserts and deletes, block changes, and the
   * user events describing them. Returns the events with their assigned per-user `seq`.
   */
  applyRelationChange(change: RelationChange): Promise<UserEvent[]>;
  /**
   * Appends events to their owners' logs in ONE transaction (all or none), e.g. a profile change
   * fanned out to everyone who sees it. Returns the events with their per-user `seq`, in order.
   */
  appendUserEvents(events: readonly NewUserEvent[]): Promise<UserEvent[]>;
  /**
   * Who sees `userId`'s profile in their lists: every user with a friendship row about
   * `userId` (friends, `removed`, pending either way), except where either of the two blocks the
   * other. Ascending; `userId` itself is not included.
   */
  listProfileViewers(userId: string): Promise<string[]>;
  /** Events for `userId` with seq > `afterSeq`, ascending, at most `limit` (how a client catches up). */
  getUserEvents(userId: string, afterSeq: number, limit: number): Promise<UserEvent[]>;
  /** Highest event seq for `userId`, 0 when none. */
  latestUserEventSeq(userId: string): Promise<number>;
}

/** Row statuses that are stored; `none` is the absence of a row. */
export type StoredFriendshipStatus = Exclude<FriendshipStatus, 'none'>;

/** One side of a relation: what `userId` sees about `peerId`. */
export interface FriendshipRow {
  userId: string;
  peerId: string;
  status: StoredFriendshipStatus;
  /** The request's note, shown to the receiver. */
  memo: string | null;
  updatedAt: number;
}

/** Event to append, without its seq (the store assigns it per user). */
export type NewUserEvent = { userId: string } & DistributiveOmit<UserEvent, 'seq'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An atomic batch of relation writes. */
export interface RelationChange {
  upsert: FriendshipRow[];
  /** Rows to delete, by owner and peer. */
  remove: { userId: string; peerId: string }[];
  /** A block to set (`blocked: true`) or lift. */
  block?: { blockerId: string; blockedId: string; blocked: boolean };
  events: NewUserEvent[];
}
