import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { CloseCode, ErrorCode, MIN_SUPPORTED_PROTOCOL, PROTOCOL_VERSION, negotiateProtocol, type ClientFrame, type ErrorFrame, type SendFrame, type ServerFrame } from '@quickchat/protocol';
import { parseFrame, ProtocolError } from '@quickchat/protocol/validate';
import type { Logger } from 'pino';
import { AppError, errorFrame, errorFrameFor } from '../errors.js';
import type { Identity } from '../auth/access-tokens.js';
import type { AccountService } from '../services/accounts.js';
import type { MessageService, SendFailure } from '../services/messages.js';
import type { PresenceService } from '../services/presence/presence-service.js';
import type { CallRouter } from '../services/calls/call-router.js';
import type { ServerLimits } from '../config.js';
import { TokenBucket } from '../limits/token-bucket.js';
import type { Session, SessionRegistry } from './sessions.js';

/** What a connection needs from the rest of the server. */
export interface ConnectionDeps {
  accounts: AccountService;
  messages: MessageService;
  /** Presence: told when this session opens and closes, and handles its `presence` frames. */
  presence: PresenceService;
  /** 1:1 calls, on whichever node runs each: handles `call` and `signal` frames, and is told when this session closes. */
  calls: CallRouter;
  sessions: SessionRegistry;
  limits: ServerLimits;
  log: Logger;
  now: () => number;
}

type State = 'authenticating' | 'ready' | 'closed';

/** The parts of the socket under a `ws` WebSocket used to batch writes. */
export interface CorkableSocket {
  cork(): void;
  uncork(): void;
}

/** `ws` send options: always a text frame, also when the frame comes as UTF-8 bytes. */
const AS_TEXT = { binary: false } as const;

/** Held bytes after which a socket is flushed before the tick ends (bounds memory and delay). */
const FLUSH_BYTES = 32 * 1024;

/**
 * Batches one socket's writes per event-loop tick: the first write of a tick corks the socket,
 * and it is uncorked when the tick ends (or once {@link FLUSH_BYTES} are held), so the frames a
 * tick sends to one socket (acks, the sender's own copy, messages) leave in one `writev` instead
 * of one syscall each. `held` counts the bytes written since the cork.
 */
class TickBatch {
  held = 0;
  private corked = false;

  constructor(private readonly socket: CorkableSocket) {}

  /** Corks the socket for the rest of this tick, if it is not already. */
  hold(): void {
    if (this.corked) return;
    this.socket.cork();
    this.corked = true;
    if (pendingBatches.length === 0) process.nextTick(flushPendingBatches);
    pendingBatches.push(this);
  }

  /** Records `bytes` written while corked; flushes early past {@link FLUSH_BYTES}. */
  wrote(bytes: number): void {
    this.held += bytes;
    if (this.held >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (!this.corked) return;
    this.corked = false;
    this.held = 0;
    this.socket.uncork();
  }
}

/** Batches corked this tick, in the order they were first written to (flushed in that order). */
let pendingBatches: TickBatch[] = [];

function flushPendingBatches(): void {
  const batches = pendingBatches;
  pendingBatches = [];
  for (const batch of batches) {
    try {
      batch.flush();
    } catch {
      // A socket torn down meanwhile; the others must still be flushed.
    }
  }
}

/**
 * One client socket: authentication within a deadline, rate limiting, in-order frame
 * handling, and a bounded outbound queue. A connection that cannot keep up is dropped;
 * it never slows routing to anyone else.
 */
export class Connection implements Session {
  readonly sessionId = randomBytes(9).toString('base64url');
  private state: State = 'authenticating';
  private identity: Identity | null = null;
  /** Set once `ready` was sent: from then on the client syncs on `resync`. */
  private toldReady = false;
  private readonly bucket: TokenBucket;
  /** `signal` frames have a budget of their own, so a burst of trickle ICE is not refused. */
  private readonly signalBucket: TokenBucket;
  private strikes = 0;
  private authTimer: NodeJS.Timeout | null;
  private expiryTimer: NodeJS.Timeout | null = null;
  /** Frames are handled one after another, so a client's sends keep their order. */
  private inbound: Promise<void> = Promise.resolve();
  /**
   * Frames waiting in or running on `inbound`. While none are, a `send` whose permission is
   * cached is queued straight from the socket event, with no promise hop, in the same order.
   */
  private waiting = 0;
  /**
   * Set by the first frame, which must be `auth`. Frames pipelined behind it wait in `inbound`
   * for its outcome (run if it succeeds, dropped if it fails) instead of closing the socket.
   */
  private authReceived = false;
  /** Cleared by each heartbeat, set by each pong. */
  alive = true;
  /** Per-tick write batching, when `ws` exposes a socket that can be corked. */
  private readonly batch: TickBatch | null;

