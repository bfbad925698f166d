import { createRequire } from 'node:module';
import type { CallMedia } from '@quickchat/protocol';
import { expect } from 'vitest';
import type { ChatClient } from '../../src/index.js';
import { callsOf, simplePeerFactory, type CallSession, type CallSessionEvents, type CallsManager, type CallsOptions, type MediaSource, type PeerFactory, type PeerLike, type PeerSignal } from '../../src/calls/index.js';
import { until, type TestUser } from './sdk-server.js';

/** Node WebRTC (@roamhq/wrtc, a prebuilt native module). CommonJS with no static named exports, hence require. */
export const wrtc = createRequire(import.meta.url)('@roamhq/wrtc') as typeof import('@roamhq/wrtc');

/** One peer a client's calls made, and how the SDK treated it. */
export interface PeerRecord {
  initiator: boolean;
  /** How many times the SDK called `destroy()`. */
  destroyCalls: number;
  /** Signals the SDK fed to it after destroying it (must stay 0). */
  signalsAfterDestroy: number;
  /** The peer emitted `close` (simple-peer does once it is destroyed, whoever destroyed it). */
  closed: boolean;
  /** Every signal the SDK fed to it (from the other side), in order. */
  fed: PeerSignal[];
  /** Every signal it produced (offers, answers, candidates), in order. */
  produced: PeerSignal[];
  /** Its ICE connection states, in order. */
  ice: string[];
  /** How many times the SDK asked it to negotiate again (simple-peer's `negotiate()`: an ICE restart). */
  negotiations: number;
  /** How many times the SDK replaced a sent track (simple-peer's `replaceTrack()`). */
  replacedTracks: number;
}

/**
 * A peer factory for one client: real simple-peer over @roamhq/wrtc, behind a thin adapter that
 * counts what the SDK does to each peer (made, destroyed, signalled after destroy). `relayOnly`
 * forces `iceTransportPolicy: 'relay'` (TURN candidates only).
 */
export function countingPeers({ relayOnly = false }: { relayOnly?: boolean } = {}): { createPeer: PeerFactory; peers: PeerRecord[] } {
  const peers: PeerRecord[] = [];
  const createPeer: PeerFactory = (options) => {
    const config: RTCConfiguration = relayOnly ? { ...options.config, iceTransportPolicy: 'relay' } : options.config;
    const peer = simplePeerFactory({ ...options, config, wrtc }) as PeerLike & { on(event: string, listener: (...args: never[]) => void): unknown };
    const record: PeerRecord = { initiator: options.initiator, destroyCalls: 0, signalsAfterDestroy: 0, closed: false, fed: [], produced: [], ice: [], negotiations: 0, replacedTracks: 0 };
    peers.push(record);
    peer.on('close', () => void (record.closed = true));
    peer.on('signal', (data: PeerSignal) => void record.produced.push(data));
    peer.on('iceStateChange', (state: string) => void (record.ice.at(-1) !== state && record.ice.push(state)));
    // What the SDK's ICE restart drives on a simple-peer (see restartIce in src/calls/peer.ts), passed through.
    const internals = peer as unknown as { _pc: unknown; destroyed: boolean; offerOptions: unknown; negotiate(): void; replaceTrack(old: MediaStreamTrack, next: MediaStreamTrack, stream: MediaStream): void };
    const adapter: PeerLike & typeof internals = {
      get _pc() {
        return internals._pc;
      },
      get destroyed() {
        return internals.destroyed;
      },
      get offerOptions() {
        return internals.offerOptions;
      },
      set offerOptions(value) {
        internals.offerOptions = value;
      },
      negotiate() {
        record.negotiations++;
        internals.negotiate();
      },
      replaceTrack(old, next, stream) {
        record.replacedTracks++;
        internals.replaceTrack(old, next, stream);
      },
      signal(data: PeerSignal) {
        if (record.destroyCalls > 0) record.signalsAfterDestroy++;
        else (record.fed.push(data), peer.signal(data));
      },
      destroy() {
        record.destroyCalls++;
        peer.destroy();
      },
      on(event: string, listener: (...args: never[]) => void) {
        peer.on(event, listener);
        return adapter;
      },
    };
    return adapter;
  };
  return { createPeer, peers };
}

/** A media source that records when it was asked, giving each call a fresh stream from `make` (or none). */
export function recordingMedia(make: (media: CallMedia) => MediaStream | null): { source: MediaSource; asked: CallMedia[] } {
  const asked: CallMedia[] = [];
  return { asked, source: async (media) => (asked.push(media), make(media)) };
}

const feeding = new Set<ReturnType<typeof setInterval>>();

/**
 * A live microphone for Node: an audio track fed with 10 ms of 48 kHz silence-with-a-ramp every
 * 10 ms (what a real microphone delivers), until {@link stopFeeding}.
 */
export function fakeMicrophone(): MediaStream {
  const source = new wrtc.nonstandard.RTCAudioSource();
  const track = source.createTrack();
  const samples = new Int16Array(480).map((_, i) => i * 8);
  const timer = setInterval(() => source.onData({ samples, sampleRate: 48_000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 }), 10);
  feeding.add(timer);
  track.addEventListener?.('ended', () => clearInterval(timer));
  // wrtc's stop() fires no `ended` here: stopping the track stops its feed too, as a real microphone goes silent.
  const stop = track.stop.bind(track);
  Object.defineProperty(track, 'stop', { value: () => (clearInterval(timer), stop()) });
  return new wrtc.MediaStream([track]) as unknown as MediaStream;
}

