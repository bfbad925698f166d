/**
 * Stand-ins for the SDK's calls manager and call sessions (`@quickchat/sdk/calls`), for the call
 * screens' component tests: a session with the SDK's events, emitted on demand, and a record of
 * every method the UI called; fake media streams and tracks (happy-dom has no WebRTC).
 */
import type { CallEventFrame, CallMedia, CallReason, CallSessionEvents, CallState } from '@quickchat/sdk/calls';
import type { WidgetCallSession, WidgetCalls } from '../../src/state/calls.js';
import { ME, dmId } from './fake-client.js';

/** A media track: kind, device, `enabled` and `stop()` recorded. */
export class FakeTrack {
  enabled = true;
  stopped = false;
  constructor(
    readonly kind: 'audio' | 'video',
    readonly deviceId = `${kind}-1`,
  ) {}
  stop(): void {
    this.stopped = true;
  }
  getSettings(): { deviceId: string } {
    return { deviceId: this.deviceId };
  }
  addEventListener(): void {}
  removeEventListener(): void {}
}

/** A media stream (happy-dom's own, which `<video>.srcObject` accepts) holding fake tracks. */
export function fakeStream(tracks: FakeTrack[]): MediaStream {
  return new MediaStream(tracks as unknown as MediaStreamTrack[]);
}

/** The fake tracks of a stream the UI was given. */
export const tracksOf = (stream: MediaStream) => [...stream.getAudioTracks(), ...stream.getVideoTracks()] as unknown as FakeTrack[];

/** A `call` frame as the server sends it. */
export function callFrame(extra: Partial<CallEventFrame> & { callerId: string; calleeId: string }): CallEventFrame {
  return { type: 'call', callId: 'c_test12345', conversationId: dmId(extra.callerId, extra.calleeId), media: { audio: true, video: true }, state: 'ringing', here: false, startedAt: Date.UTC(2025, 0, 15, 12), ...extra };
}

type Method = 'accept' | 'decline' | 'hangUp' | 'setAudioEnabled' | 'setVideoEnabled' | 'switchInput' | 'shareScreen' | 'stopScreenShare';

/** A call session whose events the test emits, recording the methods the UI calls. */
export class FakeCallSession implements WidgetCallSession {
  readonly callId: string;
  readonly direction: 'outgoing' | 'incoming';
  readonly peerId: string;
  readonly media: CallMedia;
  state: CallState = 'ringing';
  call: CallEventFrame;
  outcome: WidgetCallSession['outcome'] = null;
  localStream: MediaStream | null = null;
  /** Every method call: name and arguments. */
  readonly calls: [Method, ...unknown[]][] = [];
  /** What `accept()` does (default: opens `acceptStream` and moves to connecting). */
  acceptReply: (media: CallMedia) => Promise<void> = async (media) => {
    this.setLocal(fakeStream([new FakeTrack('audio'), ...(media.video ? [new FakeTrack('video')] : [])]));
    this.move('connecting', 'accepted');
  };
  private readonly handlers = new Map<string, Set<(context: never) => void>>();

  constructor(frame: CallEventFrame, direction: 'outgoing' | 'incoming') {
    this.call = frame;
    this.callId = frame.callId;
    this.direction = direction;
    this.peerId = direction === 'outgoing' ? frame.calleeId : frame.callerId;
    this.media = frame.media;
  }

  on<E extends keyof CallSessionEvents>(event: E, listener: CallSessionEvents[E]): () => void {
    const set = this.handlers.get(event) ?? new Set();
    this.handlers.set(event, set);
    set.add(listener as (context: never) => void);
    return () => void set.delete(listener as (context: never) => void);
  }

  /** Emits a session event, as the SDK would. */
  emit<E extends keyof CallSessionEvents>(event: E, context: Parameters<CallSessionEvents[E]>[0]): void {
    for (const listener of [...(this.handlers.get(event) ?? [])]) (listener as (c: typeof context) => void)(context);
  }

  /** Moves to `state` with `code` (ended: with `outcome`), emitting `state` (and `ended`). */
  move(state: CallState, code: CallReason, outcome: WidgetCallSession['outcome'] = null): void {
    const oldState = this.state;
    this.state = state;
    this.emit('state', { newState: state, oldState, code, reason: code });
    if (state === 'ended') {
      this.outcome = outcome;
      this.emit('ended', { outcome, code, call: this.call });
    }
  }

  /** Sets the local stream and emits `localStream`. */
  setLocal(stream: MediaStream): void {
    this.localStream = stream;
    this.emit('localStream', { stream });
  }

  /** Listeners still attached (the UI must let go of them). */
  listeners(): number {
    let n = 0;
    for (const set of this.handlers.values()) n += set.size;
    return n;
  }

  async accept(media: CallMedia): Promise<void> {
    this.calls.push(['accept', media]);
    await this.acceptReply(media);
  }
  async decline(): Promise<void> {
    this.calls.push(['decline']);
  }
  async hangUp(): Promise<void> {
    this.calls.push(['hangUp']);
  }
  setAudioEnabled(enabled: boolean): boolean {
    this.calls.push(['setAudioEnabled', enabled]);
    return true;
  }
  setVideoEnabled(enabled: boolean): boolean {
    this.calls.push(['setVideoEnabled', enabled]);
    return true;
  }
  switchInput(kind: 'audio' | 'video', track: MediaStreamTrack): void {
    this.calls.push(['switchInput', kind, track]);
  }
  shareScreen(stream: MediaStream): void {
    this.calls.push(['shareScreen', stream]);
  }
  stopScreenShare(): boolean {
    this.calls.push(['stopScreenShare']);
    return true;
  }
}

/** The calls manager: `place()` answered by `placeReply`, `sessionFor()` from the ringing frames it is given. */
export class FakeCalls implements WidgetCalls {
  readonly placed: [string, CallMedia][] = [];
  /** The sessions made, newest last. */
  readonly sessions: FakeCallSession[] = [];
  /** Default: the callee's devices ring. */
  placeReply: (peerId: string, media: CallMedia) => Promise<FakeCallSession> = async (peerId, media) => {
    const session = new FakeCallSession(callFrame({ callerId: ME, calleeId: peerId, media, here: true }), 'outgoing');
    session.localStream = fakeStream([new FakeTrack('audio'), ...(media.video ? [new FakeTrack('video')] : [])]);
    return session;
  };

  async place(peerId: string, media: CallMedia): Promise<FakeCallSession> {
    this.placed.push([peerId, media]);
    const session = await this.placeReply(peerId, media);
    this.sessions.push(session);
    return session;
  }

  sessionFor(call: CallEventFrame): FakeCallSession | null {
    const known = this.sessions.find((s) => s.callId === call.callId);
    if (known) return known;
    if (call.state !== 'ringing' || call.calleeId !== ME) return null;
    const session = new FakeCallSession(call, 'incoming');
    this.sessions.push(session);
    return session;
  }
}
