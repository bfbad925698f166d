import type { ErrorCode, GroupBrief, GroupRole, MemberCursor, Message, MessageContent, SendableContent } from '@quickchat/protocol';

/**
 * The conversations part of the storage seam: conversations, their members, messages and
 * members' cursors. Composed into `Store` (see `types.ts`) and proven by
 * `test/store-contract/conversations.ts`.
 */

/**
 * Conversations and their messages. A conversation exists only once {@link ConversationStore.createConversation}
 * made it, with its members; appending never creates one nor touches its members, so a stale
 * member list held by a caller can never bring a removed member back.
 */
export interface ConversationStore {
  /**
   * Creates the conversation with exactly these members if `id` does not exist. An existing
   * conversation is left untouched (members are never added or re-added here). Resolves true
   * when it created it.
   */
  createConversation(conversation: NewConversation): Promise<boolean>;
  /**
   * Stores a batch of messages in ONE transaction, in order, and returns one result per item:
   * - `no_conversation` when the conversation does not exist: nothing is written for that item,
   *   and the other items are stored as usual;
   * - `duplicate` with the stored message when `(senderId, conversationId, clientMsgId)` already
   *   exists (also earlier in the same batch): nothing is written;
   * - `refused` when a reply, mention, file or mutation does not hold up against what is stored
   *   (see {@link MessageRules}): nothing is written for that item;
   * - otherwise `stored`: the message gets the conversation's next `seq` (gap-free from 1). A
   *   mutation entry (edit, delete, reaction) is stored like a message and also changes its
   *   target in place, in the same transaction.
   *
   * Never creates a conversation or a member. When this promise resolves, every result is durable.
   */
  appendMessages(batch: readonly NewMessage[]): Promise<AppendResult[]>;
  /**
   * A page of messages, ascending by seq, as they are now (edited text, tombstones), with each
   * reply's quote and, when `range.viewerId` is given, reactions as that viewer sees them.
   * Mutation entries are included (seqs stay gap-free). See {@link HistoryPage}.
   */
  getMessages(conversationId: string, range: HistoryRange): Promise<HistoryPage>;
  /**
   * Conversations `userId` is a member of, with unread count, last message and cursors: every
   * member's cursors where the conversation has at most `allCursorsUpTo` members, else only the
   * viewer's (a large group's cursors are counted on demand, never listed).
   */
  listConversations(userId: string, allCursorsUpTo: number): Promise<ConversationState[]>;
  /** One conversation as seen by `userId` (cursors as in {@link listConversations}), or null when missing or not a member. */
  getConversation(conversationId: string, userId: string, allCursorsUpTo: number): Promise<ConversationState | null>;
  /**
   * Moves a member's cursors forward (never back), clamped to the conversation's last seq.
   * `read` also advances `delivered`. Returns the resulting cursor and whether it changed,
   * or null when the conversation is missing or `userId` is not a member.
   */
  advanceCursor(conversationId: string, userId: string, to: { delivered?: number; read?: number }): Promise<{ cursor: MemberCursor; changed: boolean } | null>;
}

/** A conversation to create, with its complete initial member list. */
export interface NewConversation {
  /** `dm:a~b` or a group id; the caller has validated it. */
  id: string;
  kind: 'dm' | 'group';
  /** Every member; each starts with both cursors at 0. Repeats are ignored. */
  members: readonly string[];
  createdAt: number;
}

/** A message to append; the store assigns its `seq`. */
export interface NewMessage {
  /** Server-generated id. */
  id: string;
  conversationId: string;
  senderId: string;
  /** The sender's idempotency key, unique per sender and conversation. */
  clientMsgId: string;
  /**
   * As sent: plain text is stored as is; a text's `attachments` (upload ids) are stored as their
   * descriptions; edits, deletes and reactions change their target too.
   */
  content: MessageContent | SendableContent;
  /** `JSON.stringify(content)`, when the caller has it already (it is then not serialized again). Plain text only. */
  contentJson?: string;
  createdAt: number;
  /** Needed for anything but plain text (replies, mentions, files, mutations): the rules to check it against. */
  rules?: MessageRules;
}

/**
 * What the store checks a rich message against, inside the write transaction (so a race with
 * another edit, a delete or a membership change cannot slip between check and write). The
 * service decides the values; the store only applies them.
 */
export interface MessageRules {
  /** How long after sending its author may edit a message, in ms; null: no limit. */
  editWindowMs: number | null;
  /** Different emoji one message may carry. */
  maxReactions: number;
  /** In groups: for each role, the authors' roles whose messages it may delete (its own always). */
  moderation: Readonly<Record<GroupRole, readonly GroupRole[]>>;
}

/** What became of one appended item; see {@link ConversationStore.appendMessages}. */
export type AppendResult =
  /**
   * Newly stored, with its assigned seq (a reply with its quote, files with their descriptions).
   * `released`: blob keys of the files of a message this entry deleted, to delete after commit.
   */
  | { status: 'stored'; message: Message; released?: string[] }
  /** A rich message that does not hold up (see {@link MessageRules}); nothing was written. */
  | { status: 'refused'; code: ErrorCode; reason: string }
  /** A repeat of `(senderId, conversationId, clientMsgId)`: the message stored the first time. */
  | { status: 'duplicate'; message: Message }
  /** The conversation does not exist; nothing was written. */
  | { status: 'no_conversation' }
  /** The sender is not a member (of the DM its id names, or of the group now); nothing was written. */
  | { status: 'not_member' };

/** At most one of before/after. With neither, the newest page. `limit` is already capped. */
export interface HistoryRange {
  before?: number;
  after?: number;
  limit: number;
  /** Only messages with seq > floor (a group member's floor); default 0. `hasMore` never looks below it. */
  floor?: number;
  /** Whose `mine` the reactions show; without it, pages carry no reactions. */
  viewerId?: string;
}

/** One page of history. */
export interface HistoryPage {
  /** Ascending by seq. */
  messages: Message[];
  /** More messages exist beyond this page in the direction of travel (older for before/newest, newer for after). */
  hasMore: boolean;
}

/** A conversation as one member sees it. */
export interface ConversationState {
  conversationId: string;
  kind: 'dm' | 'group';
  /** Seq of the newest message, 0 when empty. */
  lastSeq: number;
  /** The viewer reads only messages with seq > floor (0 in DMs). */
  floor: number;
  /** For a live group: what a conversation list shows of it. */
  group: GroupBrief | null;
  /**
   * Messages after the viewer's read cursor that the viewer did not send, leaving out mutation
   * entries. Reading it costs the same whatever the backlog of messages (the mutation entries
   * after the cursor are counted from an index that holds only them).
   */
  unread: number;
  /** Messages after the viewer's read cursor that mention the viewer. */
  mentions: number;
  /** Every member's cursors, or only the viewer's in a large group (see `listConversations`). */
  cursors: MemberCursor[];
  /** The newest message that is not a mutation entry (null if none among the newest 1,000 entries). */
  lastMessage: Message | null;
}
