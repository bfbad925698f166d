import type { AckFrame, FileLinkResponse, SearchResponse, SendableContent } from '@quickchat/protocol';
import type { ChatClient } from '../client.js';
import { QuickchatError } from '../errors.js';
import type { LocalMessage } from '../stores/state.js';
import { startUpload, type UploadBody, type UploadHandle, type UploadProgress } from './upload.js';

/** A text message with extras: a reply, mentions, uploaded files. */
export interface RichText {
  text: string;
  /** The seq of the message this one replies to (same conversation). */
  replyTo?: number;
  /** Ids of mentioned members (see `findMentions`). */
  mentions?: string[];
  /** Ids of files uploaded with {@link MessagesManager.upload} for this conversation. */
  attachments?: string[];
}

/** Which page of search results: one conversation or all, after a previous page's `next`. */
export interface SearchOptions {
  conversationId?: string;
  cursor?: string;
  /** 1-50 (default 20). */
  limit?: number;
}

/** Options of {@link MessagesManager.upload}. */
export interface UploadOptions {
  /** Called as bytes go out (browsers report as they go; other platforms at the end). */
  onProgress?: (progress: UploadProgress) => void;
}

/** A link is asked for again this long before it expires. */
const LINK_MARGIN_MS = 30_000;

const managers = new WeakMap<ChatClient, MessagesManager>();

/** The one {@link MessagesManager} of `client` (made on first use). */
export function messagesOf(client: ChatClient): MessagesManager {
  let manager = managers.get(client);
  if (!manager) managers.set(client, (manager = new MessagesManager(client)));
  return manager;
}

/**
 * Rich messages for one client: replies, edits, deletes, reactions, mentions, file uploads with
 * progress and cancel, short-lived file links, and search. Get it with `messagesOf(client)`.
 *
 * Every change is sent through the client's outbox like a message (so it waits while offline
 * and is sent exactly once), and shows in `client.messages` once the server stored it: the
 * target message changes in place (`content`, `editedAt`, `reactions`, `updatedSeq`) and the
 * client emits `messageUpdated`. Each action resolves once the server stored it, or rejects with
 * the server's refusal (`forbidden`: not yours / outside the edit window; `not_found`: no such
 * message, or deleted; `conflict`: a reaction already there or too many; `validation`).
 */
export class MessagesManager {
  /** Requests waiting for their ack or error, by clientMsgId. */
  private readonly waiting = new Map<string, { resolve: (ack: AckFrame) => void; reject: (err: QuickchatError) => void }>();
  private readonly links = new Map<string, FileLinkResponse>();

  /** Use `messagesOf(client)`: it returns the one manager of a client. */
  constructor(private readonly client: ChatClient) {
    client.attach((hook) => {
      hook.onFrame('ack', (frame) => this.settle(frame.clientMsgId)?.resolve(frame));
      hook.onFrame('error', (frame) => {
        if (typeof frame.id !== 'string') return;
        const error = new QuickchatError(frame.code, frame.message, frame.retryAfterMs === undefined ? {} : { retryAfterMs: frame.retryAfterMs });
        // A retryable refusal is retried by the outbox; only a final one settles.
        if (!error.retryable) this.settle(frame.id)?.reject(error);
      });
      return () => {
        for (const w of this.waiting.values()) w.reject(new QuickchatError('client_closed', 'the client was closed'));
        this.waiting.clear();
      };
    });
  }

  /** Sends text with a reply, mentions and/or files. Returns the pending message at once, like `client.send`. */
  send(conversationId: string, message: RichText): LocalMessage {
    return this.client.send(conversationId, { type: 'text', ...message });
  }

  /** Replies to the message at `seq`, quoting it. */
  reply(conversationId: string, seq: number, text: string, extras: Omit<RichText, 'text' | 'replyTo'> = {}): LocalMessage {
    return this.send(conversationId, { ...extras, text, replyTo: seq });
  }

  /** Replaces the text (and mentions) of your message at `seq`. */
  edit(conversationId: string, seq: number, text: string, mentions?: string[]): Promise<AckFrame> {
    return this.change(conversationId, { type: 'edit', target: seq, text, ...(mentions?.length ? { mentions } : {}) });
  }

  /** Deletes the message at `seq` (yours; in a group also those of members your role outranks). Its text and files are erased. */
  delete(conversationId: string, seq: number): Promise<AckFrame> {
    return this.change(conversationId, { type: 'delete', target: seq });
  }

  /** Adds (or with `active: false` takes back) your reaction `emoji` (exactly one emoji) on the message at `seq`. */
  react(conversationId: string, seq: number, emoji: string, active = true): Promise<AckFrame> {
    return this.change(conversationId, { type: 'reaction', target: seq, emoji, active });
  }

  /** Adds your reaction, or takes it back when the loaded message shows it as yours. */
  toggleReaction(conversationId: string, seq: number, emoji: string): Promise<AckFrame> {
    const message = this.client.messages.getState()[conversationId]?.items.find((m) => m.seq === seq);
    const mine = message?.reactions?.some((r) => r.emoji === emoji && r.mine) ?? false;
    return this.react(conversationId, seq, emoji, !mine);
  }

  /**
   * Uploads a file for `conversationId` (you must be able to write there). Name the result's
   * `attachment.id` in {@link send} before `expiresAt`; unsent files are deleted after that.
   * `cancel()` stops it.
   */
  upload(conversationId: string, file: UploadBody, name: string, options: UploadOptions = {}): UploadHandle {
    const rest = this.client.rest;
    const query = new URLSearchParams({ conversationId, name });
    return startUpload(file, { url: `${rest.baseUrl}/api/uploads?${query}`, token: (force) => rest.token(force), ...options });
  }

  /**
   * A short-lived URL for a file (or its thumbnail) that works without credentials, e.g. in
   * `<img src>`. Reused until shortly before it expires.
   */
  async fileUrl(attachmentId: string, variant: 'original' | 'thumbnail' = 'original'): Promise<string> {
    const key = `${attachmentId}/${variant}`;
    const cached = this.links.get(key);
    if (cached && cached.expiresAt - LINK_MARGIN_MS > Date.now()) return cached.url;
    const link = await this.client.rest.request<FileLinkResponse>({ method: 'GET', path: `/api/files/${encodeURIComponent(attachmentId)}/link?variant=${variant}` });
    const url = link.url.startsWith('/') ? `${this.client.rest.baseUrl}${link.url}` : link.url;
    this.links.set(key, { url, expiresAt: link.expiresAt });
    return url;
  }

  /** Searches your conversations (all the words; Chinese, Japanese and Korean inside words too). */
  search(query: string, options: SearchOptions = {}): Promise<SearchResponse> {
    const params = new URLSearchParams({ q: query });
    for (const key of ['conversationId', 'cursor', 'limit'] as const) if (options[key] !== undefined) params.set(key, String(options[key]));
    return this.client.rest.request({ method: 'GET', path: `/api/search?${params}` });
  }

  /** Sends a change through the outbox and waits for the server's answer. */
  private change(conversationId: string, content: SendableContent): Promise<AckFrame> {
    const local = this.client.send(conversationId, content);
    return new Promise((resolve, reject) => this.waiting.set(local.clientMsgId, { resolve, reject }));
  }

  private settle(clientMsgId: string) {
    const w = this.waiting.get(clientMsgId);
    this.waiting.delete(clientMsgId);
    return w;
  }
}
