import type { FriendshipStatus, MemberCursor, Message, MessageContent, UserEvent } from '@quickchat/protocol';

/**
 * The storage seam. Every method is async so networked stores (MongoDB) fit the same shape.
 * Implementations: `store/sqlite` (embedded default). One contract suite
 * (`test/store-contract.ts`) runs against each implementation.
 *
 * Rules (who may do what) live in services, not here; the store only guarantees atomicity
 * of each method and the invariants documented on it.
 */
export interface Store {
  /** Releases file handles / connections. Idempotent. */
  close(): Promise<void>;

  // ---------- users ----------
  /** Creates a user. Throws {@link HandleTakenError} when `handle` is already used. */
  createUser(user: NewUser): Promise<UserRecord>;
  /** Inserts a bring-your-own-identity user if absent; returns the stored record either way. */
  upsertExternalUser(user: NewExternalUser): Promise<UserRecord>;
  getUser(id: string): Promise<UserRecord | null>;
  /** Missing ids are omitted; order is unspecified. */
  getUsers(ids: readonly string[]): Promise<UserRecord[]>;
  /** `handle` must already be lower-case. */
  getUserByHandle(handle: string): Promise<UserRecord | null>;
  /** Applies a partial profile update; returns the new record, or null when the user is missing. */
  updateProfile(id: string, patch: ProfilePatch): Promise<UserRecord | null>;

  // ---------- refresh tokens ----------
  insertRefreshToken(token: RefreshTokenRecord): Promise<void>;
  /** Looks a token up by the SHA-256 hash of its secret. */
  getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null>;
  /**
   * Atomically marks `oldHash` used and inserts `next` (same family). Returns false, writing
   * nothing, when the old token was already used or revoked: the caller treats that as reuse.
   */
  rotateRefreshToken(oldHash: string, next: RefreshTokenRecord, now: number): Promise<boolean>;
  /** Revokes every token of a family. Idempotent. */
  revokeRefreshFamily(familyId: string, now: number): Promise<void>;
  /** True when the family exists and was revoked (logout or reuse). */
  isRefreshFamilyRevoked(familyId: string): Promise<boolean>;

  // ---------- friendships and blocks ----------
  /** The row owned by `userId` about `peerId` (each side of a relation has its own row). */
  getFriendship(userId: string, peerId: string): Promise<FriendshipRow | null>;
  /** Rows owned by `userId` with the given status, newest first. */
  listFriendships(userId: string, status: StoredFriendshipStatus): Promise<FriendshipRow[]>;
  /** True when `blockerId` blocks `blockedId` (one direction). */
  isBlocked(blockerId: string, blockedId: string): Promise<boolean>;
  listBlocked(blockerId: string): Promise<string[]>;
  /**
   * Applies a relation change atomically: row upserts and deletes, block changes, and the
   * user events describing them. Returns the events with their assigned per-user `seq`.
   */
  applyRelationChange(change: RelationChange): Promise<UserEvent[]>;
  /** Events for `userId` with seq > `afterSeq`, ascending, at most `limit`. */
  getUserEvents(userId: string, afterSeq: number, limit: number): Promise<UserEvent[]>;
  /** Highest event seq for `userId`, 0 when none. */
  latestUserEventSeq(userId: string): Promise<number>;

  // ---------- conversations and messages ----------
  /**
   * Stores a batch of messages in ONE transaction, in order. For each item:
   * - if `(senderId, clientMsgId)` already exists, returns the stored message with `duplicate: true`
   *   and writes nothing;
   * - otherwise creates the conversation (with `members`) if missing, assigns the next `seq`
   *   (gap-free from 1) and stores it.
   * When this promise resolves, every result is durable.
   */
  appendMessages(batch: readonly NewMessage[]): Promise<AppendResult[]>;
  /** A page of messages, ascending by seq. See {@link HistoryPage}. */
  getMessages(conversationId: string, range: HistoryRange): Promise<HistoryPage>;
  /** Conversations `userId` is a member of, with cursors, unread count and last message. */
  listConversations(userId: string): Promise<ConversationState[]>;
  /** One conversation as seen by `userId`, or null when missing or not a member. */
  getConversation(conversationId: string, userId: string): Promise<ConversationState | null>;
  /**
   * Moves a member's cursors forward (never back), clamped to the conversation's last seq.
   * `read` also advances `delivered`. Returns the resulting cursor and whether it changed,
   * or null when the conversation is missing or `userId` is not a member.
   */
  advanceCursor(conversationId: string, userId: string, to: { delivered?: number; read?: number }): Promise<{ cursor: MemberCursor; changed: boolean } | null>;
}

/** Thrown by {@link Store.createUser} when the handle is in use. */
export class HandleTakenError extends Error {
  constructor(readonly handle: string) {
    super(`handle "${handle}" is taken`);
    this.name = 'HandleTakenError';
  }
}

/** A user as stored. `passwordHash` never leaves the server. */
export interface UserRecord {
  id: string;
  /** Lower-case; null for bring-your-own-identity users. */
  handle: string | null;
  displayName: string;
  avatarUrl: string | null;
  signature: string;
  /** argon2id PHC string; null for external users. */
  passwordHash: string | null;
  createdAt: number;
}

export interface NewUser {
  id: string;
  handle: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
}

export interface NewExternalUser {
  id: string;
  displayName: string;
  avatarUrl: string | null;
  createdAt: number;
}

export interface ProfilePatch {
  displayName?: string;
  avatarUrl?: string | null;
  signature?: string;
}

export interface RefreshTokenRecord {
  /** SHA-256 (hex) of the token secret; the secret itself is never stored. */
  tokenHash: string;
  familyId: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  revokedAt: number | null;
}

/** Row statuses that are stored; `none` is the absence of a row. */
export type StoredFriendshipStatus = Exclude<FriendshipStatus, 'none'>;

export interface FriendshipRow {
  userId: string;
  peerId: string;
  status: StoredFriendshipStatus;
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
  block?: { blockerId: string; blockedId: string; blocked: boolean };
  events: NewUserEvent[];
}

export interface NewMessage {
  /** Server-generated id. */
  id: string;
  conversationId: string;
  /** Both members for a DM; used only when the conversation is created. */
  members: readonly string[];
  senderId: string;
  clientMsgId: string;
  content: MessageContent;
  /** `JSON.stringify(content)`, when the caller has it already (it is then not serialized again). */
  contentJson?: string;
  createdAt: number;
}

export interface AppendResult {
  message: Message;
  duplicate: boolean;
}

/** At most one of before/after. With neither, the newest page. `limit` is already capped. */
export interface HistoryRange {
  before?: number;
  after?: number;
  limit: number;
}

export interface HistoryPage {
  /** Ascending by seq. */
  messages: Message[];
  /** More messages exist beyond this page in the direction of travel (older for before/newest, newer for after). */
  hasMore: boolean;
}

export interface ConversationState {
  conversationId: string;
  kind: 'dm' | 'group';
  lastSeq: number;
  /** Messages after the viewer's read cursor that the viewer did not send. */
  unread: number;
  cursors: MemberCursor[];
  lastMessage: Message | null;
}
