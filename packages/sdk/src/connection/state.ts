/**
 * Connection states. One state machine (`connection/connection.ts`) moves between them and
 * reports every transition with a reason.
 *
 * idle → connecting → authenticating → connected
 *                ↘ reconnecting ↗ (after a drop, per the reconnect policy)
 * disconnected: stopped (policy gave up, credentials refused, or `disconnect()`); `connect()` restarts.
 * closed: `close()` was called; terminal.
 */
export const ConnectionState = {
  Idle: 'idle',
  Connecting: 'connecting',
  Authenticating: 'authenticating',
  Connected: 'connected',
  Reconnecting: 'reconnecting',
  Disconnected: 'disconnected',
  Closed: 'closed',
} as const;
/** Union of {@link ConnectionState} values. */
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/**
 * Why the connection changed state: a stable, machine-readable code for every transition (the
 * prose `reason` beside it may change between releases).
 */
export const ConnectionReason = {
  /** `connect()` was called (or the client connected by itself on creation). */
  ConnectCalled: 'connect_called',
  /** `disconnect()` was called. */
  DisconnectCalled: 'disconnect_called',
  /** `close()` was called. */
  CloseCalled: 'close_called',
  /** The socket opened; the `auth` frame is sent. */
  SocketOpened: 'socket_opened',
  /** The server accepted the credentials (`ready`). */
  Authenticated: 'authenticated',
  /** The socket closed or could not be opened (network, server restart, any close code below not listed). */
  SocketClosed: 'socket_closed',
  /** The server is going away (close 1001, e.g. a restart). */
  ServerGoingAway: 'server_going_away',
  /** Opening and authenticating took too long. */
  ConnectTimeout: 'connect_timeout',
  /** A ping went unanswered (or the server reported missed heartbeats, 4007). */
  HeartbeatTimeout: 'heartbeat_timeout',
  /** The server refused the credentials (4002). */
  AuthFailed: 'auth_failed',
  /** The token expired or the sign-in was revoked (4003). */
  AuthExpired: 'auth_expired',
  /** No token could be obtained (`getToken()` or the sign-in failed). */
  TokenUnavailable: 'token_unavailable',
  /** The server does not speak this client's protocol version any more (4008): upgrade the SDK. */
  ProtocolUnsupported: 'protocol_unsupported',
  /** A reconnect attempt started after the backoff delay. */
  Retrying: 'retrying',
  /** The network came back or the page became visible: the remaining backoff was skipped. */
  NetworkBack: 'network_back',
} as const;
/** Union of {@link ConnectionReason} values. */
export type ConnectionReason = (typeof ConnectionReason)[keyof typeof ConnectionReason];

/** Payload of every state change. */
export interface StateChange {
  newState: ConnectionState;
  oldState: ConnectionState;
  /** Why, as a stable code: switch on this. */
  code: ConnectionReason;
  /** Why, in words (for logs and UI banners). */
  reason: string;
  /** Close code of the socket, when the change came from a close. */
  closeCode?: number;
}
