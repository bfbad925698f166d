import { dmPeer, parseConversationId, ErrorCode } from '@quickchat/protocol';
import type { ParsedConversationId, ConversationSummary, HistoryResponse, MessageContent, ReceiptFrame, SendFrame, SyncFrame, SyncedFrame, TypingFrame, ConversationSync } from '@quickchat/protocol';
import { AppError, notFound } from '../errors.js';
import { newMessageId } from './message-ids.js';
import type { ConversationState, NewMessage } from '../store/types.js';
import { MessageWriter } from './message-writer.js';
import { publishJsonToUsers, publishToUsers } from './publish.js';
import { ackFrameJson, contentJson, messageFrameJson } from './frame-json.js';
import type { FriendService } from './friends.js';
import type { ServiceContext } from './context.js';

/** Told the serialized `ack` once a message committed and was published, or why it failed. */
export type AckCallback = (err: unknown, ackJson?: string) => void;

/** How many parsed conversation ids {@link MessageService} keeps. */
const PARSED_IDS_CACHE_SIZE = 10_000;

/**
 * Messages, history, catch-up, receipts and typing. The rules for who may read and write a
 * conversation live here, once, for both socket and REST.
 */
export class MessageService {
  private readonly writer: MessageWriter;
  /** Valid conversation ids already parsed (parsing is pure), oldest first; bounded. */
  private readonly parsedIds = new Map<string, ParsedConversationId>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly friends: FriendService,
  ) {
    this.writer = new MessageWriter(ctx.store);
  }

  /**
   * Authorizes and queues a message. `done` gets the ack (serialized) only after the write
   * committed, once the message has been published to every session of every member (the
   * sender's included); a repeated `clientMsgId` acks the original with `duplicate: true`.
   * Returns `undefined` when the message was queued at once (the DM permission was cached), else
   * a promise that settles once it is queued, so a connection can keep its frames in order
   * without waiting for the disk. A refusal throws, or rejects that promise.
   */
  submit(senderId: string, frame: SendFrame, done: AckCallback): Promise<void> | undefined {
    const members = this.writableNow(senderId, frame.conversationId);
    if (members === undefined) {
      return this.requireWritable(senderId, frame.conversationId).then((m) => this.queue(senderId, frame, m, done));
    }
    this.queue(senderId, frame, members, done);
    return undefined;
  }

  /** Queues a permitted message for the group commit; see {@link submit}. */
  private queue(senderId: string, frame: SendFrame, members: string[], done: AckCallback): void {
    this.checkContent(frame.content);
    const json = contentJson(frame.content);
    const item: NewMessage = {
      id: newMessageId(),
      conversationId: frame.conversationId,
      members,
      senderId,
      clientMsgId: frame.clientMsgId,
      content: frame.content,
      contentJson: json,
      createdAt: this.ctx.now(),
    };
    this.writer.write(item, (err, result) => {
      if (!result) return done(err);
      let ack: string;
      try {
        const { message, duplicate } = result;
        // The sender's own copy last: sockets are flushed in the order they were first written to
        // in a tick, so the receivers' copies go out before the sender's copy and ack.
        if (!duplicate) publishJsonToUsers(this.ctx.bus, senderLast(members, senderId), messageFrameJson(message, json));
        ack = ackFrameJson(frame.id, message, duplicate);
      } catch (publishErr) {
        return done(publishErr);
      }
      done(null, ack);
    });
  }

  /** Everything since the client's cursors; see `docs/protocol.md` (Sync). */
  async sync(userId: string, frame: SyncFrame): Promise<SyncedFrame> {
    const { limits } = this.ctx.config;
    const limit = Math.min(frame.limit ?? limits.syncPageSize, limits.syncPageSize);
    const knowsHistory = frame.eventsAfter !== undefined;
    const states = await this.ctx.store.listConversations(userId);
    const conversations: ConversationSync[] = [];
    for (const state of states) {
      const cursor = frame.cursors?.[state.conversationId] ?? (knowsHistory ? 0 : null);
      let messages: ConversationSync['messages'] = [];
      let limited = false;
      if (cursor !== null && state.lastSeq > cursor) {
        const page = await this.ctx.store.getMessages(state.conversationId, { after: cursor, limit });
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
    if (!(await this.ctx.store.getConversation(conversationId, userId))) {
      // Both DM members are created with the conversation, so a named member who is not found is
      // looking at a DM that has no messages yet.
      if (dmPeer(conversationId, userId) !== null) return { messages: [], hasMore: false };
      throw notFound('conversation');
    }
    const limit = Math.min(range.limit ?? 50, 100);
    return this.ctx.store.getMessages(conversationId, { ...range, limit });
  }

  /** The user's conversations with unread counts and last messages, most recent first. */
  async list(userId: string): Promise<ConversationSummary[]> {
    return (await this.ctx.store.listConversations(userId)).map((s) => this.summary(s, userId));
  }

  /** Advances delivered/read cursors and tells every member's sessions. */
  async receipt(userId: string, frame: ReceiptFrame): Promise<void> {
    const to: { delivered?: number; read?: number } = {};
    if (frame.delivered !== undefined) to.delivered = frame.delivered;
    if (frame.read !== undefined) to.read = frame.read;
    const result = await this.ctx.store.advanceCursor(frame.conversationId, userId, to);
    if (!result) throw notFound('conversation');
    if (!result.changed) return;
    const state = await this.ctx.store.getConversation(frame.conversationId, userId);
    const members = state?.cursors.map((c) => c.userId) ?? [userId];
    publishToUsers(this.ctx.bus, members, { type: 'receipt', conversationId: frame.conversationId, ...result.cursor });
  }

  /** Relays a typing indicator to the other members. Never stored. */
  async typing(userId: string, frame: TypingFrame): Promise<void> {
    const members = await this.requireWritable(userId, frame.conversationId);
    publishToUsers(
      this.ctx.bus,
      members.filter((m) => m !== userId),
      { type: 'typing', conversationId: frame.conversationId, userId, active: frame.active },
    );
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
      lastSeq: state.lastSeq,
      unread: state.unread,
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
    if (events.length > pageSize) {
      return { events: events.slice(0, pageSize), eventsCursor: await this.ctx.store.latestUserEventSeq(userId), eventsLimited: true };
    }
    return { events, eventsCursor: events.at(-1)?.seq ?? after, eventsLimited: false };
  }

  /** Members of a conversation the user may write to; the same "not found" for every refusal. */
  private async requireWritable(userId: string, conversationId: string): Promise<string[]> {
    const parsed = this.parse(conversationId);
    if (parsed?.kind === 'dm') {
      const [a, b] = parsed.members;
      const peer = a === userId ? b : b === userId ? a : null;
      if (peer !== null && (await this.friends.canMessage(userId, peer))) return [a, b];
    }
    throw notFound('conversation');
  }

  /** {@link requireWritable} without I/O: `undefined` when the answer needs the store. */
  private writableNow(userId: string, conversationId: string): string[] | undefined {
    const parsed = this.parse(conversationId);
    if (parsed?.kind !== 'dm') throw notFound('conversation');
    const [a, b] = parsed.members;
    const peer = a === userId ? b : b === userId ? a : null;
    if (peer === null) throw notFound('conversation');
    const allowed = this.friends.cachedCanMessage(userId, peer);
    if (allowed === false) throw notFound('conversation');
    return allowed ? [a, b] : undefined;
  }

  private parse(conversationId: string): ParsedConversationId | null {
    const known = this.parsedIds.get(conversationId);
    if (known) return known;
    const parsed = parseConversationId(conversationId);
    if (!parsed) return null;
    this.parsedIds.set(conversationId, parsed);
    if (this.parsedIds.size > PARSED_IDS_CACHE_SIZE) this.parsedIds.delete(this.parsedIds.keys().next().value!);
    return parsed;
  }

  private checkContent(content: MessageContent): void {
    const max = this.ctx.config.limits.maxTextLength;
    if (content.type === 'text' && content.text.length > max) {
      throw new AppError(ErrorCode.Validation, `content.text: at most ${max} characters`);
    }
  }
}

/** `members` with `senderId` moved to the end. */
function senderLast(members: readonly string[], senderId: string): string[] {
  const others = members.filter((m) => m !== senderId);
  return others.length === members.length ? others : [...others, senderId];
}
