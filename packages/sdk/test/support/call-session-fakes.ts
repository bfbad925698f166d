// Fakes for the CallSession unit tests (call-session*.test.ts): a scriptable peer, tracks and
// streams, hand-fired timers, and a client for alice with a calls manager on them.
import type { CallEventFrame, ServerFrame } from '@quickchat/protocol';
import { callsOf, type CallsOptions, type CallSession, type CallStateChange, type CallTimers, type PeerFactory, type PeerOptions, type PeerSignal } from '../../src/calls/index.js';
import { testClient } from './client.js';
import { defaultRoutes, fakeFetch, flush, type FakeSocket } from './fakes.js';

/** A scriptable peer: the test emits its events and sees what the session did to it. */
export class FakePeer {
  readonly fed: PeerSignal[] = [];
  destroyed = 0;
  restarts = 0;
  negotiations = 0;
  readonly replaced: [MediaStreamTrack, MediaStreamTrack, MediaStream][] = [];
  /** What `getStats()` resolves with next (one report per call). */
  readonly reports: RTCStatsReport[] = [];
  statsReads = 0;
  private readonly listeners = new Map<string, ((...args: never[]) => void)[]>();
  constructor(readonly options: PeerOptions) {}
  signal(data: PeerSignal): void {
    this.fed.push(data);
  }
  restartIce(): void {
    this.restarts++;
  }
  negotiate(): void {
    this.negotiations++;
  }
  replaceTrack(old: MediaStreamTrack, next: MediaStreamTrack, stream: MediaStream): void {
    this.replaced.push([old, next, stream]);
  }
  async getStats(): Promise<RTCStatsReport> {
    this.statsReads++;
    return this.reports.shift()!;
  }
  destroy(): void {
    this.destroyed++;
    this.emit('close');
  }
  on(event: string, listener: (...args: never[]) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (...a: unknown[]) => void)(...args);
  }
}

export const ICE = [{ urls: ['stun:127.0.0.1:3478'] }];
export const STREAM = { id: 'local', getTracks: () => [], getAudioTracks: () => [], getVideoTracks: () => [] } as unknown as MediaStream;

/** A track that counts its stops and can end (the browser's "Stop sharing"). */
export class FakeTrack {
  enabled = true;
  stops = 0;
  private readonly ended = new Set<() => void>();
  constructor(
    readonly kind: 'audio' | 'video',
    readonly id: string,
  ) {}
  stop(): void {
    this.stops++;
  }
  addEventListener(_event: 'ended', listener: () => void): void {
    this.ended.add(listener);
  }
  removeEventListener(_event: 'ended', listener: () => void): void {
    this.ended.delete(listener);
  }
  end(): void {
    for (const l of this.ended) l();
  }
}

/** A stream over fake tracks, with the `addTrack`/`removeTrack` a session uses to keep `localStream` current. */
export function fakeStream(id: string, ...tracks: FakeTrack[]) {
  const list = [...tracks];
  return {
    id,
    getTracks: () => [...list],
    getAudioTracks: () => list.filter((t) => t.kind === 'audio'),
    getVideoTracks: () => list.filter((t) => t.kind === 'video'),
    addTrack: (t: FakeTrack) => void list.push(t),
    removeTrack: (t: FakeTrack) => void list.splice(list.indexOf(t), 1),
  } as unknown as MediaStream;
}

/** Timers the test fires by hand. */
export function manualTimers() {
  const pending: { cb: () => void; ms: number; cleared: boolean }[] = [];
  return {
    pending,
    setTimeout: (cb: () => void, ms: number) => (pending.push({ cb, ms, cleared: false }), pending.length - 1),
    clearTimeout: (handle: unknown) => void (pending[handle as number]!.cleared = true),
  };
}

