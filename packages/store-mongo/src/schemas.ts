import { Schema, type Connection, type Model } from 'mongoose';

/*
 * The documents, their schemas and their indexes. Field types are strict (`strict: 'throw'`
 * refuses an unknown field, `strictQuery: 'throw'` a filter on one), ids are plain strings, and a
 * message's content is kept as its JSON text (exactly as the SQLite store keeps it), so no
 * user-supplied key ever becomes a field name or an operator.
 *
 * Collections whose records have one natural key use it as `_id` (no extra index); the others get
 * unique compound indexes. Each secondary index serves one query, named after it.
 */

/** A user. `handle` is null for bring-your-own-identity users. */
export interface UserDoc { _id: string; handle: string | null; displayName: string; avatarUrl: string | null; signature: string; passwordHash: string | null; createdAt: number; showPresence: boolean; }
/** A refresh token, keyed by the hash of its secret. */
export interface TokenDoc { _id: string; familyId: string; userId: string; createdAt: number; expiresAt: number; usedAt: number | null; revokedAt: number | null; }
/** One side of a relation. */
export interface FriendshipDoc { userId: string; peerId: string; status: string; memo: string | null; updatedAt: number; }
/** One direction of a block. */
export interface BlockDoc { blockerId: string; blockedId: string; }
/** One user event; `payload` is the event's other fields as JSON. */
export interface UserEventDoc { userId: string; seq: number; kind: string; at: number; payload: string; }
/** A user's newest event seq: the head of their log, `$inc`-ed to allocate seqs. */
export interface EventHeadDoc { _id: string; seq: number; }
/**
 * A conversation. `lastSeq` is its newest message's seq (seqs are allocated from it inside the
 * append transaction); `lastAt` that message's time (lists are ordered by it); `num` its creation
 * order, the first part of search order and cursors; `appends` counts the transactions that
 * appended to it: writing it first is what makes two appends to one conversation conflict at once.
 */
export interface ConversationDoc { _id: string; kind: 'dm' | 'group'; createdAt: number; num: number; lastSeq: number; lastAt: number | null; appends: number; }
/**
 * A member of a conversation. `ownAfterRead`: how many of the entries after `read` the member sent
 * themselves, so unread = lastSeq - read - ownAfterRead - others' mutation entries after read,
 * read from a handful of documents whatever the backlog (as SQLite's groups do, docs/decisions/0007).
 */
export interface MemberDoc { conversationId: string; userId: string; delivered: number; read: number; ownAfterRead: number; role: 'owner' | 'admin' | 'member' | null; floor: number; joinedAt: number; }
/** A message or a mutation entry (`target` set). `content` is JSON; `terms` its search tokens (texts only). */
export interface MessageDoc {
  conversationId: string;
  seq: number;
  id: string;
  senderId: string;
  clientMsgId: string;
  /** `content.type`, so edits can be found and redacted without parsing. */
  type: string;
  content: string;
  createdAt: number;
  target: number | null;
  updatedSeq: number | null;
  editedAt: number | null;
  /** The conversation's `num`, copied so search sorts on the message's own index. */
  num: number;
  terms: string[];
}
/** One user's reaction with one emoji to one message. */
export interface ReactionDoc { conversationId: string; seq: number; emoji: string; userId: string; }
/** A mention of a member in a message. */
export interface MentionDoc { userId: string; conversationId: string; seq: number; }
/** A group's settings and counts; `_id` is its conversation id. */
export interface GroupDoc { _id: string; name: string; avatarUrl: string | null; description: string; joinMode: string; historyVisible: boolean; ownerId: string; memberCount: number; createdAt: number; dissolvedAt: number | null; }
/** A pending invite or join request. */
export interface PendingDoc { conversationId: string; userId: string; kind: 'invite' | 'request'; actorId: string; memo: string | null; createdAt: number; }
/** An uploaded file. */
export interface AttachmentDoc { _id: string; ownerId: string; conversationId: string; seq: number | null; name: string; mime: string; size: number; width: number | null; height: number | null; blobKey: string; thumbKey: string | null; createdAt: number; expiresAt: number; }
/** A call in progress. */
export interface OpenCallDoc { _id: string; conversationId: string; callerId: string; calleeId: string; audio: boolean; video: boolean; startedAt: number; acceptedAt: number | null; connectedAt: number | null; ownerNode: string; }
/** A named counter (the conversation `num` sequence) or a per-owner lock document (upload quota). */
export interface CounterDoc { _id: string; n: number; }

/** A key or id: required (mongoose's `required` also refuses '', which no key is). */
const S = { type: String, required: true } as const;
/** Free text that may be empty (a name, a display name): always written by the store, '' allowed. */
const T = { type: String, default: '' } as const;
const SN = { type: String, default: null } as const;
const N = { type: Number, required: true } as const;
const NN = { type: Number, default: null } as const;
const OPTIONS = { strict: 'throw', strictQuery: 'throw', versionKey: false, autoIndex: false, autoCreate: false } as const;
/** String `_id`s, no ObjectId. */
const ID = { _id: { type: String, required: true } } as const;

