import type { CallEventFrame, CallOutcome } from '@quickchat/protocol';
import type { CallError } from './errors.js';
import type { CallReason, CallStateChange } from './state.js';
import type { CallSession } from './session.js';

/** What an `ended` event tells: how the call ended, as the server recorded it when it could say. */
export interface CallEndedContext {
  /**
   * The server's outcome (`completed`, `declined`, `busy`, `missed`, `cancelled`, `failed`), or
   * null when this device left the call without hearing it: answered elsewhere (the call goes on
   * on another device), or ended locally (offline peer failure, client closed, refused rejoin).
   */
  outcome: CallOutcome | null;
  /** Why this session ended (see {@link CallReason}). */
  code: CallReason;
  /** The server's latest view of the call (its `ended` frame when the server ended it). */
  call: CallEventFrame;
}

/**
 * The events of a `CallSession` (`session.on(name, listener)`). Each listener receives one
 * context object; each returns to the app through the unsubscribe function `on()` returns.
 */
export interface CallSessionEvents {
  /** The session changed state (see `CallState`); never fires for an unchanged state. */
  state: (context: CallStateChange) => void;
  /** Local media was opened for this call (by `place()` or `accept()`): show a self view. Once per call. */
  localStream: (context: { stream: MediaStream }) => void;
  /** The other side's media arrived: attach it to a `<video>`/`<audio>`. Once per remote stream. */
  remoteStream: (context: { stream: MediaStream }) => void;
  /** The call is over for this device; fires once, after `state` moved to `ended`. */
  ended: (context: CallEndedContext) => void;
  /** Something failed during the call (the peer connection, a hang-up that could not be sent). */
  error: (context: { error: CallError }) => void;
}

/** The events of a `CallsManager` (`callsOf(client).on(name, listener)`). */
export interface CallsEvents {
  /**
   * Someone calls you: this device rings (every device of yours does). Nothing was opened yet:
   * show the caller, then `session.accept({ audio, video })` or `session.decline()`. If another
   * device answers first, the session ends with code `answered_elsewhere`.
   */
  incoming: (context: { session: CallSession }) => void;
}