/** Stops every fake microphone's feed. */
export function stopFeeding(): void {
  for (const timer of feeding) clearInterval(timer);
  feeding.clear();
}

/** Resolves when the first audio data of `stream` arrives through a wrtc audio sink (bounded). */
export function audioArrives(stream: MediaStream, timeoutMs = 10_000): Promise<void> {
  const [track] = stream.getAudioTracks();
  const sink = new wrtc.nonstandard.RTCAudioSink(track as never);
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => (sink.stop(), reject(new Error(`no audio within ${timeoutMs} ms`))), timeoutMs);
    sink.ondata = () => {
      clearTimeout(timer);
      sink.stop();
      resolve();
    };
  });
}

/** The next `event` of a call session (bounded). */
export function next<E extends keyof CallSessionEvents>(session: CallSession, event: E, timeoutMs = 10_000): Promise<Parameters<CallSessionEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`no ${event} event on call ${session.callId} within ${timeoutMs} ms`))), timeoutMs);
    const off = session.on(event, ((context: never) => {
      clearTimeout(timer);
      off();
      resolve(context);
    }) as never);
  });
}

/** Resolves when the session is ended (at once when it already is), with its outcome. */
export async function endedOutcome(session: CallSession, timeoutMs = 10_000): Promise<string | null> {
  if (session.state !== 'ended') await next(session, 'ended', timeoutMs);
  return session.outcome;
}

/** Resolves when `session` reaches `state` (at once when it is there). */
export async function reaches(session: CallSession, state: CallSession['state'], timeoutMs = 10_000): Promise<void> {
  while (session.state !== state) {
    const change = await next(session, 'state', timeoutMs);
    if (change.newState === 'ended' && state !== 'ended') throw new Error(`call ${session.callId} ended (${change.code}) before reaching ${state}`);
  }
}

/** The call records in a client's loaded messages of a conversation. */
export function callRecordsIn(client: ChatClient, conversationId: string): { callId: string; outcome: string }[] {
  return (client.messages.getState()[conversationId]?.items ?? []).flatMap((m) => (m.content.type === 'call' ? [{ callId: m.content.callId, outcome: m.content.outcome }] : []));
}

/** A signed-in client with its calls manager, the peers its calls made and the media they asked for. */
export interface CallDevice {
  client: ChatClient;
  calls: CallsManager;
  peers: PeerRecord[];
  asked: CallMedia[];
  user: TestUser;
}

/**
 * Gives `client` (signed in as `user`) a calls manager on counted wrtc peers (relay only when
 * asked) and a fake microphone (or no media); resolves once connected.
 */
export async function callDevice(
  client: ChatClient,
  user: TestUser,
  mic: 'mic' | 'none' = 'none',
  { relayOnly, ...options }: Pick<CallsOptions, 'statsIntervalMs' | 'iceRestartDelayMs'> & { relayOnly?: boolean } = {},
): Promise<CallDevice> {
  const { createPeer, peers } = countingPeers({ relayOnly });
  const media = recordingMedia(() => (mic === 'mic' ? fakeMicrophone() : null));
  const calls = callsOf(client, { createPeer, getUserMedia: media.source, ...options });
  await until(client, () => client.connectionState === 'connected', 15_000, `${user.handle} connected`);
  return { client, calls, peers, asked: media.asked, user };
}

/** The next incoming session on a device. */
export function incoming(calls: CallsManager): Promise<CallSession> {
  return new Promise((resolve) => {
    const off = calls.on('incoming', ({ session }) => (off(), resolve(session)));
  });
}

/** Every peer made was destroyed by the SDK exactly once, closed, and never signalled after. */
export function cleanPeers(peers: PeerRecord[]): void {
  for (const p of peers) expect(p).toMatchObject({ destroyCalls: 1, signalsAfterDestroy: 0, closed: true });
}

/** Each device (of one of the two users `between`) shows exactly one record of `callId`, with `outcome`. */
export async function recordedOnce(devices: CallDevice[], between: [TestUser, TestUser], callId: string, outcome: string): Promise<void> {
  for (const d of devices) {
    const dm = d.client.dmWith(between.find((u) => u.id !== d.user.id)!.id);
    await until(d.client, () => callRecordsIn(d.client, dm).some((r) => r.callId === callId), 10_000, `the record of ${callId} on ${d.user.handle}`);
    expect(callRecordsIn(d.client, dm).filter((r) => r.callId === callId)).toEqual([{ callId, outcome }]);
  }
}

/** Alice calls bob (audio both ways), bob's first device accepts; resolves with both sessions connected and audio arriving. */
export async function connectedCall(alice: CallDevice, bob: CallDevice) {
  const ringing = incoming(bob.calls);
  const call = await alice.calls.place(bob.user.id, { audio: true, video: false });
  const answer = await ringing;
  const [remoteAtAlice, remoteAtBob] = [next(call, 'remoteStream'), next(answer, 'remoteStream')];
  await answer.accept({ audio: true, video: false });
  await Promise.all([reaches(call, 'connected'), reaches(answer, 'connected')]);
  const [{ stream: atAlice }, { stream: atBob }] = await Promise.all([remoteAtAlice, remoteAtBob]);
  await Promise.all([audioArrives(atAlice), audioArrives(atBob)]);
  return { call, answer, atAlice, atBob };
}
