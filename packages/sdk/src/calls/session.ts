import { EventEmitter } from 'eventemitter3';
import type { CallEventFrame, CallMedia, CallOutcome, ClientFrame } from '@quickchat/protocol';
import { ClientErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import { CallError } from './errors.js';
import type { CallSessionEvents } from './events.js';
import { enableTracks, stopStream, type MediaSource } from './media.js';
import { peerStats, restartIce, type PeerFactory, type PeerLike, type PeerSignal } from './peer.js';
import { readStats, type StatsSample } from './stats.js';
import type { CallRequests } from './requests.js';
import { CallReason, CallState } from './state.js';

/** What a session needs from its manager. */
export interface SessionDeps {
  requests: CallRequests;
  send(frame: ClientFrame): boolean;
  createPeer: PeerFactory;
  openMedia: MediaSource;
  iceServers(): Promise<RTCIceServer[]>;
  logger: Logger;
  /** True while the socket is down but coming back (reconnecting), false when it is up or stopped. */
  reconnecting(): boolean;
  /** True once the catch-up after the latest `ready` finished (records of calls that ended while away surfaced). */
  caughtUp(): boolean;
  /** The session reached `ended`: forget it (signals for it are dropped from now on). */
  ended(session: CallSession): void;
  /** How long a call may stay `connecting` (peer made, not yet connected) before it is hung up. */
  connectTimeoutMs: number;
  /** How long the media path may stay lost before the caller restarts ICE (and the pause between restarts, ×2.5). */
  iceRestartDelayMs: number;
  /** How often a connected session emits `stats` (0: never). */
  statsIntervalMs: number;
  timers: CallTimers;
}

/**
 * The key of the one signal the SDK itself sends (`{ restartIce: true }`): a callee whose media
 * path is lost asks the caller, which makes the offers, to restart ICE. Never fed to a peer.
 */
const RESTART_ICE = 'restartIce';

/** The timers a session uses (injectable, so tests need not wait). */
export interface CallTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What `place()` prepared before the invite: the caller's media and the call's ICE servers. */
export interface OutgoingSetup {
  stream: MediaStream | null;
  iceServers: RTCIceServer[];
}

/**
 * One call on this device, placed (`callsOf(client).place()`) or ringing (the manager's
 * `incoming` event). One state machine (see {@link CallState}) follows the server's `call`
 * frames: ringing → connecting (accepted here) → connected (the peer connection is up) → ended.
 *
 * Each call gets a fresh peer, made once the callee accepted (the caller makes the offer) and
 * destroyed exactly once when the call ends or the peer fails; signals for a destroyed peer are
 * dropped, never fed to it. Media this session opened is stopped when it ends. After a socket
 * reconnect it rejoins the call, and once a side rejoined the caller's peer restarts ICE.
 */
export class CallSession {
  /** The call's id, chosen by the server. */
  readonly callId: string;
  /** `outgoing`: placed on this device; `incoming`: ringing here. */
  readonly direction: 'outgoing' | 'incoming';
  /** The other user. */
  readonly peerId: string;
  /** What the caller offered. */
  readonly media: CallMedia;

  private readonly emitter = new EventEmitter<CallSessionEvents>();
  private current: CallState = CallState.Ringing;
  private frame: CallEventFrame;
  private local: MediaStream | null = null;
  /** The tracks this session opened (stopped when replaced or at the end); the app's own are left alone. */
  private readonly owned = new Set<MediaStreamTrack>();
  /** While a screen is shared: the screen track sent, and the video track it replaced (sent again after). */
  private screen: { track: MediaStreamTrack; replaced: MediaStreamTrack; onEnded: () => void } | null = null;
  private statsTimer: unknown = null;
  private lastStats: StatsSample | null = null;
  private ice: RTCIceServer[] | null = null;
  /** An incoming call's ICE servers, fetched when it started ringing (null if that failed: `accept()` fetches again). */
  private icePrefetch: Promise<RTCIceServer[] | null> | null = null;
  private peer: PeerLike | null = null;
  /** True once this call made its peer: it never makes another. */
  private peerMade = false;
  /** Set while the peer is made but not yet connected: see {@link connectTimedOut}. */
  private connectTimer: unknown = null;
  /** Set while the connected peer's media path is lost (ICE `disconnected`): the next ICE restart. */
  private iceRestartTimer: unknown = null;
  /** Set while the media path is lost: when the session gives up on it (`connectTimeoutMs` after the loss). */
  private iceGiveUpTimer: unknown = null;
  private iceLost = false;
  private accepting = false;
  /** Signals that came before the peer existed (fed to it once made). */
  private readonly early: PeerSignal[] = [];
  /** Signals the peer produced while the socket was down (sent after the rejoin). */
  private readonly unsent: PeerSignal[] = [];
  private readonly remoteIds = new Set<string>();
  private endedWith: CallOutcome | null = null;
  /** A rejoin was sent and not answered yet. */
  private rejoining = false;
  /** The peer failed while offline: hang up once rejoined (the server could not be told). */
  private hangUpWhenBack = false;
  /** The server refused the rejoin (the call ended while away): waiting for its record. */
  private refused = false;

  /** Made by the calls manager: use `place()` or the `incoming` event. */
  constructor(
    frame: CallEventFrame,
    private readonly deps: SessionDeps,
    setup?: OutgoingSetup,
  ) {
    this.frame = frame;
    this.callId = frame.callId;
    this.direction = setup ? 'outgoing' : 'incoming';
    this.peerId = setup ? frame.calleeId : frame.callerId;
    this.media = frame.media;
    if (setup) {
      this.own(setup.stream);
      this.ice = setup.iceServers;
    } else if (frame.state === 'ringing') {
      // Fetched while it rings, so that accepting waits only for the camera and the server.
      this.icePrefetch = deps.iceServers().catch(() => null);
    }
  }

  /** Where the call is now. */
  get state(): CallState {
    return this.current;
  }

  /** The server's latest view of the call (`acceptedMedia`, `acceptedAt`, `outcome`, …). */
  get call(): CallEventFrame {
    return this.frame;
  }

  /** How the call ended, once `ended` (null while it goes on, or when the server did not say). */
  get outcome(): CallOutcome | null {
    return this.endedWith;
  }

  /** The media this device sends (opened by `place()` or `accept()`), or null. */
  get localStream(): MediaStream | null {
    return this.local;
  }

  /** Subscribes to a session event; returns the function that unsubscribes. */
  on<E extends keyof CallSessionEvents>(event: E, listener: CallSessionEvents[E]): () => void {
    this.emitter.on(event, listener as never);
    return () => void this.emitter.off(event, listener as never);
  }

  /**
   * Answers a ringing incoming call with `media`: opens the camera and/or microphone (only now),
   * with the ICE servers fetched while it rang (fetched again if that failed), then accepts. Rejects with a `CallError` `conflict` when the call is not
   * ringing here any more (answered elsewhere, cancelled), or with the media source's own error
   * (nothing is sent then; the call keeps ringing).
   */
  async accept(media: CallMedia): Promise<void> {
    if (this.direction !== 'incoming' || this.current !== CallState.Ringing || this.accepting) {
      throw new CallError('conflict', 'only a ringing incoming call can be accepted, once', this.callId);
    }
    this.accepting = true;
    try {
      const ice = (await this.icePrefetch) ?? (await this.deps.iceServers());
      const stream = await this.deps.openMedia(media);
      if (this.current !== CallState.Ringing) {
        stopStream(stream);
        throw new CallError('conflict', 'the call stopped ringing before it was accepted', this.callId);
      }
      this.ice = ice;
      this.own(stream);
      if (stream) this.emitter.emit('localStream', { stream });
      await this.deps.requests.send({ type: 'call', action: 'accept', callId: this.callId, media }, this.callId);
    } catch (error) {
      if (this.current === CallState.Ringing) this.releaseMedia();
      throw error;
    } finally {
      this.accepting = false;
    }
  }

  /** Refuses a ringing incoming call (on every device of yours). */
  async decline(): Promise<void> {
    await this.deps.requests.send({ type: 'call', action: 'decline', callId: this.callId }, this.callId);
  }

  /**
   * Ends the call for both sides: cancels it while it rings (caller), declines it (callee),
   * hangs up once accepted. Offline, the session ends at once (`left_offline`) and the server
   * ends the call after its grace period. Does nothing once ended.
   */
  async hangUp(): Promise<void> {
    if (this.current === CallState.Ended) return;
    const ringing = this.current === CallState.Ringing;
    const action = !ringing ? 'hangup' : this.direction === 'outgoing' ? 'cancel' : 'decline';
    try {
      await this.deps.requests.send({ type: 'call', action, callId: this.callId }, this.callId);
    } catch (error) {
      if (!(error instanceof CallError) || error.code !== ClientErrorCode.Disconnected) throw error;
      this.finish(null, CallReason.LeftOffline, 'hung up while offline');
    }
  }

  /** Mutes (false) or unmutes the microphone (`track.enabled`); returns false when no audio is sent. */
  setAudioEnabled(enabled: boolean): boolean {
    return enableTracks(this.local, 'audio', enabled);
  }

  /** Turns the camera off (false: black frames) or on again; returns false when no video is sent. */
  setVideoEnabled(enabled: boolean): boolean {
    return enableTracks(this.local, 'video', enabled);
  }

  /**
   * Sends `track` instead of the current microphone (`audio`) or camera (`video`) track: another
   * device, picked by the app (e.g. `getUserMedia({ audio: { deviceId } })`). The peer's sender
   * swaps it in place (`RTCRtpSender.replaceTrack`), no renegotiation; `localStream` is updated
   * (same stream, `localStream` event again) and the mute state carries over. The replaced track
   * is stopped when this session opened it; `track` stays the app's (stop it after the call).
   * While a screen is shared, a `video` track replaces the camera that comes back after it.
   * Throws a `CallError` `conflict` when the call ended or sends no track of that kind (adding
   * one would need a renegotiation).
   */
  switchInput(kind: 'audio' | 'video', track: MediaStreamTrack): void {
    if (kind === 'video' && this.screen) {
      const before = this.screen.replaced;
      if (before === track) return;
      track.enabled = before.enabled;
      this.screen.replaced = track;
      return this.stopIfOwned(before);
    }
    const before = this.sentTrack(kind);
    if (before === track) return;
    track.enabled = before.enabled;
    this.replaceSent(before, track);
    this.stopIfOwned(before);
  }

  /**
   * Shares a screen (the video track of `stream`, e.g. from `getDisplayMedia()`) in place of the
   * camera: the sender swaps the track, no renegotiation, so the call must send video. The camera
   * track is kept (not sent) for {@link stopScreenShare}, which is also called when the screen
   * track ends (the browser's "Stop sharing"). Sharing again replaces the shared screen.
   * `localStream` is updated (event again). Throws a `CallError` `conflict` when the call ended
   * or sends no video, `validation` when `stream` has no video track.
   */
  shareScreen(stream: MediaStream): void {
    const track = stream.getVideoTracks()[0];
    if (!track) throw new CallError('validation', 'the screen stream has no video track', this.callId);
    const before = this.sentTrack('video');
    if (before === track) return;
    this.replaceSent(before, track);
    const replaced = this.screen?.replaced ?? before;
    this.forgetScreen();
    const onEnded = () => this.screen?.track === track && this.stopScreenShare();
    track.addEventListener?.('ended', onEnded);
    this.screen = { track, replaced, onEnded };
  }

  /**
   * Sends the camera again instead of the shared screen (no renegotiation; `localStream` event
   * again). The screen track is the app's: it is not stopped. Returns false when no screen was shared.
   */
  stopScreenShare(): boolean {
    const screen = this.screen;
    if (!screen || this.current === CallState.Ended) return false;
    this.replaceSent(screen.track, screen.replaced);
    this.forgetScreen();
    return true;
  }

  /** For the manager: the server's `call` frame for this call. */
  handleCall(frame: CallEventFrame): void {
    if (this.current === CallState.Ended) return;
    const before = this.frame;
    this.frame = frame;
    if (frame.state === 'ended') return this.finish(frame.outcome ?? null, CallReason.ServerEnded, `the call ended: ${frame.outcome ?? 'unknown'}`);
    if (frame.state === 'ringing') return;
    if (!frame.here) {
      if (this.current === CallState.Ringing) return this.finish(null, CallReason.AnsweredElsewhere, 'answered on another device');
      return this.finish(null, CallReason.MovedElsewhere, 'the call moved to another device');
    }
    if (this.current === CallState.Ringing) this.setState(CallState.Connecting, CallReason.Accepted, 'accepted');
    if (!this.peerMade) return this.startPeer();
    // The server announces a live call again in the same state only when a side rejoined: this
    // device (its reply) or the other side. Either way the network path may have changed.
    if (this.rejoining || frame.state === before.state) this.rejoined();
  }

  /** For the manager: SDP or ICE from the other side. */
  handleSignal(data: PeerSignal): void {
    if (this.current === CallState.Ended || (this.peerMade && !this.peer)) {
      this.deps.logger.debug('calls: dropped a signal for a call whose peer is gone', { callId: this.callId });
      return;
    }
    if (data[RESTART_ICE] === true) return this.restartIceAsked();
    if (this.peer) this.peer.signal(data);
    else this.early.push(data);
  }

  /** For the manager: the socket reconnected; bind this new session to the call again. */
  rejoin(): void {
    if (this.current === CallState.Ended || (this.direction === 'incoming' && this.current === CallState.Ringing)) return;
    this.rejoining = true;
    this.deps.requests.send({ type: 'call', action: 'rejoin', callId: this.callId }, this.callId).then(
      () => {
        // A ringing call's rejoin (the caller's) has no peer yet: only what was produced offline goes out.
        if (this.rejoining) this.flushUnsent();
        this.rejoining = false;
      },
      (error: CallError) => {
        this.rejoining = false;
        if (error.code !== 'not_found') return void this.emitter.emit('error', { error });
        // The call ended while this device was away: its record (surfaced by the catch-up) says how.
        this.refused = true;
        if (this.deps.caughtUp()) this.caughtUp();
      },
    );
  }

  /** For the manager: the catch-up after a reconnect finished; a refused call with no record ends without an outcome. */
  caughtUp(): void {
    if (this.refused) this.finish(null, CallReason.RejoinRefused, 'the call ended while this device was away');
  }

  /** For the manager: the call's record surfaced (it ended, e.g. while this device was away): it says how. */
  recorded(outcome: CallOutcome): void {
    this.finish(outcome, CallReason.ServerEnded, `the call ended: ${outcome}`);
  }

  /** For the manager: ends the session here, telling no one (the client is closing). */
  close(code: CallReason, reason: string): void {
    this.finish(null, code, reason);
  }

  /** Hangs up a call whose peers found no network path in time (wrong TURN, a firewall): ends as `failed`. */
  private connectTimedOut(): void {
    this.connectTimer = null;
    if (this.current !== CallState.Connecting) return;
    const seconds = Math.round(this.deps.connectTimeoutMs / 1000);
    this.emitter.emit('error', { error: new CallError(ClientErrorCode.Timeout, `the call did not connect within ${seconds} s: no network path between the two devices (check the TURN relay)`, this.callId) });
    this.destroyPeer();
    this.hangUpPeerless();
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== null) this.deps.timers.clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }

  private setState(next: CallState, code: CallReason, reason: string): void {
    const oldState = this.current;
    if (next === oldState) return;
    this.current = next;
    this.deps.logger.debug('calls: state', { callId: this.callId, oldState, newState: next, code });
    this.emitter.emit('state', { newState: next, oldState, code, reason });
  }

  private startPeer(): void {
    if (this.peerMade) return;
    this.peerMade = true;
    let peer: PeerLike;
    try {
      peer = this.deps.createPeer({ initiator: this.direction === 'outgoing', config: { iceServers: this.ice ?? [] }, streams: this.local ? [this.local] : [], trickle: true });
    } catch (error) {
      return this.peerFailed(null, error);
    }
    this.peer = peer;
    this.connectTimer = this.deps.timers.setTimeout(() => this.connectTimedOut(), this.deps.connectTimeoutMs);
    peer.on('signal', (data) => this.peer === peer && this.relay(data));
    peer.on('connect', () => {
      if (this.peer !== peer) return;
      this.clearConnectTimer();
      this.setState(CallState.Connected, CallReason.PeerConnected, 'the peer connection is up');
      this.deps.send({ type: 'call', action: 'connected', callId: this.callId });
      this.scheduleStats(peer);
    });
    peer.on('stream', (stream) => {
      if (this.peer !== peer || this.remoteIds.has(stream.id)) return;
      this.remoteIds.add(stream.id);
      this.emitter.emit('remoteStream', { stream });
    });
    peer.on('iceStateChange', (ice) => this.peer === peer && this.iceStateChanged(peer, ice));
    peer.on('error', (error) => this.peerFailed(peer, error));
    peer.on('close', () => this.peerFailed(peer, null));
    for (const data of this.early.splice(0)) peer.signal(data);
  }

  /**
   * This device or the other side rejoined the call: send what the peer produced offline, then
   * hang up if the peer failed meanwhile, else (on the initiator) restart ICE: a new offer with
   * fresh ICE credentials, so a changed network path (new interface, new address) recovers.
   */
  private rejoined(): void {
    this.rejoining = false;
    this.flushUnsent();
    if (this.hangUpWhenBack) return this.hangUpPeerless();
    if (!this.peer || this.direction !== 'outgoing') return;
    this.restartPeerIce(this.peer, 'rejoined');
  }

  /**
   * Watches a connected call's media path. Lost (`disconnected`: a network change on either side,
   * a relay gone) for `iceRestartDelayMs`, ICE is restarted, then again every 2.5 times that while
   * it stays lost. Only the caller's side makes offers, so it restarts ICE itself; the callee's
   * side (often the only one to notice) asks it to with a {@link RESTART_ICE} signal. No socket
   * reconnect is involved (a rejoin restarts ICE by itself). `failed` is left to the peer
   * (simple-peer destroys itself, and the call is hung up).
   */
  private iceStateChanged(peer: PeerLike, ice: RTCIceConnectionState): void {
    if (this.current !== CallState.Connected) {
      // Not connected yet: a failed ICE check is final (the connect timeout would only wait longer).
      if (ice === 'failed') this.peerFailed(peer, new Error('ICE failed before the call connected'));
      return;
    }
    if (ice === 'connected' || ice === 'completed') {
      this.clearIceRestart();
      if (!this.iceLost) return;
      this.iceLost = false;
      this.emitter.emit('network', { state: 'restored' });
    } else if ((ice === 'disconnected' || ice === 'failed') && !this.iceLost) {
      this.iceLost = true;
      this.emitter.emit('network', { state: 'interrupted' });
      this.iceGiveUpTimer = this.deps.timers.setTimeout(() => this.iceLostForGood(peer), this.deps.connectTimeoutMs);
      // `failed` (no candidate pair works any more) needs no grace before the restart.
      this.scheduleIceRestart(peer, ice === 'failed' ? 0 : this.deps.iceRestartDelayMs);
    }
  }

  /** The media path stayed lost for `connectTimeoutMs` despite the restarts: hang up, saying why. */
  private iceLostForGood(peer: PeerLike): void {
    this.iceGiveUpTimer = null;
    if (this.peer !== peer || !this.iceLost) return;
    const seconds = Math.round(this.deps.connectTimeoutMs / 1000);
    this.peerFailed(peer, new Error(`the media path was lost and not restored within ${seconds} s`));
  }

  private scheduleIceRestart(peer: PeerLike, ms: number): void {
    this.iceRestartTimer = this.deps.timers.setTimeout(() => {
      this.iceRestartTimer = null;
      if (this.peer !== peer || !this.iceLost) return;
      if (this.rejoining) {
        // The rejoin restarts ICE once back.
      } else if (this.direction === 'incoming') {
        this.relay({ [RESTART_ICE]: true });
      } else if (!this.restartPeerIce(peer, 'the media path is lost')) {
        return;
      }
      this.scheduleIceRestart(peer, this.deps.iceRestartDelayMs * 2.5);
    }, ms);
  }

  /** The callee's side lost its media path and asks this (the offering) side to restart ICE. */
  private restartIceAsked(): void {
    if (this.direction !== 'outgoing' || !this.peer || this.current !== CallState.Connected || this.rejoining) return;
    this.restartPeerIce(this.peer, 'the other side lost its media path');
  }

  /** Restarts ICE on this (the caller's) peer; false, with a warning, when the peer can't. */
  private restartPeerIce(peer: PeerLike, why: string): boolean {
    this.deps.logger.debug(`calls: ${why}, restarting ICE`, { callId: this.callId });
    if (restartIce(peer)) return true;
    this.deps.logger.warn('calls: this peer cannot restart ICE', { callId: this.callId });
    return false;
  }

  private clearIceRestart(): void {
    for (const timer of [this.iceRestartTimer, this.iceGiveUpTimer]) if (timer !== null) this.deps.timers.clearTimeout(timer);
    this.iceRestartTimer = this.iceGiveUpTimer = null;
  }

  private flushUnsent(): void {
    for (const data of this.unsent.splice(0)) this.relay(data);
  }

  private relay(data: PeerSignal): void {
    if (!this.deps.send({ type: 'signal', callId: this.callId, data })) this.unsent.push(data);
  }

  /** The peer failed or closed on its own (not destroyed by this session): hang up. */
  private peerFailed(peer: PeerLike | null, cause: unknown): void {
    if (this.peer !== peer || this.current === CallState.Ended) return;
    this.destroyPeer();
    if (cause) this.emitter.emit('error', { error: new CallError(ClientErrorCode.Network, `the peer connection failed: ${cause instanceof Error ? cause.message : String(cause)}`, this.callId, { cause }) });
    this.hangUpPeerless();
  }

  /**
   * Hangs up a call whose peer is gone. Offline with a reconnect under way, it waits for the
   * rejoin (then hangs up), or for the record of a call that ended meanwhile (its outcome);
   * offline for good, the session ends here without an outcome.
   */
  private hangUpPeerless(): void {
    this.hangUpWhenBack = false;
    this.deps.requests.send({ type: 'call', action: 'hangup', callId: this.callId }, this.callId).catch((error: CallError) => {
      // not_found: the call already ended (the other side hung up first); its `ended` frame tells.
      if (error.code !== ClientErrorCode.Disconnected) return;
      if (this.deps.reconnecting()) this.hangUpWhenBack = true;
      else this.finish(null, CallReason.PeerFailed, 'the peer connection closed while offline');
    });
  }

  private destroyPeer(): void {
    const peer = this.peer;
    this.peer = null;
    this.clearStatsTimer();
    this.clearIceRestart();
    peer?.destroy();
  }

  private own(stream: MediaStream | null): void {
    this.local = stream;
    for (const track of stream?.getTracks() ?? []) this.owned.add(track);
  }

  private stopIfOwned(track: MediaStreamTrack): void {
    if (this.owned.delete(track)) track.stop();
  }

  /** The track of `kind` sent now; throws when the call ended or sends none. */
  private sentTrack(kind: 'audio' | 'video'): MediaStreamTrack {
    if (this.current === CallState.Ended) throw new CallError('conflict', 'the call has ended', this.callId);
    const track = (kind === 'audio' ? this.local?.getAudioTracks() : this.local?.getVideoTracks())?.[0];
    if (!track) throw new CallError('conflict', `the call sends no ${kind}: adding it would need a renegotiation`, this.callId);
    return track;
  }

  /** Sends `next` instead of `before` (the sender swaps it, once the peer exists) and updates `localStream`. */
  private replaceSent(before: MediaStreamTrack, next: MediaStreamTrack): void {
    const stream = this.local!;
    if (this.peer) {
      if (!this.peer.replaceTrack) throw new CallError('conflict', 'this peer cannot replace a track', this.callId);
      this.peer.replaceTrack(before, next, stream);
    }
    stream.removeTrack(before);
    stream.addTrack(next);
    this.emitter.emit('localStream', { stream });
  }

  private forgetScreen(): void {
    this.screen?.track.removeEventListener?.('ended', this.screen.onEnded);
    this.screen = null;
  }

  private scheduleStats(peer: PeerLike): void {
    if (this.deps.statsIntervalMs > 0) this.statsTimer = this.deps.timers.setTimeout(() => void this.sampleStats(peer), this.deps.statsIntervalMs);
  }

  private clearStatsTimer(): void {
    if (this.statsTimer !== null) this.deps.timers.clearTimeout(this.statsTimer);
    this.statsTimer = null;
  }

  /** One `stats` sample, then the next one is scheduled (never two reads at once); stops once the peer is gone. */
  private async sampleStats(peer: PeerLike): Promise<void> {
    this.statsTimer = null;
    const live = () => this.peer === peer && this.current === CallState.Connected;
    if (!live()) return;
    let report: RTCStatsReport | null;
    try {
      report = await peerStats(peer);
    } catch (error) {
      this.deps.logger.debug('calls: getStats failed', { callId: this.callId, error });
      if (live()) this.scheduleStats(peer);
      return;
    }
    if (!report || !live()) return;
    const { stats, sample } = readStats(report, this.lastStats, this.deps.statsIntervalMs);
    this.lastStats = sample;
    this.emitter.emit('stats', stats);
    if (live() && this.statsTimer === null) this.scheduleStats(peer);
  }

  /** Stops the tracks this session opened (also a camera put aside for a screen share); the app's are left alone. */
  private releaseMedia(): void {
    this.forgetScreen();
    for (const track of this.owned) track.stop();
    this.owned.clear();
    this.local = null;
  }

  private finish(outcome: CallOutcome | null, code: CallReason, reason: string): void {
    if (this.current === CallState.Ended) return;
    this.endedWith = outcome;
    this.clearConnectTimer();
    this.setState(CallState.Ended, code, reason);
    this.destroyPeer();
    this.releaseMedia();
    this.early.length = this.unsent.length = 0;
    this.rejoining = this.hangUpWhenBack = this.refused = false;
    this.deps.ended(this);
    this.emitter.emit('ended', { outcome, code, call: this.frame });
  }
}