  /**
   * @param socket the upgraded socket under `ws`, for batching writes; without one, frames are
   *   written one by one.
   */
  constructor(
    private readonly ws: WebSocket,
    readonly ip: string,
    private readonly deps: ConnectionDeps,
    socket?: CorkableSocket,
  ) {
    this.batch = socket ? new TickBatch(socket) : null;
    this.bucket = new TokenBucket(deps.limits.messagesPerSecond, deps.limits.messageBurst, deps.now);
    this.signalBucket = new TokenBucket(deps.limits.callSignalsPerSecond, deps.limits.callSignalBurst, deps.now);
    this.authTimer = setTimeout(() => this.close(CloseCode.AuthTimeout, 'authentication timed out'), deps.limits.authTimeoutMs);
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('close', () => this.onClosed());
    ws.on('error', (err) => deps.log.debug({ err: err.message, sessionId: this.sessionId }, 'socket error'));
  }

  get userId(): string {
    return this.identity?.userId ?? '';
  }

  get familyId(): string | null {
    return this.identity?.familyId ?? null;
  }

  /** Sends a frame (serialized here). */
  send(frame: ServerFrame): void {
    this.sendRaw(JSON.stringify(frame));
  }

  /**
   * Sends pre-serialized text, or drops the connection if its queue is already over the cap. A
   * single frame larger than the cap (a big `synced` reply) is still sent to a reader that keeps
   * up; otherwise such a client could never catch up. Memory stays bounded by cap + one frame.
   * A Buffer holds the frame's UTF-8 bytes (encoded once for many sockets) and is sent as text.
   */
  sendRaw(text: string | Buffer): void {
    if (this.state === 'closed') return;
    // Bytes held back by this tick's cork are on their way out, not a backlog: only what earlier
    // ticks left unsent counts against the cap.
    const backlog = this.ws.bufferedAmount - (this.batch?.held ?? 0);
    if (backlog > this.deps.limits.maxQueueBytes) {
      this.deps.log.warn({ sessionId: this.sessionId, userId: this.userId, queued: backlog }, 'slow consumer dropped');
      this.close(CloseCode.SlowConsumer, 'send queue full', true);
      return;
    }
    if (!this.batch) {
      this.ws.send(text, AS_TEXT);
      return;
    }
    this.batch.hold();
    const before = this.ws.bufferedAmount;
    this.ws.send(text, AS_TEXT);
    this.batch.wrote(this.ws.bufferedAmount - before);
  }

  /** Whether the connection closed (a method, so a check after an `await` is not narrowed away). */
  private isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Closes with a code and reason. `terminate` skips the closing handshake (dead or stuck peers). */
  close(code: number, reason: string, terminate = false): void {
    if (this.state === 'closed') return;
    this.onClosed();
    if (terminate) this.ws.terminate();
    else this.ws.close(code, reason);
  }

  /** One heartbeat tick: a socket that did not answer the previous ping is terminated. */
  heartbeat(): void {
    if (!this.alive) {
      this.deps.log.debug({ sessionId: this.sessionId }, 'heartbeat missed');
      this.close(CloseCode.HeartbeatTimeout, 'heartbeat timeout', true);
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.state === 'closed') return;
    // Charged by how the frame starts, before parsing it; a frame that only looked like a signal
    // is charged to the message budget as well once parsed.
    const signal = !isBinary && this.authReceived && looksLikeSignal(data);
    const budget = signal ? this.signalBucket : this.bucket;
    if (!budget.take()) return this.rateLimited(data, budget);
    this.strikes = 0;
    const frame = isBinary ? new ProtocolError(ErrorCode.BadFrame, 'binary frames are not supported') : parseFrame(data);
    if (signal && (frame instanceof ProtocolError || frame.type !== 'signal') && !this.bucket.take()) return this.rateLimited(data, this.bucket);
    if (!this.authReceived) {
      if (frame instanceof ProtocolError || frame.type !== 'auth') {
        this.close(CloseCode.ProtocolError, frame instanceof ProtocolError ? truncate(frame.message) : 'authenticate first');
        return;
      }
      this.authReceived = true;
    } else if (frame instanceof ProtocolError) {
      const error = errorFrame(frame.code, frame.message, frame.id);
      // In order with the replies to earlier frames (and after `ready` when auth is still running).
      this.enqueue(() => this.send(error));
      return;
    }
    if (frame.type === 'send' && this.waiting === 0 && this.state === 'ready') return this.sendNow(frame);
    this.enqueue(() => this.handle(frame).catch((err: unknown) => this.fail(frame, err)));
  }

