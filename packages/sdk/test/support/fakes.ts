/**
 * Fakes for SDK unit tests: a manual clock (timers, now, random, online/visible signals), a
 * scriptable WebSocket, a routing fetch, JWT-shaped tokens and frame builders. No real
 * network, no real timers inside the SDK.
 */
import type { ConversationSync, Message, ReadyFrame, ServerFrame, SyncedFrame } from '@quickchat/protocol';
import type { Environment } from '../../src/connection/environment.js';
import type { WebSocketConstructor, WebSocketLike } from '../../src/connection/transport.js';
import type { FetchLike } from '../../src/api/http.js';

/** Manual clock: timers run only inside `advance()`, in due order. */
export class FakeClock {
  nowMs = 1_700_000_000_000;
  randomValue = 0.5;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  readonly onlineListeners = new Set<() => void>();
  readonly visibleListeners = new Set<() => void>();
  readonly offlineListeners = new Set<() => void>();

  readonly env: Environment = {
    setTimeout: (fn, ms) => {
      const id = this.nextId++;
      this.timers.set(id, { at: this.nowMs + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout: (handle) => void this.timers.delete(handle as number),
    now: () => this.nowMs,
    random: () => this.randomValue,
    onOnline: (fn) => {
      this.onlineListeners.add(fn);
      return () => void this.onlineListeners.delete(fn);
    },
    onVisible: (fn) => {
      this.visibleListeners.add(fn);
      return () => void this.visibleListeners.delete(fn);
    },
    onOffline: (fn) => {
      this.offlineListeners.add(fn);
      return () => void this.offlineListeners.delete(fn);
    },
  };

  /** Moves time forward by `ms`, running every timer that falls due (including ones scheduled meanwhile). */
  advance(ms: number): void {
    const end = this.nowMs + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.timers.delete(due[0]);
      this.nowMs = due[1].at;
      due[1].fn();
    }
    this.nowMs = end;
  }

  /** Number of timers still scheduled. */
  pending(): number {
    return this.timers.size;
  }

  /** Milliseconds until the earliest scheduled timer, or null. */
  nextDelay(): number | null {
    let min: number | null = null;
    for (const t of this.timers.values()) if (min === null || t.at < min) min = t.at;
    return min === null ? null : min - this.nowMs;
  }

  goOnline(): void {
    for (const fn of [...this.onlineListeners]) fn();
  }

  becomeVisible(): void {
    for (const fn of [...this.visibleListeners]) fn();
  }
}

/** One fake socket: records what the SDK sends; the test opens, delivers and closes. */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: Record<string, unknown>[] = [];
  closedByClient: { code: number | undefined; reason: string | undefined } | null = null;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error(`send on a socket in readyState ${this.readyState}`);
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(code?: number, reason?: string): void {
    this.closedByClient = { code, reason };
    this.readyState = 3;
  }

  /** The server accepted the connection. */
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  /** The server sent a frame. */
  deliver(frame: ServerFrame | Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** The server (or network) closed the socket. */
  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** Sent frames of one type. */
  frames(type: string): Record<string, unknown>[] {
    return this.sent.filter((f) => f['type'] === type);
  }
}

/** A WebSocket constructor whose instances the test can reach. */
export function fakeSockets(): { WebSocket: WebSocketConstructor; sockets: FakeSocket[]; last(): FakeSocket } {
  const sockets: FakeSocket[] = [];
  class Ws extends FakeSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  }
  return {
    WebSocket: Ws,
    sockets,
    last() {
      const s = sockets[sockets.length - 1];
      if (!s) throw new Error('no socket was opened');
      return s;
    },
  };
}

/** Lets every pending promise continuation run (real macrotask turn, not a timer). */
export async function flush(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Bounded poll of a condition (for work that crosses real I/O such as msw). */
export async function eventually(predicate: () => boolean, what = 'condition', turns = 2000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (predicate()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}

/** A JWT-shaped token (junk signature) with `sub` and `exp` (ms, rounded down to seconds). */
export function jwt(sub: string, expiresAtMs: number, extra: Record<string, unknown> = {}): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, exp: Math.floor(expiresAtMs / 1000), ...extra })}.junk-signature`;
}

export interface FetchCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that answers from `route`; unrouted requests get 404. Records every call. */
export function fakeFetch(route: (call: FetchCall) => { status?: number; body?: unknown } | undefined): { fetch: FetchLike; calls: FetchCall[] } {
  const calls: FetchCall[] = [];
  const fetch: FetchLike = (input, init = {}) => {
    const call: FetchCall = { method: init.method ?? 'GET', path: new URL(input).pathname + new URL(input).search, headers: init.headers ?? {}, body: init.body ? JSON.parse(init.body) : undefined };
    calls.push(call);
    const answer = route(call) ?? { status: 404, body: { error: { code: 'not_found', message: 'no route' } } };
    const status = answer.status ?? 200;
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    return Promise.resolve({ status, ok: status >= 200 && status < 300, text: () => Promise.resolve(text) });
  };
  return { fetch, calls };
}

/** Routes the REST calls a connected client makes by itself (profile, empty history), and the friend lists `friendsOf(client)` loads. */
export function defaultRoutes(userId: string): (call: FetchCall) => { status?: number; body?: unknown } | undefined {
  return (call) => {
    if (call.path === '/api/me') return { body: user(userId) };
    if (['/api/friends', '/api/friend-requests/incoming', '/api/friend-requests/outgoing', '/api/blocks'].includes(call.path)) return { body: { items: [] } };
    if (/^\/api\/conversations\/[^/]+\/messages/.test(call.path)) return { body: { messages: [], hasMore: false } };
    return undefined;
  };
}

export function user(id: string): { id: string; handle: string; displayName: string; avatarUrl: null; signature: string } {
  return { id, handle: id, displayName: id, avatarUrl: null, signature: '' };
}

export function readyFrame(userId: string): ReadyFrame {
  return { type: 'ready', protocol: 1, userId, sessionId: `s-${userId}`, serverTime: 0, heartbeatMs: 30_000, limits: { maxFrameBytes: 65_536, maxTextLength: 4000, messagesPerSecond: 10, groups: { maxMembers: 1000, maxOwned: 100, maxPendingRequests: 100, invitesPerHour: 100, typingMaxMembers: 100, liveReceiptsMaxMembers: 100, presenceMaxMembers: 100 }, messages: { maxAttachments: 10, maxUploadBytes: 26_214_400, editWindowMs: null, maxReactions: 20 }, calls: { ringTimeoutMs: 30_000, graceMs: 10_000, invitesPerMinute: 10, signalsPerSecond: 50 } } };
}

export function message(conversationId: string, seq: number, senderId = 'bob', text = `m${seq}`): Message {
  return { id: `id-${conversationId}-${seq}`, conversationId, seq, senderId, clientMsgId: `c-${senderId}-${seq}`, content: { type: 'text', text }, createdAt: 1_700_000_000_000 + seq };
}

export function syncedFrame(conversations: Partial<ConversationSync>[] = [], extra: Partial<SyncedFrame> = {}): SyncedFrame {
  return {
    type: 'synced',
    conversations: conversations.map((c) => ({ conversationId: 'dm:alice~bob', kind: 'dm', peerId: 'bob', lastSeq: 0, floor: 0, messages: [], limited: false, unread: 0, mentions: 0, cursors: [], lastMessage: null, ...c })),
    events: [],
    eventsCursor: 0,
    eventsLimited: false,
    ...extra,
  };
}

/**
 * Opens `socket`, checks the auth frame, answers `ready`, waits for the client's `sync` and
 * answers with `synced`. Returns the sync frame the client sent.
 */
export async function handshake(socket: FakeSocket, userId: string, synced: SyncedFrame = syncedFrame()): Promise<Record<string, unknown>> {
  socket.open();
  if (socket.sent[0]?.['type'] !== 'auth') throw new Error('first frame was not auth');
  socket.deliver(readyFrame(userId));
  await eventually(() => socket.frames('sync').length > 0, 'sync frame');
  const sync = socket.frames('sync').at(-1) as Record<string, unknown>;
  socket.deliver({ ...synced, id: sync['id'] as string });
  await flush();
  return sync;
}