const users = new Schema<UserDoc>({ ...ID, handle: SN, displayName: T, avatarUrl: SN, signature: T, passwordHash: SN, createdAt: N, showPresence: { type: Boolean, default: true } }, OPTIONS);
// Unique among built-in accounts; external users have no handle (null is left out of the index).
users.index({ handle: 1 }, { unique: true, name: 'users_by_handle', partialFilterExpression: { handle: { $type: 'string' } } });

const tokens = new Schema<TokenDoc>({ ...ID, familyId: T, userId: T, createdAt: N, expiresAt: N, usedAt: NN, revokedAt: NN }, OPTIONS);
tokens.index({ familyId: 1 }, { name: 'tokens_by_family' });

const friendships = new Schema<FriendshipDoc>({ userId: S, peerId: S, status: { ...S, enum: ['outgoing', 'incoming', 'friends', 'removed'] }, memo: SN, updatedAt: N }, OPTIONS);
friendships.index({ userId: 1, peerId: 1 }, { unique: true, name: 'friendships_key' });
friendships.index({ userId: 1, status: 1, updatedAt: -1 }, { name: 'friendships_by_status' });
friendships.index({ peerId: 1, userId: 1 }, { name: 'friendships_by_peer' });

const blocks = new Schema<BlockDoc>({ blockerId: S, blockedId: S }, OPTIONS);
blocks.index({ blockerId: 1, blockedId: 1 }, { unique: true, name: 'blocks_key' });
blocks.index({ blockedId: 1, blockerId: 1 }, { name: 'blocks_by_blocked' });

const userEvents = new Schema<UserEventDoc>({ userId: S, seq: N, kind: S, at: N, payload: S }, OPTIONS);
userEvents.index({ userId: 1, seq: 1 }, { unique: true, name: 'user_events_key' });

const eventHeads = new Schema<EventHeadDoc>({ ...ID, seq: N }, OPTIONS);

const conversations = new Schema<ConversationDoc>({ ...ID, kind: { ...S, enum: ['dm', 'group'] }, createdAt: N, num: N, lastSeq: N, lastAt: NN, appends: { type: Number, default: 0 } }, OPTIONS);

const members = new Schema<MemberDoc>(
  {
    conversationId: S,
    userId: S,
    delivered: { type: Number, default: 0 },
    read: { type: Number, default: 0 },
    ownAfterRead: { type: Number, default: 0 },
    role: { type: String, enum: ['owner', 'admin', 'member'], default: null },
    floor: { type: Number, default: 0 },
    joinedAt: { type: Number, default: 0 },
  },
  OPTIONS,
);
members.index({ conversationId: 1, userId: 1 }, { unique: true, name: 'members_key' });
members.index({ userId: 1, conversationId: 1 }, { name: 'members_by_user' });
members.index({ conversationId: 1, role: 1, userId: 1 }, { name: 'members_by_role' });

const messages = new Schema<MessageDoc>(
  { conversationId: S, seq: N, id: S, senderId: S, clientMsgId: S, type: S, content: S, createdAt: N, target: NN, updatedSeq: NN, editedAt: NN, num: N, terms: { type: [String], default: undefined } },
  OPTIONS,
);
/** Gap-free seqs: two appends can never store the same seq. */
messages.index({ conversationId: 1, seq: 1 }, { unique: true, name: 'messages_key' });
/** Idempotency, per conversation as in the SQLite store: (conversation, sender, clientMsgId). */
messages.index({ conversationId: 1, senderId: 1, clientMsgId: 1 }, { unique: true, name: 'messages_idempotency' });
/** Mutation entries only: unread leaves out others' ones after the read cursor; a delete redacts a target's edits. */
messages.index({ conversationId: 1, seq: 1, senderId: 1 }, { name: 'messages_mutations', partialFilterExpression: { target: { $gte: 0 } } });
/** Search: texts by token, newest conversation and seq first. */
messages.index({ terms: 1, num: -1, seq: -1 }, { name: 'messages_search' });

const reactions = new Schema<ReactionDoc>({ conversationId: S, seq: N, emoji: S, userId: S }, OPTIONS);
reactions.index({ conversationId: 1, seq: 1, emoji: 1, userId: 1 }, { unique: true, name: 'reactions_key' });

const mentions = new Schema<MentionDoc>({ userId: S, conversationId: S, seq: N }, OPTIONS);
mentions.index({ userId: 1, conversationId: 1, seq: 1 }, { unique: true, name: 'mentions_key' });
mentions.index({ conversationId: 1, seq: 1 }, { name: 'mentions_by_message' });