  /** Runs `task` after every frame received before it. */
  private enqueue(task: () => void | Promise<void>): void {
    this.waiting++;
    const finished = () => void this.waiting--;
    this.inbound = this.inbound.then(task).then(finished, (err: unknown) => {
      finished();
      this.deps.log.error({ err, sessionId: this.sessionId }, 'frame task failed');
    });
  }

  /** A `send` with nothing queued ahead of it: submitted at once, or queued if that needs I/O. */
  private sendNow(frame: SendFrame): void {
    let queued: Promise<void> | undefined;
    try {
      queued = this.deps.messages.submit(this, frame, this.failureOf(frame));
    } catch (err) {
      return this.fail(frame, err);
    }
    if (!queued) return;
    // Later frames wait until this one is queued (or refused).
    const settled = queued.catch((err: unknown) => this.fail(frame, err));
    this.enqueue(() => settled);
  }

  /** Reports a `send` that failed after it was queued (its ack comes through the bus). */
  private failureOf(frame: SendFrame): SendFailure {
    return (err) => this.fail(frame, err);
  }

  private async handle(frame: ClientFrame): Promise<void> {
    if (this.state === 'closed') return;
    const userId = this.userId;
    switch (frame.type) {
      case 'auth':
        return this.authenticate(frame.token, frame.protocol);
      case 'send':
        return this.deps.messages.submit(this, frame, this.failureOf(frame));
      case 'sync':
        return this.send(await this.deps.messages.sync(userId, frame));
      case 'receipt':
        return this.deps.messages.receipt(userId, frame);
      case 'typing':
        return this.deps.messages.typing(userId, frame);
      case 'presence':
        return this.deps.presence.handleFrame(this, frame);
      case 'call':
        return this.deps.calls.handle(this, frame);
      case 'signal':
        return this.deps.calls.signal(this, frame);
      case 'ping':
        return this.send({ type: 'pong', ...(frame.id !== undefined ? { id: frame.id } : {}) });
    }
  }

  /**
   * First auth opens the session; a later auth (token refresh) must be for the same user. A
   * client older than the oldest protocol version this server speaks is refused (4008); a newer
   * one is answered in this server's version (`ready.protocol`).
   */
  private async authenticate(token: string, requested: number | undefined): Promise<void> {
    const protocol = negotiateProtocol(requested);
    if (protocol === null) {
      const message = `protocol ${requested} is not supported (this server speaks ${MIN_SUPPORTED_PROTOCOL}-${PROTOCOL_VERSION}); upgrade the client`;
      this.send(errorFrame(ErrorCode.ProtocolUnsupported, message));
      this.close(CloseCode.ProtocolUnsupported, truncate(message));
      return;
    }
    let identity: Identity;
    try {
      identity = await this.deps.accounts.authenticate(token);
    } catch (err) {
      const expired = err instanceof AppError && err.code === ErrorCode.AuthExpired;
      const message = err instanceof AppError ? err.message : 'authentication failed';
      this.send(errorFrame(expired ? ErrorCode.AuthExpired : ErrorCode.Unauthenticated, message));
      this.close(expired ? CloseCode.AuthExpired : CloseCode.AuthFailed, truncate(message));
      return;
    }
    if (this.state === 'closed') return;
    if (this.identity && this.identity.userId !== identity.userId) {
      this.close(CloseCode.AuthFailed, 'a session cannot change user');
      return;
    }
    const first = this.identity === null;
    this.identity = identity;
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    this.scheduleExpiry(identity.expiresAt);
    if (first) {
      this.state = 'ready';
      // `ready` only once this user's bus subscription is live: a message committed before that
      // is in the client's sync, and one committed after it reaches this socket.
      try {
        await this.deps.sessions.add(this);
      } catch (err) {
        // The user's groups could not be read: a socket that missed them would miss their messages.
        this.deps.log.error({ err, sessionId: this.sessionId }, 'session routing failed');
        this.close(CloseCode.GoingAway, 'server busy; reconnect');
        return;
      }
      if (this.isClosed()) return;
      this.deps.log.info({ sessionId: this.sessionId, userId: identity.userId, ip: this.ip }, 'session ready');
    }
    const { limits } = this.deps;
    this.send({
      type: 'ready',
      protocol,
      userId: identity.userId,
      sessionId: this.sessionId,
      serverTime: this.deps.now(),
      heartbeatMs: limits.heartbeatMs,
      limits: {
        maxFrameBytes: limits.maxFrameBytes,
        maxTextLength: limits.maxTextLength,
        messagesPerSecond: limits.messagesPerSecond,
        groups: {
          maxMembers: limits.maxGroupMembers,
          maxOwned: limits.maxOwnedGroups,
          maxPendingRequests: limits.maxPendingJoinRequests,
          invitesPerHour: limits.groupInvitesPerHour,
          typingMaxMembers: limits.typingMaxGroupMembers,
          liveReceiptsMaxMembers: limits.liveReceiptsMaxGroupMembers,
          presenceMaxMembers: limits.presenceMaxGroupMembers,
        },
        messages: {
          maxAttachments: limits.maxAttachmentsPerMessage,
          maxUploadBytes: limits.maxUploadBytes,
          editWindowMs: limits.editWindowMs === 0 ? null : limits.editWindowMs,
          maxReactions: limits.maxReactionsPerMessage,
        },
        calls: {
          ringTimeoutMs: limits.callRingTimeoutMs,
          graceMs: limits.callGraceMs,
          invitesPerMinute: limits.callInvitesPerMinute,
          signalsPerSecond: limits.callSignalsPerSecond,
        },
      },
    });
    this.toldReady = true;
    // After `ready`: the states of everyone this session watches follow in one `presence` frame.
    if (first && !this.isClosed()) void this.deps.presence.sessionOpened(this).catch((err: unknown) => this.deps.log.error({ err, sessionId: this.sessionId }, 'presence: opening the session failed'));
  }

