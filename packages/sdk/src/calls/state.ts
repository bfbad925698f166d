/**
 * The states of one call as this device sees it. One state machine per `CallSession` moves
 * between them and reports every transition with a reason.
 *
 * ringing → connecting → connected → ended
 *        ↘ ended (declined, cancelled, missed, busy, answered elsewhere)
 *
 * `connecting`: the call was accepted (here) and the peer connection is being negotiated.
 * `connected`: the peer connection is up (media and data flow). `ended`: terminal.
 */
export const CallState = {
  Ringing: 'ringing',
  Connecting: 'connecting',
  Connected: 'connected',
  Ended: 'ended',
} as const;
/** Union of {@link CallState} values. */
export type CallState = (typeof CallState)[keyof typeof CallState];

/**
 * Why a call changed state: a stable, machine-readable code for every transition (the prose
 * `reason` beside it may change between releases).
 */
export const CallReason = {
  /** This device placed the call and the callee's devices ring. */
  Placed: 'placed',
  /** Someone calls this user: this device rings. */
  Incoming: 'incoming',
  /** The callee accepted on this device, or (for the caller) the callee accepted. */
  Accepted: 'accepted',
  /** The peer connection came up. */
  PeerConnected: 'peer_connected',
  /** The server ended the call (`outcome` says how; for a call that ended while away, as its record says). */
  ServerEnded: 'server_ended',
  /** The callee accepted on another of their devices: this one stops ringing. */
  AnsweredElsewhere: 'answered_elsewhere',
  /** Another device of this user took the call over (`rejoin` there): this one leaves it. */
  MovedElsewhere: 'moved_elsewhere',
  /** `hangUp()` while offline: the server ends the call after its grace period (`failed`). */
  LeftOffline: 'left_offline',
  /** The peer connection failed or closed and the server could not be told (offline, not reconnecting). */
  PeerFailed: 'peer_failed',
  /** After a reconnect the server no longer knew the call (it ended while this device was away) and no record of it came with the catch-up. */
  RejoinRefused: 'rejoin_refused',
  /** The client was closed (or the calls manager detached) during the call. */
  ClientClosed: 'client_closed',
} as const;
/** Union of {@link CallReason} values. */
export type CallReason = (typeof CallReason)[keyof typeof CallReason];

/** Payload of every call state change. */
export interface CallStateChange {
  newState: CallState;
  oldState: CallState;
  /** Why, as a stable code: switch on this. */
  code: CallReason;
  /** Why, in words (for logs and UI). */
  reason: string;
}
