/**
 * Page script for calls.browser.test.ts (and bench P8), bundled for Chromium with
 * {@link bundleForBrowser}; calls.browser.test.ts bundles it against the SDK's rollup output (the
 * published `@quickchat/sdk` and `@quickchat/sdk/calls`, simple-peer inside). It runs the SDK's
 * calls entry on the browser's own WebSocket, fetch, getUserMedia (Chromium's fake camera) and
 * RTCPeerConnection. The only thing injected is a peer factory around the default one
 * (`simplePeerFactory`): it keeps each peer's `RTCPeerConnection` (simple-peer's `_pc`) so the
 * test can read `getStats()`, records ICE events, and can force `iceTransportPolicy: 'relay'`.
 */
import { createClient, type ChatClient } from '@quickchat/sdk';
import { callsOf, simplePeerFactory, type CallSession, type CallsManager, type PeerFactory } from '@quickchat/sdk/calls';

/** How {@link CallsPageApi.start} signs in and makes peers. */
export interface CallsPageConfig {
  url: string;
  handle: string;
  password: string;
  /** Force `iceTransportPolicy: 'relay'` on every peer connection (TURN only). */
  relayOnly?: boolean;
  /** The calls manager's `connectTimeoutMs` (default: the SDK's). */
  connectTimeoutMs?: number;
}

/** What the test reads from a peer connection's `getStats()`. */
export interface CallStats {
  /** `framesDecoded` of the video `inbound-rtp` (0 when there is none yet). */
  framesDecoded: number;
  /** Candidate types of the selected pair, when there is one. */
  selected: { local: string; remote: string } | null;
  /** Types of the local candidates gathered so far (`host`, `srflx`, `relay`). */
  localCandidateTypes: string[];
  /** The peer connection's `iceGatheringState` and `iceConnectionState` now. */
  gathering: RTCIceGatheringState | null;
  ice: RTCIceConnectionState | null;
}

/** What the page exposes on `window.calls`. */
export interface CallsPageApi {
  /** Every session state this page's current call went through (`ringing` first). */
  states: string[];
  /** The current call's `ended` (outcome and code), once it ended. */
  ended: { outcome: string | null; code: string } | null;
  /** The current call's `error` events. */
  errors: string[];
  /** The ICE servers the current call's peer got (the SDK fetched them from the server). */
  iceServers: RTCIceServer[];
  /** `iceConnectionState` of the current call's peer connection, every value it took. */
  iceStates: string[];
  /** `icecandidateerror`s of the current call's peer connection (`code url`). */
  iceErrors: string[];
  /** SDP offers the current call's peer produced (1 for the call; more means a renegotiation or an ICE restart). */
  offers: number;
  /** Creates the client and its calls manager; resolves when connected. */
  start(config: CallsPageConfig): Promise<void>;
  /** Places a video call to `peerId`; resolves with its call id once it rings. */
  place(peerId: string): Promise<string>;
  /** Accepts the call ringing here (waits for it, bounded) with audio and video. */
  acceptIncoming(timeoutMs: number): Promise<string>;
  /** Stats of the current call's peer connection. */
  stats(): Promise<CallStats>;
  /** Shares the screen (`getDisplayMedia`, Chromium's fake screen) in the current call; resolves with its track's size. */
  shareScreen(): Promise<{ width: number; height: number }>;
  /** Stops the screen share (the camera is sent again). */
  stopScreenShare(): boolean;
  /** The size of the remote `<video>`'s current frames (0×0 before any). */
  remoteSize(): { width: number; height: number };
  /** Hangs up the current call. */
  hangUp(): Promise<void>;
  /** Closes the client. */
  close(): void;
}

declare global {
  interface Window {
    calls: CallsPageApi;
  }
}

let client: ChatClient | null = null;
let manager: CallsManager | null = null;
let session: CallSession | null = null;
let pc: RTCPeerConnection | null = null;

/** Shows a stream in the page's `<video id>` (created on demand, captioned with its id), so a screenshot shows the call. */
function show(id: string, stream: MediaStream): void {
  let video = document.getElementById(id) as HTMLVideoElement | null;
  if (!video) {
    const figure = document.createElement('figure');
    figure.style.cssText = 'display:inline-block;margin:4px;font:12px sans-serif';
    const caption = document.createElement('figcaption');
    caption.textContent = id;
    video = document.createElement('video');
    video.id = id;
    video.autoplay = video.muted = video.playsInline = true;
    video.width = 320;
    video.height = 240;
    video.style.background = '#222';
    figure.append(video, caption);
    document.body.append(figure);
  }
  video.srcObject = stream;
}