  /**
   * This node may have missed frames for this session (it lost the bus to the other nodes and got
   * it back): tells the client to sync (`resync`), and sends again the presence of everyone it
   * watches. A session not yet told `ready` needs neither: its first sync is still to come.
   */
  resync(): void {
    if (!this.toldReady || this.isClosed()) return;
    this.send({ type: 'resync' });
    void this.deps.presence.resendStates(this).catch((err: unknown) => this.deps.log.error({ err, sessionId: this.sessionId }, 'presence: resending states failed'));
  }

  private scheduleExpiry(expiresAt: number): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    const delay = Math.max(0, Math.min(expiresAt - this.deps.now(), 2 ** 31 - 1));
    this.expiryTimer = setTimeout(() => this.close(CloseCode.AuthExpired, 'token expired'), delay);
  }

  private rateLimited(data: Buffer, budget: TokenBucket): void {
    this.strikes++;
    if (this.strikes >= this.deps.limits.rateLimitStrikes || this.state === 'authenticating') {
      this.deps.log.warn({ sessionId: this.sessionId, userId: this.userId, ip: this.ip }, 'closing flooding connection');
      this.close(CloseCode.RateLimited, 'rate limit exceeded');
      return;
    }
    const id = requestIdOf(data);
    this.send(errorFrame(ErrorCode.RateLimited, 'too many frames; slow down', id, budget.retryAfterMs()));
  }

  private fail(frame: ClientFrame, err: unknown): void {
    if (!(err instanceof AppError)) this.deps.log.error({ err, sessionId: this.sessionId, frameType: frame.type }, 'frame handler failed');
    this.send(errorFrameFor(err, 'id' in frame ? frame.id : undefined));
  }

  private onClosed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.authTimer) clearTimeout(this.authTimer);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    if (this.identity) {
      this.deps.sessions.remove(this);
      this.deps.presence.sessionClosed(this);
      this.deps.calls.sessionClosed(this);
    }
  }
}

/** A frame whose text starts `{"type":"signal"` (how the SDK writes it), judged before parsing. */
function looksLikeSignal(data: Buffer): boolean {
  return /^\s*\{\s*"type"\s*:\s*"signal"/.test(data.toString('utf8', 0, 48));
}

/** Reads a request id from a frame we did not fully parse (for rate-limit errors). */
function requestIdOf(data: Buffer): string | number | undefined {
  const match = /"id"\s*:\s*("(?:[^"\\]{0,64})"|\d{1,15})/.exec(data.toString('utf8', 0, 256));
  if (!match?.[1]) return undefined;
  return match[1].startsWith('"') ? match[1].slice(1, -1) : Number(match[1]);
}

/** Close reasons must fit in 123 bytes. */
function truncate(reason: string): string {
  return Buffer.byteLength(reason) <= 120 ? reason : Buffer.from(reason).subarray(0, 117).toString('utf8') + '...';
}
