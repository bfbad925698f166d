/**
 * Baseline page for P8 (bench/p8-call-setup.ts), bundled for Chromium with esbuild: a bare
 * `RTCPeerConnection` call with offer/answer/ICE over plain `ws` through the bare relay
 * (bench/baselines/ws-relay.ts: `?id=<name>`, each frame JSON with `to`). No SDK, no simple-peer,
 * no server-side lifecycle. It takes the same steps, in the same order, as the SDK's call:
 * - the caller opens its camera and microphone, then rings (`place()` in the SDK does the same);
 * - the callee accepts: opens its media, makes its peer connection, says `accept`;
 * - the caller then makes its peer connection and offers, the callee answers, ICE trickles both ways;
 * - each side shows the remote stream in a `<video id="remote">` (where the benchmark's probe watches).
 */

/** What {@link BareCallApi.start} needs. */
export interface BareCallConfig {
  /** The relay's `ws://` URL. */
  relayUrl: string;
  /** This page's name on the relay and the peer's. */
  id: string;
  peer: string;
  iceServers: RTCIceServer[];
  /** `iceTransportPolicy: 'relay'` (TURN only). */
  relayOnly: boolean;
}

/** What the page exposes on `window.bare`. */
export interface BareCallApi {
  /** True on the callee once the caller rang. */
  ringing: boolean;
  /** Errors the page ran into (signaling, media, peer connection). */
  errors: string[];
  /** Connects to the relay; resolves once the socket is open. */
  start(config: BareCallConfig): Promise<void>;
  /** Caller: opens the camera and microphone, then rings the peer. */
  ring(): Promise<void>;
  /** Callee: opens the camera and microphone, makes the peer connection, says `accept`. */
  accept(): Promise<void>;
  /** Closes the peer connection, the media and the socket. */
  close(): void;
}

declare global {
  interface Window {
    bare: BareCallApi;
  }
}

type Signal = { type: 'ring' } | { type: 'accept' } | { type: 'description'; description: RTCSessionDescriptionInit } | { type: 'candidate'; candidate: RTCIceCandidateInit };

const MEDIA: MediaStreamConstraints = { audio: true, video: true };

let config: BareCallConfig | null = null;
let socket: WebSocket | null = null;
let pc: RTCPeerConnection | null = null;
let local: MediaStream | null = null;

function send(signal: Signal): void {
  socket!.send(JSON.stringify({ to: config!.peer, signal }));
}

function fail(error: unknown): void {
  api.errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}

/** Shows the remote stream in `<video id="remote">`, as the SDK's test page does. */
function showRemote(stream: MediaStream): void {
  let video = document.getElementById('remote') as HTMLVideoElement | null;
  if (!video) {
    video = document.createElement('video');
    video.id = 'remote';
    video.autoplay = video.muted = video.playsInline = true;
    video.width = 320;
    video.height = 240;
    document.body.append(video);
  }
  if (video.srcObject !== stream) video.srcObject = stream;
}

/** A peer connection carrying the local tracks, trickling its candidates to the peer. */
function peerConnection(): RTCPeerConnection {
  const c = config!;
  const connection = new RTCPeerConnection({ iceServers: c.iceServers, iceTransportPolicy: c.relayOnly ? 'relay' : 'all' });
  for (const track of local!.getTracks()) connection.addTrack(track, local!);
  connection.onicecandidate = (e) => e.candidate && send({ type: 'candidate', candidate: e.candidate.toJSON() });
  connection.ontrack = (e) => showRemote(e.streams[0] ?? new MediaStream([e.track]));
  return connection;
}

async function onSignal(signal: Signal): Promise<void> {
  switch (signal.type) {
    case 'ring':
      api.ringing = true;
      return;
    case 'accept': {
      pc = peerConnection();
      await pc.setLocalDescription(await pc.createOffer());
      send({ type: 'description', description: pc.localDescription!.toJSON() });
      return;
    }
    case 'description': {
      await pc!.setRemoteDescription(signal.description);
      if (signal.description.type === 'offer') {
        await pc!.setLocalDescription(await pc!.createAnswer());
        send({ type: 'description', description: pc!.localDescription!.toJSON() });
      }
      return;
    }
    case 'candidate':
      await pc!.addIceCandidate(signal.candidate);
      return;
  }
}

const api: BareCallApi = {
  ringing: false,
  errors: [],
  async start(c) {
    config = c;
    const ws = new WebSocket(`${c.relayUrl}/?id=${encodeURIComponent(c.id)}`);
    socket = ws;
    // Frames are handled one after another, so an ICE candidate never overtakes its description.
    let chain = Promise.resolve();
    ws.onmessage = (e) => {
      const { signal } = JSON.parse(String(e.data)) as { signal: Signal };
      chain = chain.then(() => onSignal(signal)).catch(fail);
    };
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error(`could not connect to ${c.relayUrl}`));
    });
  },
  async ring() {
    local = await navigator.mediaDevices.getUserMedia(MEDIA);
    send({ type: 'ring' });
  },
  async accept() {
    local = await navigator.mediaDevices.getUserMedia(MEDIA);
    pc = peerConnection();
    send({ type: 'accept' });
  },
  close() {
    pc?.close();
    for (const track of local?.getTracks() ?? []) track.stop();
    socket?.close();
  },
};

window.bare = api;
