import type { GroupRole, MemberCursor, Message, MessageContent, UserEvent } from '@quickchat/protocol';
import type { FriendshipRow, RefreshTokenRecord, StoredFriendshipStatus, UserRecord } from '../types.js';

/* Rows as SQLite returns them (snake_case columns), and the small mappers to and from records. */

/** A `users` row. */
export interface UserRow { id: string; handle: string | null; display_name: string; avatar_url: string | null; signature: string; password_hash: string | null; created_at: number; }
/** A `refresh_tokens` row. */
export interface TokenRow { token_hash: string; family_id: string; user_id: string; created_at: number; expires_at: number; used_at: number | null; revoked_at: number | null; }
/** A `friendships` row. */
export interface FriendshipDbRow { user_id: string; peer_id: string; status: StoredFriendshipStatus; memo: string | null; updated_at: number; }
/** A `user_events` row, without its owner; `payload` is the event's other fields as JSON. */
export interface EventRow { seq: number; kind: string; at: number; payload: string; }
/** A `messages` row as read ({@link MESSAGE_READ_COLS}): the inserted columns, then what mutations change. */
export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  client_msg_id: string;
  content: string;
  created_at: number;
  /** Mutation entries only: the seq they change. */
  target: number | null;
  updated_seq: number | null;
  edited_at: number | null;
}
/** A member's cursors. */
export interface MemberRow { conversation_id: string; user_id: string; delivered: number; read: number; }
/**
 * A conversation as one member sees it, unread already derived, with the viewer's own cursors,
 * floor and role, its group's brief columns (NULL for a DM) and its member count.
 */
export interface ConversationRow {
  id: string;
  kind: 'dm' | 'group';
  user_id: string;
  delivered: number;
  read: number;
  last_seq: number;
  unread: number;
  mentions: number;
  floor: number;
  role: GroupRole | null;
  group_name: string | null;
  group_avatar_url: string | null;
  group_member_count: number | null;
  size: number;
}

/** The `users` columns, in {@link UserRow} order. */
export const USER_COLS = 'id, handle, display_name, avatar_url, signature, password_hash, created_at';
/** The `messages` columns a new message is inserted with, in {@link MessageRow} order (the positional order of the hot INSERT). */
export const MESSAGE_COLS = 'id, conversation_id, seq, sender_id, client_msg_id, content, created_at';
/**
 * A new conversation's search key (`conversations.num`, see migration 6): one more than the
 * largest, read from its unique index.
 */
export const NEXT_CONVERSATION_NUM = '(SELECT COALESCE(MAX(num), 0) + 1 FROM conversations)';
/** Every `messages` column a {@link MessageRow} holds. */
export const MESSAGE_READ_COLS = `${MESSAGE_COLS}, target, updated_seq, edited_at`;

/** A user row as a record. */
export function toUser(r: UserRow): UserRecord {
  const { id, handle, signature } = r;
  return { id, handle, displayName: r.display_name, avatarUrl: r.avatar_url, signature, passwordHash: r.password_hash, createdAt: r.created_at };
}

/** A token row as a record. */
export function toToken(r: TokenRow): RefreshTokenRecord {
  const [tokenHash, familyId, userId] = [r.token_hash, r.family_id, r.user_id];
  return { tokenHash, familyId, userId, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at, revokedAt: r.revoked_at };
}

/** A token record as a row. */
export function fromToken(t: RefreshTokenRecord): TokenRow {
  const [token_hash, family_id, user_id] = [t.tokenHash, t.familyId, t.userId];
  return { token_hash, family_id, user_id, created_at: t.createdAt, expires_at: t.expiresAt, used_at: t.usedAt, revoked_at: t.revokedAt };
}

/** A friendship row as a record. */
export function toFriendship(r: FriendshipDbRow): FriendshipRow {
  return { userId: r.user_id, peerId: r.peer_id, status: r.status, memo: r.memo, updatedAt: r.updated_at };
}

/** A friendship record as a row. */
export function fromFriendship(f: FriendshipRow): FriendshipDbRow {
  return { user_id: f.userId, peer_id: f.peerId, status: f.status, memo: f.memo, updated_at: f.updatedAt };
}

/** An event row as the wire event. */
export function toEvent(r: EventRow): UserEvent {
  return { ...(JSON.parse(r.payload) as object), kind: r.kind, seq: r.seq, at: r.at } as UserEvent;
}

/** A message row as the wire message. */
export function toMessage(r: MessageRow): Message {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    seq: r.seq,
    senderId: r.sender_id,
    clientMsgId: r.client_msg_id,
    content: JSON.parse(r.content) as MessageContent,
    createdAt: r.created_at,
    ...(r.updated_seq !== null ? { updatedSeq: r.updated_seq } : {}),
    ...(r.edited_at !== null ? { editedAt: r.edited_at } : {}),
  };
}

/** A member row as the wire cursor. */
export function toCursor(r: Pick<MemberRow, 'user_id' | 'delivered' | 'read'>): MemberCursor {
  return { userId: r.user_id, delivered: r.delivered, read: r.read };
}
