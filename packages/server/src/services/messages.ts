import { dmPeer, ErrorCode, MESSAGE_MODERATION, PROTOCOL_LIMITS } from '@quickchat/protocol';
import type { ConversationSummary, HistoryResponse, ReadByResponse, ReceiptFrame, SendableContent, SendFrame, SyncFrame, SyncedFrame, TypingFrame, ConversationSync } from '@quickchat/protocol';
import { AppError, notFound } from '../errors.js';
import { newMessageId } from './message-ids.js';
import type { ConversationState, MessageRules, NewMessage } from '../store/types.js';
import { MessageWriter } from './message-writer.js';
import { publishJsonToGroup, publishJsonToSession, publishJsonToUsers } from './publish.js';
import { ackFrameJson, contentJson, isPlainText, messageFrameJson } from './frame-json.js';
import type { Audience, ConversationAccess } from './access/access.js';
import type { ServiceContext } from './context.js';
import { TypingCoalescer } from './typing-coalescer.js';

/** The socket a `send` came from: its ack is addressed to that session only. */
export interface SendOrigin {
  userId: string;
  sessionId: string;
}

/** Told why a queued message failed after it was accepted (its ack travels on the bus instead). */
export type SendFailure = (err: unknown) => void;

/** Deletes the stored files of deleted messages (their blob keys), after the delete committed. */
export type ReleasedFiles = (blobKeys: string[]) => void;

/**
 * Messages, history, catch-up, receipts and typing, for socket and REST. Who may read or write
 * a conversation is asked of the conversation-access seam, never decided here.
 */
export class MessageService {
  private readonly writer: MessageWriter;
  private readonly groupTyping: TypingCoalescer;
  private readonly rules: MessageRules;

  /** `released`: told the blob keys of files whose message was deleted (the attachments service deletes them). */
  constructor(
    private readonly ctx: ServiceContext,
    private readonly access: ConversationAccess,
    private readonly released: ReleasedFiles = () => undefined,
  ) {
    this.writer = new MessageWriter(ctx.store);
    this.groupTyping = new TypingCoalescer(ctx.now);
    const { editWindowMs, maxReactionsPerMessage } = ctx.config.limits;
    this.rules = { editWindowMs: editWindowMs === 0 ? null : editWindowMs, maxReactions: maxReactionsPerMessage, moderation: MESSAGE_MODERATION };
  }

  /**
   * Authorizes and queues a message. Once the write committed, the message is published to
   * every session of every member, then the `ack` to the sending session, on the sender's bus
   * topic, so that session sees its own `message` copy before the `ack` whatever the bus. A
   * repeated `clientMsgId` in the same conversation acks the original with `duplicate: true`.
   * Returns `undefined` when the message was queued at once (permission cached, conversation
   * known), else a promise that settles once it is queued, so a connection can keep its frames
   * in order without waiting for the disk. A refusal throws, or rejects that promise; a failure
   * after queueing goes to `failed`.
   */
  submit(origin: SendOrigin, frame: SendFrame, failed: SendFailure): Promise<void> | undefined {
    // Before access: a refused message must not even open the conversation.
    this.checkContent(frame.content);
    const audience = this.access.openForSendNow(origin.userId, frame.conversationId);
    if (audience === undefined) {
      return this.access.openForSend(origin.userId, frame.conversationId).then((a) => this.queue(origin, frame, a, failed));
    }
    this.queue(origin, frame, audience, failed);
    return undefined;
  }

  /** Queues a permitted message for the group commit; see {@link submit}. */
  private queue(origin: SendOrigin, frame: SendFrame, audience: Audience, failed: SendFailure): void {
    const plain = isPlainText(frame.content);
    const json = plain ? contentJson(frame.content) : null;
    const senderId = origin.userId;
    const item: NewMessage = {
      id: newMessageId(),
      conversationId: frame.conversationId,
      senderId,
      clientMsgId: frame.clientMsgId,
      content: frame.content,
      ...(json !== null ? { contentJson: json } : { rules: this.rules }),
      createdAt: this.ctx.now(),
    };
    this.writer.write(item, (err, result) => {
      if (!result) return failed(err);
      if (result.status === 'no_conversation' || result.status === 'not_member') return failed(notFound('conversation'));
      if (result.status === 'refused') return failed(new AppError(result.code, result.reason));
      try {
        const { message } = result;
        const duplicate = result.status === 'duplicate';
        if (result.status === 'stored' && result.released) this.released(result.released);
        const frameJson = json !== null ? messageFrameJson(message, json) : JSON.stringify({ type: 'message', message });
        if (!duplicate) this.deliver(audience, senderId, frameJson, message.seq);
        publishJsonToSession(this.ctx.bus, senderId, origin.sessionId, ackFrameJson(frame.id, message, duplicate));
      } catch (publishErr) {
        failed(publishErr);
      }
    });
  }