/** Follows one session: its states, end, errors and streams go to `window.calls`. */
function track(s: CallSession): void {
  session = s;
  pc = null;
  Object.assign(api, { states: [s.state], ended: null, errors: [], iceServers: [], iceStates: [], iceErrors: [], offers: 0 });
  s.on('state', ({ newState }) => void api.states.push(newState));
  s.on('ended', ({ outcome, code }) => void (api.ended = { outcome, code }));
  s.on('error', ({ error }) => void api.errors.push(`${error.code}: ${error.message}`));
  s.on('localStream', ({ stream }) => show('local', stream));
  s.on('remoteStream', ({ stream }) => show('remote', stream));
  if (s.localStream) show('local', s.localStream);
}

function current(): CallSession {
  if (!session) throw new Error('no call on this page');
  return session;
}

/** The default simple-peer factory, keeping its RTCPeerConnection; relay only when asked. */
function peerFactory(relayOnly: boolean): PeerFactory {
  return (options) => {
    const config: RTCConfiguration = relayOnly ? { ...options.config, iceTransportPolicy: 'relay' } : options.config;
    api.iceServers = config.iceServers ?? [];
    const peer = simplePeerFactory({ ...options, config });
    const connection = (peer as unknown as { _pc: RTCPeerConnection })._pc;
    pc = connection;
    connection.addEventListener('iceconnectionstatechange', () => void api.iceStates.push(connection.iceConnectionState));
    peer.on('signal', (data) => void (data['type'] === 'offer' && api.offers++));
    connection.addEventListener('icecandidateerror', (e) => void api.iceErrors.push(`${(e as RTCPeerConnectionIceErrorEvent).errorCode} ${(e as RTCPeerConnectionIceErrorEvent).url}`));
    return peer;
  };
}

const api: CallsPageApi = {
  states: [],
  ended: null,
  errors: [],
  iceServers: [],
  iceStates: [],
  iceErrors: [],
  offers: 0,
  async start(config) {
    if (client) throw new Error('already started');
    const c = createClient({ url: config.url, auth: { handle: config.handle, password: config.password } });
    client = c;
    manager = callsOf(c, { createPeer: peerFactory(config.relayOnly ?? false), ...(config.connectTimeoutMs ? { connectTimeoutMs: config.connectTimeoutMs } : {}) });
    manager.on('incoming', ({ session: s }) => track(s));
    await new Promise<void>((resolve) => {
      if (c.connectionState === 'connected') return resolve();
      const off = c.on('connectionStateChanged', ({ newState }) => newState === 'connected' && (off(), resolve()));
    });
  },
  async place(peerId) {
    if (!manager) throw new Error('start() first');
    const s = await manager.place(peerId, { audio: true, video: true });
    track(s);
    return s.callId;
  },
  async acceptIncoming(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (session?.state !== 'ringing' || session.direction !== 'incoming') {
      if (Date.now() > deadline) throw new Error(`nothing rang within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await session.accept({ audio: true, video: true });
    return session.callId;
  },
  async stats() {
    const empty: CallStats = { framesDecoded: 0, selected: null, localCandidateTypes: [], gathering: null, ice: null };
    if (!pc) return empty;
    const report = await pc.getStats();
    const all = [...report.values()] as (RTCStats & Record<string, unknown>)[];
    const byId = (id: unknown) => all.find((s) => s.id === id);
    const inbound = all.find((s) => s.type === 'inbound-rtp' && s.kind === 'video');
    const transport = all.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const pair = transport ? byId(transport.selectedCandidatePairId) : undefined;
    return {
      framesDecoded: typeof inbound?.framesDecoded === 'number' ? inbound.framesDecoded : 0,
      selected: pair ? { local: String(byId(pair.localCandidateId)?.candidateType), remote: String(byId(pair.remoteCandidateId)?.candidateType) } : null,
      localCandidateTypes: all.filter((s) => s.type === 'local-candidate').map((s) => String(s.candidateType)),
      gathering: pc.iceGatheringState,
      ice: pc.iceConnectionState,
    };
  },
  async shareScreen() {
    const screen = await navigator.mediaDevices.getDisplayMedia({ video: true });
    current().shareScreen(screen);
    const { width = 0, height = 0 } = screen.getVideoTracks()[0]!.getSettings();
    return { width, height };
  },
  stopScreenShare: () => current().stopScreenShare(),
  remoteSize() {
    const video = document.getElementById('remote') as HTMLVideoElement | null;
    return { width: video?.videoWidth ?? 0, height: video?.videoHeight ?? 0 };
  },
  hangUp: () => current().hangUp(),
  close() {
    client?.close();
  },
};

window.calls = api;
