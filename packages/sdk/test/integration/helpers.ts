import type { Socket } from 'node:net';
import WebSocket from 'ws';
import Database from 'better-sqlite3';
import type { ChatClient, ClientOptions, LocalMessage } from '../../src/index.js';
import { until } from '../support/sdk-server.js';

/** The injected WebSocket class and what it saw. */
export interface TrackedWebSocket {
  WebSocket: ClientOptions['WebSocket'];
  /** Every socket the SDK opened, oldest first. */
  sockets: WebSocket[];
  /** The frames the SDK wrote, per socket. */
  sent: Map<WebSocket, string[]>;
  /** The newest open socket. */
  live(): WebSocket | undefined;
  /** Destroys the open socket's TCP connection (no close frame either way). False when none is open. */
  destroyLive(how?: 'destroy' | 'terminate'): boolean;
}

/**
 * A `ws` WebSocket class to inject into the SDK that remembers every socket it opened and
 * every frame written to it, so a test can reach the live socket and kill its TCP connection
 * without a close frame.
 */
export function trackedWebSocket(): TrackedWebSocket {
  const sockets: WebSocket[] = [];
  const sent = new Map<WebSocket, string[]>();
  class Tracked extends WebSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
      sent.set(this, []);
    }
    override send(data: unknown, ...rest: unknown[]): void {
      sent.get(this)?.push(String(data));
      (WebSocket.prototype.send as (...args: unknown[]) => void).call(this, data, ...rest);
    }
  }
  const live = () => [...sockets].reverse().find((s) => s.readyState === WebSocket.OPEN);
  return {
    WebSocket: Tracked as unknown as ClientOptions['WebSocket'],
    sockets,
    sent,
    live,
    destroyLive(how = 'destroy') {
      const ws = live();
      if (!ws) return false;
      if (how === 'terminate') ws.terminate();
      else (ws as unknown as { _socket: Socket })._socket.destroy();
      return true;
    },
  };
}

/** The clientMsgIds of the `send` frames written to a socket. */
export function sentClientMsgIds(tracked: TrackedWebSocket, ws: WebSocket | undefined): string[] {
  return (ws ? (tracked.sent.get(ws) ?? []) : []).map((raw) => JSON.parse(raw) as { type: string; clientMsgId?: string }).filter((f) => f.type === 'send').map((f) => f.clientMsgId as string);
}

/** Every message the client surfaces (the `message` event), in the order it surfaced them. */
export function recordSurfaced(client: ChatClient): LocalMessage[] {
  const log: LocalMessage[] = [];
  client.on('message', ({ message }) => log.push(message));
  return log;
}

/** The surfaced messages of one conversation as `seq:text` pairs (for readable diffs). */
export function seqTexts(log: readonly LocalMessage[], conversationId: string): string[] {
  return log.filter((m) => m.conversationId === conversationId).map((m) => `${m.seq}:${m.content.type === 'text' ? m.content.text : '?'}`);
}

/** Waits until the client's socket is authenticated. */
export function connected(client: ChatClient, what = 'connected', timeoutMs = 15_000): Promise<void> {
  return until(client, () => client.connectionState === 'connected', timeoutMs, what);
}

/** Waits for the client's next `synced` event and returns it. */
export function nextSynced(client: ChatClient, timeoutMs = 30_000): Promise<{ userId: string; conversations: number; backfilled: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no synced event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.on('synced', (context) => {
      clearTimeout(timer);
      off();
      resolve(context);
    });
  });
}

/** Own messages of a conversation in the client's message store. */
export function ownItems(client: ChatClient, conversationId: string): LocalMessage[] {
  return (client.messages.getState()[conversationId]?.items ?? []).filter((m) => m.senderId === client.userId);
}

/** A conversation's stored messages, read from the SQLite file through a separate read-only connection. */
export function storedRows(dbFile: string, conversationId: string): { seq: number; sender_id: string; client_msg_id: string; content: string }[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare('SELECT seq, sender_id, client_msg_id, content FROM messages WHERE conversation_id = ? ORDER BY seq').all(conversationId) as { seq: number; sender_id: string; client_msg_id: string; content: string }[];
  } finally {
    db.close();
  }
}

/** 1..n */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** Polls an async condition (every 20 ms, bounded) until it holds. */
export async function eventually(condition: () => Promise<boolean> | boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The outbox entries persisted in a storage adapter (default namespace). */
export async function persistedOutbox(storage: { get(key: string): Promise<string | null> }, namespace = 'qc'): Promise<unknown[]> {
  return JSON.parse((await storage.get(`${namespace}:outbox`)) ?? '[]') as unknown[];
}