  /**
   * Publishes a stored message's frame to its audience. The sender's own copy last, on their own
   * topic just before their ack: sockets are flushed in the order they were first written to in a
   * tick, so the receivers' copies go out before the sender's copy and ack. A group's frame is
   * published once, whatever its size.
   */
  private deliver(audience: Audience, senderId: string, json: string, seq: number): void {
    if (audience.kind === 'users') return publishJsonToUsers(this.ctx.bus, senderLast(audience.userIds, senderId), json);
    publishJsonToGroup(this.ctx.bus, audience.conversationId, json, { except: senderId, seq });
    publishJsonToUsers(this.ctx.bus, [senderId], json);
  }

  /** Everything since the client's cursors; see `docs/protocol.md` (Sync). */
  async sync(userId: string, frame: SyncFrame): Promise<SyncedFrame> {
    const { limits } = this.ctx.config;
    const limit = Math.min(frame.limit ?? limits.syncPageSize, limits.syncPageSize);
    const knowsHistory = frame.eventsAfter !== undefined;
    const states = await this.ctx.store.listConversations(userId, this.ctx.config.limits.liveReceiptsMaxGroupMembers);
    const conversations: ConversationSync[] = [];
    for (const state of states) {
      const held = frame.cursors?.[state.conversationId] ?? (knowsHistory ? 0 : null);
      // Nothing at or below the member's floor is ever sent, whatever the client says it holds.
      const cursor = held === null ? null : Math.max(held, state.floor);
      let messages: ConversationSync['messages'] = [];
      let limited = false;
      if (cursor !== null && state.lastSeq > cursor) {
        const page = await this.ctx.store.getMessages(state.conversationId, { after: cursor, limit, floor: state.floor, viewerId: userId });
        messages = page.messages;
        limited = page.hasMore;
      }
      conversations.push({ ...this.summary(state, userId), messages, limited });
    }
    const { events, eventsCursor, eventsLimited } = await this.eventsSince(userId, frame.eventsAfter);
    return {
      type: 'synced',
      ...(frame.id !== undefined ? { id: frame.id } : {}),
      conversations,
      events,
      eventsCursor,
      eventsLimited,
    };
  }

  /**
   * A page of history for a member; "not found" for everyone else. A DM that names the caller
   * but has no messages yet is an empty page (this reveals nothing about the peer).
   */
  async history(userId: string, conversationId: string, range: { before?: number; after?: number; limit?: number }): Promise<HistoryResponse> {
    const floor = await this.access.requireReadable(userId, conversationId);
    const limit = Math.min(range.limit ?? PROTOCOL_LIMITS.defaultPageSize, PROTOCOL_LIMITS.maxPageSize);
    return this.ctx.store.getMessages(conversationId, { ...range, limit, floor, viewerId: userId });
  }

  /** The user's conversations with unread counts and last messages, most recent first. */
  async list(userId: string): Promise<ConversationSummary[]> {
    return (await this.ctx.store.listConversations(userId, this.ctx.config.limits.liveReceiptsMaxGroupMembers)).map((s) => this.summary(s, userId));
  }

  /**
   * Advances delivered/read cursors and tells the conversation's members: both users of a DM;
   * every member of a group at most `liveReceiptsMaxGroupMembers` strong; in a larger group only
   * the reader's own devices (a read there must never cost a frame per member; others count
   * read-by on demand, see {@link readBy}).
   */
  async receipt(userId: string, frame: ReceiptFrame): Promise<void> {
    const to: { delivered?: number; read?: number } = {};
    if (frame.delivered !== undefined) to.delivered = frame.delivered;
    if (frame.read !== undefined) to.read = frame.read;
    const result = await this.ctx.store.advanceCursor(frame.conversationId, userId, to);
    if (!result) throw notFound('conversation');
    if (!result.changed) return;
    const json = JSON.stringify({ type: 'receipt', conversationId: frame.conversationId, ...result.cursor });
    const audience = await this.access.audienceOf(frame.conversationId);
    if (audience?.kind === 'users') return publishJsonToUsers(this.ctx.bus, audience.userIds, json);
    if (audience && audience.memberCount <= this.ctx.config.limits.liveReceiptsMaxGroupMembers) return publishJsonToGroup(this.ctx.bus, audience.conversationId, json);
    publishJsonToUsers(this.ctx.bus, [userId], json);
  }

