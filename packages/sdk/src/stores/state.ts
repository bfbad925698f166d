import type { FriendEntry, GroupBrief, MemberCursor, Message, MessageContent, PublicUser, SendableContent } from '@quickchat/protocol';
import type { QuickchatError } from '../errors.js';

/**
 * Where a message is in its life. Own messages go pending → sent (stored, has a seq) →
 * delivered → read, or to failed (see `error.retryable`; `client.retry()` sends it again).
 * Messages from others are `sent`.
 */
export type DeliveryState = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/**
 * A message as the app sees it, including own messages not yet stored by the server. Edits,
 * deletes and reactions are applied to it in place as they arrive (`updatedSeq` says up to which
 * log entry), so it always shows the message as it is now.
 */
export interface LocalMessage extends Pick<Message, 'updatedSeq' | 'editedAt' | 'quote' | 'reactions'> {
  /** Idempotency key chosen by the sender; stable from the moment `send()` returns. */
  clientMsgId: string;
  /** Server id; null while pending. */
  id: string | null;
  conversationId: string;
  senderId: string;
  /**
   * Text (with its reply target, mentions and files), a tombstone (`deleted`) once deleted, or
   * (in groups) a `system` notice the server wrote about a membership or settings change
   * (`action`, `actorId`, `targetIds`, …): check `content.type` before reading `text`. While an
   * own message is pending or failed, it is the content as sent (files as upload ids).
   */
  content: MessageContent | SendableContent;
  /** Position in the conversation; null while pending. */
  seq: number | null;
  /** Server time once stored; local time while pending. */
  createdAt: number;
  state: DeliveryState;
  /** Why it failed, when `state` is `failed`. */
  error: QuickchatError | null;
}

/** One conversation in the conversation list. */
export interface ConversationView {
  conversationId: string;
  kind: 'dm' | 'group';
  /** For DMs, the other member. */
  peerId: string | null;
  lastSeq: number;
  /** Messages from others after your read cursor (edits, deletes and reactions are not counted). */
  unread: number;
  /** Messages after your read cursor that mention you. */
  mentions: number;
  lastMessage: LocalMessage | null;
  cursors: MemberCursor[];
  /** Members currently typing (not you), most recent last. */
  typing: string[];
  /**
   * You see only messages after this seq: 0 in DMs; in a group, where you joined (unless its
   * history is visible to new members). Catch-up and `loadOlder()` never ask for anything at or
   * below it.
   */
  floor: number;
  /** For groups: name, avatar, member count and your role (null: you are invited, not a member); null for DMs. */
  group: GroupBrief | null;
  /**
   * True once you are no longer a member of this group (you left, were removed, or it was
   * dissolved). The messages already loaded stay readable; `send()` to it throws `not_found`.
   * Joining again clears it.
   */
  left: boolean;
}

/** The loaded part of one conversation's messages, ordered by seq, pending ones last. */
export interface MessageList {
  items: LocalMessage[];
  /** Older messages exist on the server that are not loaded; page with `client.loadOlder()`. */
  hasMoreBefore: boolean;
}

/** Friends and requests, kept current by live events and sync. */
export interface FriendsState {
  friends: FriendEntry[];
  incoming: FriendEntry[];
  outgoing: FriendEntry[];
  blocked: PublicUser[];
  /** False until the lists were fetched once. */
  loaded: boolean;
}

/** Conversations by id. */
export type ConversationsState = Readonly<Record<string, ConversationView>>;
/** Loaded messages by conversation id. */
export type MessagesState = Readonly<Record<string, MessageList>>;
