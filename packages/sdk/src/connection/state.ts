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

/** Payload of every state change. */
export interface StateChange {
  newState: ConnectionState;
  oldState: ConnectionState;
  /** Why, in words (for logs and UI banners). */
  reason: string;
  /** Close code of the socket, when the change came from a close. */
  closeCode?: number;
}
