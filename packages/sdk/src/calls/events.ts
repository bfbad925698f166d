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
 * A sample of the connection's quality (a `stats` event), read from `RTCPeerConnection.getStats()`
 * every `statsIntervalMs` while the call is connected. A field is absent when the report lacks it;
 * the two rates need a previous sample, so the first event of a call carries at most `rttMs`.
 */
export interface CallStats {
  /** Round-trip time to the other side, in milliseconds (the selected ICE candidate pair's, else RTCP's). */
  rttMs?: number;
  /** What this device sends, all outgoing RTP streams together, in kbit/s since the previous sample (`bytesSent` deltas). */
  bitrateKbps?: number;
  /**
   * The fraction (0 to 1) of incoming RTP packets lost since the previous sample (`packetsLost`
   * and `packetsReceived` deltas); absent when no packet was expected meanwhile.
   */
  packetLoss?: number;
}

/**
 * The events of a `CallSession` (`session.on(name, listener)`). Each listener receives one
 * context object; each returns to the app through the unsubscribe function `on()` returns.
 */
export interface CallSessionEvents {
  /** The session changed state (see `CallState`); never fires for an unchanged state. */
  state: (context: CallStateChange) => void;
  /**
   * Local media was opened for this call (by `accept()`): show a self view. Fires again whenever
   * the tracks sent change (`switchInput()`, `shareScreen()`, `stopScreenShare()`): same stream,
   * new tracks; re-attach it (`video.srcObject = stream`).
   */
  localStream: (context: { stream: MediaStream }) => void;
  /** The other side's media arrived: attach it to a `<video>`/`<audio>`. Once per remote stream. */
  remoteStream: (context: { stream: MediaStream }) => void;
  /** The call is over for this device; fires once, after `state` moved to `ended`. */
  ended: (context: CallEndedContext) => void;
  /** The connection's quality (see {@link CallStats}): every `statsIntervalMs` while connected, never after `ended`. */
  stats: (context: CallStats) => void;
  /**
   * The media path was lost (`interrupted`: ICE `disconnected`, e.g. this device or the other one
   * changed networks, or the TURN relay went away) or is back (`restored`). While interrupted the
   * caller's side restarts ICE every `iceRestartDelayMs`; show "reconnecting…" meanwhile.
   */
  network: (context: { state: 'interrupted' | 'restored' }) => void;
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