  /**
   * How many members other than its author have read and received the message at `seq`. For
   * groups too large for live receipts; readable by members who can see that message.
   */
  async readBy(userId: string, conversationId: string, seq: number): Promise<ReadByResponse> {
    const floor = await this.access.requireReadable(userId, conversationId);
    const page = seq > floor ? await this.ctx.store.getMessages(conversationId, { after: seq - 1, limit: 1, floor }) : null;
    const message = page?.messages[0];
    if (!message || message.seq !== seq) throw notFound('message');
    return { seq, ...(await this.ctx.store.countReadBy(conversationId, seq, message.senderId)) };
  }

  /**
   * Relays a typing indicator to the other members. Never stored. In groups, repeats are
   * coalesced (see {@link TypingCoalescer}) and nothing is relayed above `typingMaxGroupMembers`.
   */
  async typing(userId: string, frame: TypingFrame): Promise<void> {
    const audience = await this.access.requireWritable(userId, frame.conversationId);
    const json = JSON.stringify({ type: 'typing', conversationId: frame.conversationId, userId, active: frame.active });
    if (audience.kind === 'users') {
      return publishJsonToUsers(this.ctx.bus, audience.userIds.filter((m) => m !== userId), json);
    }
    if (audience.memberCount > this.ctx.config.limits.typingMaxGroupMembers) return;
    if (this.groupTyping.shouldRelay(frame.conversationId, userId, frame.active)) publishJsonToGroup(this.ctx.bus, frame.conversationId, json, { except: userId });
  }

  /** Waits until queued writes are committed (used on shutdown). */
  drain(): Promise<void> {
    return this.writer.drain();
  }

  private summary(state: ConversationState, userId: string): ConversationSummary {
    const peerId = state.kind === 'dm' ? dmPeer(state.conversationId, userId) : null;
    return {
      conversationId: state.conversationId,
      kind: state.kind,
      ...(peerId ? { peerId } : {}),
      ...(state.group ? { group: state.group } : {}),
      lastSeq: state.lastSeq,
      floor: state.floor,
      unread: state.unread,
      mentions: state.mentions,
      cursors: state.cursors,
      lastMessage: state.lastMessage,
    };
  }

  private async eventsSince(userId: string, after: number | undefined) {
    if (after === undefined) {
      return { events: [], eventsCursor: await this.ctx.store.latestUserEventSeq(userId), eventsLimited: false };
    }
    const pageSize = this.ctx.config.limits.syncEventsPageSize;
    const events = await this.ctx.store.getUserEvents(userId, after, pageSize + 1);
    if (events.length === 0 && after > 0) {
      // A cursor past the newest event (another server's data, a restored backup, a bug) must not
      // be echoed back as if all were well: the client would then skip every later event. Hand
      // it the real cursor and `eventsLimited`, so it reloads its lists from scratch.
      const latest = await this.ctx.store.latestUserEventSeq(userId);
      if (after > latest) return { events: [], eventsCursor: latest, eventsLimited: true };
    }
    if (events.length > pageSize) {
      return { events: events.slice(0, pageSize), eventsCursor: await this.ctx.store.latestUserEventSeq(userId), eventsLimited: true };
    }
    return { events, eventsCursor: events.at(-1)?.seq ?? after, eventsLimited: false };
  }

  /** The server's own limits, tighter than the protocol's: checked before anything is opened or queued. */
  private checkContent(content: SendableContent): void {
    const { maxTextLength, maxAttachmentsPerMessage } = this.ctx.config.limits;
    if ((content.type === 'text' || content.type === 'edit') && content.text.length > maxTextLength) {
      throw new AppError(ErrorCode.Validation, `content.text: at most ${maxTextLength} characters`);
    }
    if (content.type === 'text' && (content.attachments?.length ?? 0) > maxAttachmentsPerMessage) {
      throw new AppError(ErrorCode.Validation, `content.attachments: at most ${maxAttachmentsPerMessage} files per message`);
    }
  }
}

/** `members` with `senderId` moved to the end. */
function senderLast(members: readonly string[], senderId: string): readonly string[] {
  const others = members.filter((m) => m !== senderId);
  return others.length === members.length ? others : [...others, senderId];
}
