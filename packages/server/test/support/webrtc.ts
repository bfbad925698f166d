import { createRequire } from 'node:module';
import type { IceServer } from '@quickchat/protocol';

/** Node WebRTC (@roamhq/wrtc, a prebuilt native module). CommonJS with no static named exports, hence require. */
const wrtc = createRequire(import.meta.url)('@roamhq/wrtc') as typeof import('@roamhq/wrtc');

/** What relay-only ICE gathering produced with some ICE servers. */
export interface Gathered {
  /** Candidate lines (`candidate:… typ relay …`). */
  candidates: string[];
  /** `icecandidateerror` events: a TURN server refusing the credential reports 401 here. */
  errors: { errorCode: number; url: string }[];
}

/** A new peer connection that may only use TURN relays, never host or server-reflexive paths. */
export function relayOnlyPeer(iceServers: IceServer[]): RTCPeerConnection {
  return new wrtc.RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay' });
}

/** Resolves when `pc` has finished gathering; rejects after `timeoutMs`. */
function gatheringDone(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const timer = setTimeout(() => reject(new Error(`ICE gathering not complete after ${timeoutMs} ms`)), timeoutMs);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState !== 'complete') return;
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Gathers relay candidates for one data channel's offer, to the end of gathering (bounded by `timeoutMs`). */
export async function gatherRelay(iceServers: IceServer[], timeoutMs = 10_000): Promise<Gathered> {
  const pc = relayOnlyPeer(iceServers);
  const gathered: Gathered = { candidates: [], errors: [] };
  pc.addEventListener('icecandidate', (e) => {
    if (e.candidate?.candidate) gathered.candidates.push(e.candidate.candidate);
  });
  pc.addEventListener('icecandidateerror', (e) => gathered.errors.push({ errorCode: e.errorCode, url: e.url }));
  try {
    pc.createDataChannel('probe');
    await pc.setLocalDescription(await pc.createOffer());
    await gatheringDone(pc, timeoutMs);
    return gathered;
  } finally {
    pc.close();
  }
}

/**
 * Connects two relay-only peers (offer and answer exchanged in-process, after full gathering) and
 * sends `text` over a data channel from the first to the second. Resolves with what arrived and
 * the candidate types of the pair each side selected.
 */
export async function relayDataChannel(a: IceServer[], b: IceServer[], text: string, timeoutMs = 10_000): Promise<{ received: string; selected: { local: string; remote: string }[] }> {
  const offerer = relayOnlyPeer(a);
  const answerer = relayOnlyPeer(b);
  try {
    const received = new Promise<string>((resolve) => {
      answerer.addEventListener('datachannel', (e) => e.channel.addEventListener('message', (m) => resolve(String(m.data))));
    });
    const channel = offerer.createDataChannel('chat');
    const opened = new Promise<void>((resolve) => channel.addEventListener('open', () => resolve()));
    await offerer.setLocalDescription(await offerer.createOffer());
    await gatheringDone(offerer, timeoutMs);
    await answerer.setRemoteDescription(offerer.localDescription!);
    await answerer.setLocalDescription(await answerer.createAnswer());
    await gatheringDone(answerer, timeoutMs);
    await offerer.setRemoteDescription(answerer.localDescription!);
    const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no data-channel message within ${timeoutMs} ms`)), timeoutMs).unref());
    await Promise.race([opened, deadline]);
    channel.send(text);
    const message = await Promise.race([received, deadline]);
    return { received: message, selected: [await selectedPair(offerer), await selectedPair(answerer)] };
  } finally {
    offerer.close();
    answerer.close();
  }
}

/** Candidate types (`host`, `srflx`, `relay`) of the pair a connected peer selected, from getStats. */
async function selectedPair(pc: RTCPeerConnection): Promise<{ local: string; remote: string }> {
  const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
  const transport = stats.find((s) => s['type'] === 'transport');
  const pair = stats.find((s) => s['type'] === 'candidate-pair' && (transport ? s['id'] === transport['selectedCandidatePairId'] : s['selected'] === true || s['nominated'] === true));
  const typeOf = (id: unknown) => String(stats.find((s) => s['id'] === id)?.['candidateType']);
  return { local: typeOf(pair?.['localCandidateId']), remote: typeOf(pair?.['remoteCandidateId']) };
}
