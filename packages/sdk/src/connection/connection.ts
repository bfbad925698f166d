import { EventEmitter } from 'eventemitter3';
import { CloseCode, ErrorCode, PROTOCOL_VERSION, type ClientFrame, type ReadyFrame, type ServerFrame } from '@quickchat/protocol';
import { ClientErrorCode, ConnectionError, QuickchatError, type QuickchatErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { TokenSource } from '../auth/token-source.js';
import { REFRESH_MARGIN_MS } from '../auth/token-source.js';
import type { Environment, TimerHandle } from './environment.js';
import type { ReconnectPolicy } from './reconnect-policy.js';
import { ConnectionReason as R, ConnectionState, type StateChange } from './state.js';
import { WS_OPEN, type WebSocketConstructor, type WebSocketLike } from './transport.js';

/** Events of a {@link Connection}. */
export interface ConnectionEvents {
  /** Every state transition. */
  state: (change: StateChange) => void;
  /** The session is authenticated (after every connect and re-auth). */
  ready: (frame: ReadyFrame) => void;
  /** Any other frame from the server. */
  frame: (frame: ServerFrame) => void;
  /** A failure worth surfacing (auth refused, token source failed). */
  error: (error: QuickchatError) => void;
}

/** Settings of a {@link Connection}. */
export interface ConnectionOptions {
  /** `ws(s)://host/ws` */
  url: string;
  WebSocket: WebSocketConstructor;
  tokens: TokenSource;
  policy: ReconnectPolicy;
  env: Environment;
  logger: Logger;
  /** How often to ping while connected. Default 25 s. */
  pingIntervalMs?: number;
  /** How long to wait for any frame after a ping before giving up on the socket. Default 10 s. */
  pongTimeoutMs?: number;
  /** How long opening + authenticating may take. Default 15 s. */
  connectTimeoutMs?: number;
}

/**
 * The socket state machine: opens the socket, authenticates with the first frame, keeps the
 * session alive (pings, token re-auth before expiry), and reconnects per the policy. All
 * transitions go through `setState`, which ignores no-op transitions and emits
 * `{ newState, oldState, code, reason }`. The `auth` frame names {@link PROTOCOL_VERSION}.
 */
export class Connection extends EventEmitter<ConnectionEvents> {
  private current: ConnectionState = ConnectionState.Idle;
  private socket: WebSocketLike | null = null;
  private retryCount = 0;
  private lostAt = 0;
  private timers = new Map<'retry' | 'ping' | 'pong' | 'connect' | 'reauth', TimerHandle>();
  private unsubscribeSignals: (() => void)[] = [];
  private pingSeq = 0;
  private forceRefreshNext = false;
  /** Auth refusals since the last successful session; a refusal right after a refresh is final. */
  private authRefusals = 0;
  /** Bumped by every `open()`, so an attempt overtaken while awaiting its token gives up. */
  private attempt = 0;

  constructor(private readonly options: ConnectionOptions) {
    super();
  }

  /** The current state. */
  get state(): ConnectionState {
    return this.current;
  }

  /** Starts connecting (from idle or disconnected). Idempotent while active. */
  connect(): void {
    if (this.current === ConnectionState.Closed) throw new QuickchatError(ClientErrorCode.Closed, 'client is closed');
    if (this.current !== ConnectionState.Idle && this.current !== ConnectionState.Disconnected) return;
    if (this.unsubscribeSignals.length === 0) {
      const wake = () => this.wake();
      const probe = () => this.probe();
      this.unsubscribeSignals = [this.options.env.onOnline(wake), this.options.env.onVisible(wake), this.options.env.onVisible(probe), this.options.env.onOffline(probe)];
    }
    this.retryCount = 0;
    void this.open(R.ConnectCalled, 'connect() called');
  }

  /** Sends a frame when connected; returns false (and sends nothing) otherwise. */
  send(frame: ClientFrame): boolean {
    if (this.current !== ConnectionState.Connected || !this.socket || this.socket.readyState !== WS_OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Stops and stays stopped until `connect()`. */
  disconnect(reason = 'disconnect() called'): void {
    if (this.current === ConnectionState.Closed) return;
    this.teardown(CloseCode.Normal, reason);
    this.setState(ConnectionState.Disconnected, R.DisconnectCalled, reason);
  }

  /** Stops for good and releases every listener. */
  close(): void {
    if (this.current === ConnectionState.Closed) return;
    this.teardown(CloseCode.Normal, 'client closed');
    for (const off of this.unsubscribeSignals) off();
    this.unsubscribeSignals = [];
    this.setState(ConnectionState.Closed, R.CloseCalled, 'close() called');
    this.removeAllListeners();
  }

  private setState(next: ConnectionState, code: R, reason: string, closeCode?: number): void {
    const old = this.current;
    if (old === next) return;
    this.current = next;
    this.options.logger.debug('connection state', { from: old, to: next, code, reason });
    this.emit('state', { newState: next, oldState: old, code, reason, ...(closeCode !== undefined ? { closeCode } : {}) });
  }

  private async open(code: R, reason: string, closeCode?: number): Promise<void> {
    this.clearTimer('retry');
    this.setState(ConnectionState.Connecting, code, reason, closeCode);
    const attempt = ++this.attempt;
    let token: string;
    try {
      token = await this.options.tokens.getToken({ forceRefresh: this.forceRefreshNext });
      this.forceRefreshNext = false;
    } catch (err) {
      if (attempt !== this.attempt) return;
      const error = err instanceof QuickchatError ? err : new QuickchatError(ClientErrorCode.AuthFailed, 'could not get a token', { cause: err });
      this.emit('error', error);
      return this.scheduleRetry(R.TokenUnavailable, error.retryable ? 'token unavailable, will retry' : 'token unavailable', undefined, !error.retryable);
    }
    if (this.current !== ConnectionState.Connecting || attempt !== this.attempt) return;
    let socket: WebSocketLike;
    try {
      socket = new this.options.WebSocket(this.options.url);
    } catch (cause) {
      return this.scheduleRetry(R.SocketClosed, `could not open socket: ${(cause as Error).message}`);
    }
    this.socket = socket;
    this.setTimer('connect', this.options.connectTimeoutMs ?? 15_000, () => this.drop(R.ConnectTimeout, 'connect timeout'));
    socket.onopen = () => {
      if (socket !== this.socket) return;
      this.setState(ConnectionState.Authenticating, R.SocketOpened, 'socket open');
      socket.send(JSON.stringify({ type: 'auth', token, protocol: PROTOCOL_VERSION }));
    };
    socket.onmessage = (event) => {
      if (socket === this.socket) this.onFrame(event.data);
    };
    socket.onerror = () => undefined;
    socket.onclose = (event) => this.onClose(socket, event.code, event.reason);
  }

  private onFrame(data: unknown): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(typeof data === 'string' ? data : String(data)) as ServerFrame;
    } catch {
      this.options.logger.warn('ignored a non-JSON frame');
      return;
    }
    this.clearTimer('pong');
    if (frame.type === 'ready') {
      if (this.current === ConnectionState.Connected) {
        // A re-authentication on the open socket: the session goes on; nothing to catch up.
        this.scheduleReauth();
        return;
      }
      this.clearTimer('connect');
      this.retryCount = 0;
      this.authRefusals = 0;
      this.setState(ConnectionState.Connected, R.Authenticated, 'authenticated');
      this.scheduleReauth();
      this.schedulePing();
      this.emit('ready', frame);
      return;
    }
    if (frame.type === 'pong' && typeof frame.id === 'string' && frame.id.startsWith('hb-')) return;
    this.emit('frame', frame);
  }

  private onClose(socket: WebSocketLike, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = null;
    this.clearAllTimersExceptRetry();
    if (this.current === ConnectionState.Closed || this.current === ConnectionState.Disconnected) return;
    const why = `socket closed (${code}${reason ? `: ${reason}` : ''})`;
    if (code === CloseCode.ProtocolUnsupported) {
      return this.stop(R.ProtocolUnsupported, why, code, 'the server no longer speaks this SDK version; upgrade @quickchat/sdk', ErrorCode.ProtocolUnsupported);
    }
    if (code === CloseCode.AuthExpired) {
      if (!this.options.tokens.refreshable) return this.stop(R.AuthExpired, why, code, 'the access token expired and cannot be refreshed');
      this.forceRefreshNext = true;
      if (this.retryCount === 0) {
        this.retryCount++;
        this.lostAt = this.options.env.now();
        void this.open(R.AuthExpired, `${why}; refreshing the token`, code);
        return;
      }
      return this.scheduleRetry(R.AuthExpired, why, code);
    }
    if (code === CloseCode.AuthFailed) {
      this.authRefusals++;
      if (!this.options.tokens.refreshable || this.authRefusals > 1) return this.stop(R.AuthFailed, why, code, 'the server refused the credentials');
      this.forceRefreshNext = true;
      return this.scheduleRetry(R.AuthFailed, why, code);
    }
    this.scheduleRetry(code === CloseCode.GoingAway ? R.ServerGoingAway : code === CloseCode.HeartbeatTimeout ? R.HeartbeatTimeout : R.SocketClosed, why, code);
  }

  private stop(code: R, reason: string, closeCode: number, message: string, errorCode: QuickchatErrorCode = ClientErrorCode.AuthFailed): void {
    this.emit('error', new ConnectionError(errorCode, message, { closeCode, retryable: false }));
    this.setState(ConnectionState.Disconnected, code, reason, closeCode);
  }

  private scheduleRetry(code: R, reason: string, closeCode?: number, giveUp = false): void {
    if (this.current === ConnectionState.Closed || this.current === ConnectionState.Disconnected) return;
    if (this.retryCount === 0) this.lostAt = this.options.env.now();
    const delay = giveUp
      ? null
      : this.options.policy.nextRetryDelayMs({ retryCount: this.retryCount, elapsedMs: this.options.env.now() - this.lostAt, closeCode });
    if (delay === null) {
      this.setState(ConnectionState.Disconnected, code, `${reason}; not retrying`, closeCode);
      return;
    }
    this.retryCount++;
    this.setState(ConnectionState.Reconnecting, code, reason, closeCode);
    this.setTimer('retry', delay, () => void this.open(R.Retrying, `retry ${this.retryCount}`));
  }

  /** The network is back or the page is visible: skip the remaining backoff. */
  private wake(): void {
    if (this.current !== ConnectionState.Reconnecting) return;
    void this.open(R.NetworkBack, 'network back or page visible');
  }

  /**
   * Checks at once that the open socket still works (the browser went offline, or the page came
   * back from the background, e.g. after sleep): a ping that must be answered within the pong
   * timeout. A dead socket is then noticed in seconds, not at the next heartbeat.
   */
  private probe(): void {
    if (!this.socket || this.current !== ConnectionState.Connected) return;
    this.ping();
  }

  /** Ends the current socket and goes through the reconnect path. */
  private drop(code: R, reason: string): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    this.clearAllTimersExceptRetry();
    try {
      socket.close(CloseCode.Normal, reason);
    } catch {
      // already closing
    }
    this.scheduleRetry(code, reason);
  }

  private schedulePing(): void {
    this.setTimer('ping', this.options.pingIntervalMs ?? 25_000, () => {
      if (!this.socket || this.current !== ConnectionState.Connected) return;
      this.ping();
      this.schedulePing();
    });
  }

  /** Sends a heartbeat ping; any frame must arrive within the pong timeout or the socket is dropped. */
  private ping(): void {
    this.socket?.send(JSON.stringify({ type: 'ping', id: `hb-${++this.pingSeq}` }));
    // Keep the deadline of an earlier unanswered ping (any frame clears it).
    if (!this.timers.has('pong')) this.setTimer('pong', this.options.pongTimeoutMs ?? 10_000, () => this.drop(R.HeartbeatTimeout, 'no answer to ping'));
  }

  /** Re-authenticates on the open socket before the token expires. */
  private scheduleReauth(): void {
    const { tokens, env } = this.options;
    const expiresAt = tokens.expiresAt();
    if (expiresAt === null || !tokens.refreshable) return;
    // REFRESH_MARGIN_MS before expiry, but for tokens shorter-lived than twice the margin at half
    // their remaining life, so they do not re-auth on every `ready`.
    const left = expiresAt - env.now();
    const delay = Math.max(0, left - REFRESH_MARGIN_MS, left / 2);
    this.setTimer('reauth', Math.min(delay, 2 ** 31 - 1), () => {
      tokens.getToken({ forceRefresh: true }).then(
        (token) => {
          if (this.socket && this.current === ConnectionState.Connected) this.socket.send(JSON.stringify({ type: 'auth', token, protocol: PROTOCOL_VERSION }));
        },
        (err: unknown) => this.emit('error', err instanceof QuickchatError ? err : new QuickchatError(ClientErrorCode.AuthFailed, 'token refresh failed', { cause: err })),
      );
    });
  }

  private teardown(code: number, reason: string): void {
    for (const key of [...this.timers.keys()]) this.clearTimer(key);
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      try {
        socket.close(code, reason);
      } catch {
        // already closed
      }
    }
  }

  private setTimer(key: 'retry' | 'ping' | 'pong' | 'connect' | 'reauth', ms: number, fn: () => void): void {
    this.clearTimer(key);
    this.timers.set(
      key,
      this.options.env.setTimeout(() => {
        this.timers.delete(key);
        fn();
      }, ms),
    );
  }

  private clearTimer(key: 'retry' | 'ping' | 'pong' | 'connect' | 'reauth'): void {
    const handle = this.timers.get(key);
    if (handle === undefined) return;
    this.options.env.clearTimeout(handle);
    this.timers.delete(key);
  }

  private clearAllTimersExceptRetry(): void {
    for (const key of [...this.timers.keys()]) if (key !== 'retry') this.clearTimer(key);
  }
}
