import SimplePeer from 'simple-peer';

/** SDP or ICE produced by a peer for the other side; relayed as the `data` of `signal` frames. */
export type PeerSignal = Record<string, unknown>;

/** What a call hands the peer factory: one fresh peer per call, never reused. */
export interface PeerOptions {
  /** True on the caller's side: it makes the offer once the callee accepted. */
  initiator: boolean;
  /** ICE servers fetched for this call (`GET /api/turn-credentials`). */
  config: RTCConfiguration;
  /** The local media to send (none for a receive-only or data-only call). */
  streams: MediaStream[];
  /** Always true: candidates are relayed as they are found. */
  trickle: true;
}

/**
 * The peer a call drives: simple-peer's shape, narrowed to what the SDK uses. A factory may wrap
 * a real simple-peer (Node tests pass `wrtc`; a test may count `signal` and `destroy` calls).
 */
export interface PeerLike {
  /** Feeds SDP or ICE from the other side. Never called after `destroy()`. */
  signal(data: PeerSignal): void;
  /** Closes the peer connection. Called exactly once per peer. */
  destroy(): void;
  on(event: 'signal', listener: (data: PeerSignal) => void): unknown;
  on(event: 'connect' | 'close', listener: () => void): unknown;
  on(event: 'stream', listener: (stream: MediaStream) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** The connection's `iceConnectionState` changed (simple-peer passes it first). Optional for test doubles. */
  on(event: 'iceStateChange', listener: (iceConnectionState: RTCIceConnectionState) => void): unknown;
  /**
   * Optional: restarts ICE (a new offer with fresh ICE credentials), called on the initiator's
   * peer after a rejoin. Without it, the SDK drives simple-peer's own `negotiate()` (see
   * {@link restartIce}); a peer with neither is left as it is.
   */
  restartIce?(): void;
  /**
   * Optional: the connection's statistics (`RTCPeerConnection.getStats()`), sampled for the
   * session's `stats` event. Without it, the SDK reads simple-peer's connection (see
   * {@link peerStats}); a peer with neither emits no `stats`.
   */
  getStats?(): Promise<RTCStatsReport>;
  /**
   * Optional: sends `next` instead of `old` on the same `RTCRtpSender` (`sender.replaceTrack`), no
   * renegotiation. `stream` is the stream the peer was made with. simple-peer 9.11 has it.
   */
  replaceTrack?(old: MediaStreamTrack, next: MediaStreamTrack, stream: MediaStream): void;
}

/** Makes a peer for a call: the injection point for a WebRTC implementation (or a test double). */
export type PeerFactory = (options: PeerOptions) => PeerLike;

/**
 * The default {@link PeerFactory}: simple-peer (bundled in this entry) over the platform's own
 * `RTCPeerConnection`. Browsers use it as it is; Node passes a WebRTC implementation:
 * `createPeer: (options) => simplePeerFactory({ ...options, wrtc })` (e.g. `@roamhq/wrtc`).
 *
 * One change to simple-peer's behaviour: it destroys itself when ICE (or the connection) reaches
 * `failed`, but ICE can be restarted from there, and a connected call does (see
 * `iceRestartDelayMs`), so such a peer reports `iceStateChange` `failed` and stays; the session
 * gives up on it after `connectTimeoutMs`.
 */
export const simplePeerFactory = (options: PeerOptions & { wrtc?: unknown }): PeerLike => survivesIceFailure(new SimplePeer(options) as unknown as SimplePeerInternals) as unknown as PeerLike;

/** The parts of a simple-peer 9.11 instance the SDK reaches into (not in its typings). */
interface SimplePeerInternals {
  negotiate?: () => void;
  offerOptions?: RTCOfferOptions;
  _pc?: RTCPeerConnection | null;
  destroyed?: boolean;
  emit?: (event: string, ...args: unknown[]) => void;
  _onIceStateChange?: () => void;
  _onConnectionStateChange?: () => void;
}

/**
 * Keeps a simple-peer through ICE `failed`: its connection's state handlers (which call these
 * methods through `this`, so replacing them on the instance takes effect) report `failed` and
 * leave the peer up instead of destroying it. Every other state goes to simple-peer's own handler.
 */
function survivesIceFailure(peer: SimplePeerInternals): SimplePeerInternals {
  const onIce = peer._onIceStateChange?.bind(peer);
  const onConnection = peer._onConnectionStateChange?.bind(peer);
  if (!onIce || !onConnection || !peer.emit) return peer;
  peer._onIceStateChange = () => {
    const pc = peer._pc;
    if (pc && !peer.destroyed && pc.iceConnectionState === 'failed') peer.emit!('iceStateChange', 'failed', pc.iceGatheringState);
    else onIce();
  };
  peer._onConnectionStateChange = () => {
    if (peer._pc?.connectionState !== 'failed') onConnection();
  };
  return peer;
}

/**
 * The connection's statistics: simple-peer's `RTCPeerConnection` when the peer is one (its own
 * `getStats` takes a callback), else the factory's own `getStats()`. Null when the peer has
 * neither, or is destroyed.
 */
export function peerStats(peer: PeerLike): Promise<RTCStatsReport> | null {
  const sp = peer as PeerLike & SimplePeerInternals;
  if (sp.destroyed) return null;
  if ('_pc' in sp) return sp._pc ? sp._pc.getStats() : null;
  return peer.getStats ? peer.getStats() : null;
}

/**
 * Restarts ICE on an initiator's peer: the factory's own `restartIce()` when it has one, else
 * simple-peer's: mark the connection for an ICE restart (`RTCPeerConnection.restartIce()`, or the
 * `iceRestart` offer option where that is missing), then `negotiate()`, which signals a new offer.
 * Returns false when the peer can't (not simple-peer, or already destroyed).
 */
export function restartIce(peer: PeerLike): boolean {
  if (peer.restartIce) return peer.restartIce(), true;
  const sp = peer as PeerLike & SimplePeerInternals;
  if (typeof sp.negotiate !== 'function' || !sp._pc || sp.destroyed) return false;
  if (typeof sp._pc.restartIce === 'function') sp._pc.restartIce();
  else sp.offerOptions = { ...sp.offerOptions, iceRestart: true };
  sp.negotiate();
  return true;
}