const groups = new Schema<GroupDoc>(
  { ...ID, name: T, avatarUrl: SN, description: T, joinMode: { ...S, enum: ['invite', 'request', 'closed'] }, historyVisible: { type: Boolean, required: true }, ownerId: S, memberCount: N, createdAt: N, dissolvedAt: NN },
  OPTIONS,
);
groups.index({ ownerId: 1, dissolvedAt: 1 }, { name: 'groups_by_owner' });

const pendings = new Schema<PendingDoc>({ conversationId: S, userId: S, kind: { ...S, enum: ['invite', 'request'] }, actorId: T, memo: SN, createdAt: N }, OPTIONS);
pendings.index({ conversationId: 1, userId: 1 }, { unique: true, name: 'pending_key' });
pendings.index({ userId: 1, kind: 1, createdAt: -1 }, { name: 'pending_by_user' });
pendings.index({ conversationId: 1, kind: 1, createdAt: 1 }, { name: 'pending_by_kind' });

const attachments = new Schema<AttachmentDoc>(
  { ...ID, ownerId: S, conversationId: S, seq: NN, name: T, mime: T, size: N, width: NN, height: NN, blobKey: S, thumbKey: SN, createdAt: N, expiresAt: N },
  OPTIONS,
);
attachments.index({ ownerId: 1, size: 1 }, { name: 'attachments_by_owner' });
attachments.index({ seq: 1, expiresAt: 1 }, { name: 'attachments_unsent' });
attachments.index({ conversationId: 1, seq: 1 }, { name: 'attachments_by_message' });
attachments.index({ blobKey: 1 }, { unique: true, name: 'attachments_by_blob' });
attachments.index({ thumbKey: 1 }, { unique: true, name: 'attachments_by_thumb', partialFilterExpression: { thumbKey: { $type: 'string' } } });

const openCalls = new Schema<OpenCallDoc>(
  { ...ID, conversationId: S, callerId: S, calleeId: S, audio: { type: Boolean, required: true }, video: { type: Boolean, required: true }, startedAt: N, acceptedAt: NN, connectedAt: NN, ownerNode: T },
  OPTIONS,
);
openCalls.index({ startedAt: 1, _id: 1 }, { name: 'open_calls_by_start' });

const counters = new Schema<CounterDoc>({ ...ID, n: N }, OPTIONS);

/** The store's models, bound to its connection. */
export interface Models {
  users: Model<UserDoc>;
  tokens: Model<TokenDoc>;
  friendships: Model<FriendshipDoc>;
  blocks: Model<BlockDoc>;
  userEvents: Model<UserEventDoc>;
  eventHeads: Model<EventHeadDoc>;
  conversations: Model<ConversationDoc>;
  members: Model<MemberDoc>;
  messages: Model<MessageDoc>;
  reactions: Model<ReactionDoc>;
  mentions: Model<MentionDoc>;
  groups: Model<GroupDoc>;
  pendings: Model<PendingDoc>;
  attachments: Model<AttachmentDoc>;
  openCalls: Model<OpenCallDoc>;
  counters: Model<CounterDoc>;
  quotaLocks: Model<CounterDoc>;
}

/** Collections holding counters or lock documents, whose first upsert may race (see `connection.ts`). */
export const COUNTER_COLLECTIONS = ['event_heads', 'counters', 'quota_locks'] as const;

/** Binds every model to `conn`, with explicit collection names. */
export function createModels(conn: Connection): Models {
  return {
    users: conn.model<UserDoc>('User', users, 'users'),
    tokens: conn.model<TokenDoc>('RefreshToken', tokens, 'refresh_tokens'),
    friendships: conn.model<FriendshipDoc>('Friendship', friendships, 'friendships'),
    blocks: conn.model<BlockDoc>('Block', blocks, 'blocks'),
    userEvents: conn.model<UserEventDoc>('UserEvent', userEvents, 'user_events'),
    eventHeads: conn.model<EventHeadDoc>('EventHead', eventHeads, 'event_heads'),
    conversations: conn.model<ConversationDoc>('Conversation', conversations, 'conversations'),
    members: conn.model<MemberDoc>('Member', members, 'conversation_members'),
    messages: conn.model<MessageDoc>('Message', messages, 'messages'),
    reactions: conn.model<ReactionDoc>('Reaction', reactions, 'reactions'),
    mentions: conn.model<MentionDoc>('Mention', mentions, 'mentions'),
    groups: conn.model<GroupDoc>('Group', groups, 'groups'),
    pendings: conn.model<PendingDoc>('GroupPending', pendings, 'group_pending'),
    attachments: conn.model<AttachmentDoc>('Attachment', attachments, 'attachments'),
    openCalls: conn.model<OpenCallDoc>('OpenCall', openCalls, 'open_calls'),
    counters: conn.model<CounterDoc>('Counter', counters, 'counters'),
    quotaLocks: conn.model<CounterDoc>('QuotaLock', counters, 'quota_locks'),
  };
}
