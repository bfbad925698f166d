import Database from 'better-sqlite3';
import type { AckFrame, ErrorFrame, Message, MessageFrame, ServerFrame } from '@quickchat/protocol';
import type { ServerOptions } from '../../src/config.js';
import { startTestServer, type TestServer } from './server.js';
import { Rest, type TestUser } from './rest.js';
import { RawClient } from './ws-client.js';

/** Limits loose enough that bursts of a few hundred frames are not rate-limited. */
export const BURST_LIMITS = { messagesPerSecond: 10_000, messageBurst: 10_000 } as const;

/**
 * A running server plus a REST client and a registry of sockets that `close()` shuts down.
 * Shared by the messaging-*.test.ts files; `FriendsHarness` (support/friends.ts) builds on it.
 */
export class ChatFixture {
  readonly rest: Rest;
  private readonly clients: RawClient[] = [];

  protected constructor(readonly t: TestServer) {
    this.rest = new Rest(t.url);
  }

  static async start(overrides: Partial<ServerOptions> = {}): Promise<ChatFixture> {
    return new ChatFixture(await startTestServer(overrides));
  }

  /** Opens and authenticates a socket; it is closed by {@link close}. */
  async connect(user: TestUser): Promise<RawClient> {
    const c = await RawClient.connect(this.t.wsUrl, user.token);
    this.clients.push(c);
    return c;
  }

  /** Registers users and makes every pair in `friendships` mutual friends. */
  async users<const H extends string>(handles: readonly H[], friendships: readonly [H, H][] = []): Promise<Record<H, TestUser>> {
    const out = {} as Record<H, TestUser>;
    for (const h of handles) out[h] = await this.rest.register(h);
    for (const [a, b] of friendships) await this.rest.befriend(out[a], out[b]);
    return out;
  }

  /** Closes every socket opened here, then the server (which deletes its temp data dir). */
  async close(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.close()));
    await this.t.stop();
  }
}

let requestId = 0;

/**
 * Sends text to any conversation (a DM or a group) and resolves with its `ack` or `error`, matched
 * by request id. `clientMsgId` defaults to a fresh one.
 */
export async function sendTo(c: RawClient, conversationId: string, text: string, clientMsgId?: string): Promise<AckFrame | ErrorFrame> {
  return sendContent(c, conversationId, { type: 'text', text }, clientMsgId);
}

/**
 * Sends any content (a reply, an edit, a delete, a reaction…) and resolves with its `ack` or
 * `error`, matched by request id. `clientMsgId` defaults to a fresh one.
 */
export async function sendContent(c: RawClient, conversationId: string, content: Record<string, unknown>, clientMsgId?: string): Promise<AckFrame | ErrorFrame> {
  const id = ++requestId;
  c.send({ type: 'send', id, conversationId, clientMsgId: clientMsgId ?? `c-${id}`, content });
  return c.next<AckFrame | ErrorFrame>((f) => (f.type === 'ack' || f.type === 'error') && f.id === id);
}

/** A `send` frame with text content. */
export function textFrame(conversationId: string, clientMsgId: string, text: string, id?: string | number): Record<string, unknown> {
  return { type: 'send', ...(id !== undefined ? { id } : {}), conversationId, clientMsgId, content: { type: 'text', text } };
}

/**
 * Sends `count` messages without waiting (clientMsgIds `${prefix}${i}`, texts `${prefix} ${i}`,
 * i from 1) and resolves with their acks in clientMsgId order once all arrived.
 */
export async function sendBurst(c: RawClient, conversationId: string, prefix: string, count: number): Promise<AckFrame[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
  ids.forEach((id, i) => c.send(textFrame(conversationId, id, `${prefix} ${i + 1}`)));
  const wanted = new Set(ids);
  const isMine = (f: ServerFrame) => f.type === 'ack' && wanted.has(f.clientMsgId);
  const acks = (await c.waitForCount((f) => isMine(f) || f.type === 'error', count)) as (AckFrame | ErrorFrame)[];
  const failed = acks.find((f) => f.type === 'error');
  if (failed) throw new Error(`send burst failed: ${JSON.stringify(failed)}`);
  const byId = new Map((acks as AckFrame[]).map((a) => [a.clientMsgId, a]));
  return ids.map((id) => byId.get(id)!);
}

/** Matches `message` frames of one conversation. */
export const messageIn = (conversationId: string) => (f: ServerFrame): f is MessageFrame =>
  f.type === 'message' && f.message.conversationId === conversationId;

/** The `message` frames a client received so far in one conversation, as messages. */
export function receivedMessages(c: RawClient, conversationId: string): Message[] {
  return c.frames.filter(messageIn(conversationId)).map((f) => f.message);
}

/** `[1, 2, …, n]` (or `[from, …, to]`). */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

/** Opens a separate read-only connection to the server's database file. */
export function openReader(dbFile: string): Database.Database {
  return new Database(dbFile, { readonly: true, fileMustExist: true });
}

/** Row count of every user table in the database, by table name. */
export function tableCounts(dbFile: string): Record<string, number> {
  const db = openReader(dbFile);
  try {
    const tables = db
      .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all();
    return Object.fromEntries(tables.map((name) => [name, db.prepare<[], number>(`SELECT COUNT(*) FROM "${name}"`).pluck().get()!]));
  } finally {
    db.close();
  }
}

/** Stored cursors of one member, read straight from the database. */
export function storedCursor(dbFile: string, conversationId: string, userId: string): { delivered: number; read: number } | undefined {
  const db = openReader(dbFile);
  try {
    return db
      .prepare<[string, string], { delivered: number; read: number }>('SELECT delivered, read FROM conversation_members WHERE conversation_id = ? AND user_id = ?')
      .get(conversationId, userId);
  } finally {
    db.close();
  }
}