/** A client for alice with a calls manager on fakes: peers, media, the ICE endpoint. */
export async function setup(timers?: CallTimers, stream: MediaStream = STREAM, options: Pick<CallsOptions, 'iceRestartDelayMs'> = {}) {
  const routes = defaultRoutes('alice');
  const rest = fakeFetch((call) => (call.path === '/api/turn-credentials' ? { body: { iceServers: ICE, turn: false, ttlSeconds: 600, expiresAt: 0, note: 'no TURN' } } : routes(call)));
  const t = testClient({ fetch: rest.fetch });
  const peers: FakePeer[] = [];
  const createPeer: PeerFactory = (options) => {
    const peer = new FakePeer(options);
    peers.push(peer);
    return peer;
  };
  const asked: unknown[] = [];
  const calls = callsOf(t.client, { createPeer, getUserMedia: async (media) => (asked.push(media), stream), connectTimeoutMs: 20_000, ...options, ...(timers ? { timers } : {}) });
  const incoming: CallSession[] = [];
  calls.on('incoming', ({ session }) => incoming.push(session));
  const socket = await t.online();
  return { ...t, rest, calls, peers, asked, socket, incoming };
}

/** Bob's call `callId` rings here and is accepted (audio): the session, bound, with its peer made. */
export async function ringAndAccept(t: Awaited<ReturnType<typeof setup>>, callId = 'c_abcdefgh12'): Promise<CallSession> {
  t.socket.deliver(frame({ callId }));
  await flush();
  const session = t.incoming.at(-1)!;
  const accepting = session.accept({ audio: true, video: false });
  await flush();
  t.socket.deliver(frame({ callId, id: lastRequest(t.socket, 'accept'), state: 'accepted', here: true }) as ServerFrame);
  await accepting;
  return session;
}

/** Alice places an audio call to bob and the server rings it: her session (no peer yet), and the caller/callee ids for frames. */
export async function placed(t: Awaited<ReturnType<typeof setup>>): Promise<{ session: CallSession; mine: { callerId: string; calleeId: string } }> {
  const placing = t.calls.place('bob', { audio: true, video: false });
  await flush();
  const mine = { callerId: 'alice', calleeId: 'bob' };
  t.socket.deliver(frame({ ...mine, id: lastRequest(t.socket, 'invite'), here: true }) as ServerFrame);
  return { session: await placing, mine };
}

/** The server says bob accepted a call alice {@link placed}: her session makes its peer, which is returned. */
export async function acceptedPeer(t: Awaited<ReturnType<typeof setup>>, mine: { callerId: string; calleeId: string }): Promise<FakePeer> {
  t.socket.deliver(frame({ ...mine, state: 'accepted', here: true }));
  await flush();
  return t.peers[0] as FakePeer;
}

export const frame = (over: Partial<CallEventFrame> = {}): CallEventFrame => ({
  type: 'call',
  callId: 'c_abcdefgh12',
  conversationId: 'dm:alice~bob',
  callerId: 'bob',
  calleeId: 'alice',
  media: { audio: true, video: false },
  state: 'ringing',
  here: false,
  startedAt: 1,
  ...over,
});

/** The id of the last `call` frame with `action` the client sent. */
export function lastRequest(socket: FakeSocket, action: string): string {
  const sent = socket.frames('call').filter((f) => f['action'] === action);
  if (sent.length === 0) throw new Error(`no ${action} sent`);
  return sent.at(-1)!['id'] as string;
}

export function record(session: CallSession) {
  const states: Pick<CallStateChange, 'oldState' | 'newState' | 'code'>[] = [];
  const ended: unknown[] = [];
  const remote: string[] = [];
  const errors: string[] = [];
  session.on('state', ({ oldState, newState, code }) => states.push({ oldState, newState, code }));
  session.on('ended', (c) => ended.push({ outcome: c.outcome, code: c.code }));
  session.on('remoteStream', ({ stream }) => remote.push(stream.id));
  session.on('error', ({ error }) => errors.push(error.code));
  return { states, ended, remote, errors };
}
