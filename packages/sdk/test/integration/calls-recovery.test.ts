import { afterEach, describe, expect, it } from 'vitest';
import type { SignalEventFrame } from '@quickchat/protocol';
import { notLoopbackOnly } from '../../../server/test/support/loopback-only.js';
import { fullJitterBackoff, type ChatClient, type ClientOptions, type QuickchatError } from '../../src/index.js';
import type { CallSession, PeerSignal } from '../../src/calls/index.js';
import type { FrameHook } from '../../src/extension/frame-hook.js';
import { audioArrives, callDevice, cleanPeers, connectedCall, endedOutcome, incoming, next, reaches, recordedOnce, stopFeeding, type CallDevice, type PeerRecord } from '../support/calls.js';
import { clientMaker, startServerForSdk, until, usePair, type Pair, type TestUser } from '../support/sdk-server.js';
import { trackedWebSocket, type TrackedWebSocket } from './helpers.js';

/**
 * Calls that outlive their sockets, and signaling nobody bound to the call may send: a socket
 * destroyed mid-call (no close frame) and back within the server's grace (rejoin, ICE restart
 * by the initiator, audio flowing again), one that stays away past it (`failed` on both sides,
 * one record), and forged `signal`s from a third user, from the callee's other device and after
 * the hang-up. Real server, simple-peer over @roamhq/wrtc: loopback-only namespace only.
 */
const skip = notLoopbackOnly();
if (skip) console.log(`[calls-recovery] skipped: ${skip}`);

const GRACE_MS = 2000;
const clients: ChatClient[] = [];
let pair: Pair;
const start = () => startServerForSdk({ limits: { messagesPerSecond: 5000, messageBurst: 5000, authAttemptsPerMinute: 1000, callGraceMs: GRACE_MS } });
afterEach(stopFeeding);

/** The client's WebSocket: tracked (its live socket can be destroyed), and kept away while `gate.away` (new sockets dial a closed port). */
function gatedSockets(): TrackedWebSocket & { gate: { away: boolean } } {
  const tracked = trackedWebSocket();
  const gate = { away: false };
  const Tracked = tracked.WebSocket as unknown as new (url: string) => object;
  class Gated extends Tracked {
    constructor(url: string) {
      super(gate.away ? 'ws://127.0.0.1:9/' : url);
    }
  }
  return { ...tracked, WebSocket: Gated as unknown as ClientOptions['WebSocket'], gate };
}

/** A device whose socket the test controls; it reconnects within a few hundred ms. */
async function device(user: TestUser, mic: 'mic' | 'none' = 'mic') {
  const sockets = gatedSockets();
  const client = clientMaker(clients, () => pair.t)(user, { WebSocket: sockets.WebSocket, reconnectPolicy: fullJitterBackoff({ baseMs: 50, maxMs: 200 }) });
  return { ...(await callDevice(client, user, mic)), sockets };
}

/** The ICE username fragments of a peer's produced or fed SDP of `type`, in order. */
function ufrags(signals: PeerSignal[], type: 'offer' | 'answer'): string[] {
  return signals.filter((s) => s['type'] === type).map((s) => /a=ice-ufrag:(\S+)/.exec(String(s['sdp']))?.[1] ?? '?');
}

/** The peer's RTCPeerConnection ICE state right now (through simple-peer). */
const iceUp = (peer: PeerRecord) => ['connected', 'completed'].includes(peer.ice.at(-1) ?? '');

/** Every state change of the sessions, as `direction:newState:code`. */
function transitions(...sessions: CallSession[]): string[] {
  const log: string[] = [];
  for (const s of sessions) s.on('state', ({ newState, code }) => log.push(`${s.direction}:${newState}:${code}`));
  return log;
}

/** Raw frames from a client's own socket, through its frame hook (what an app or a hostile script could send). */
function rawHook(client: ChatClient): FrameHook {
  let hook: FrameHook | undefined;
  client.attach((h) => void (hook = h));
  return hook!;
}

/** The `not_found` errors a client reported (refused frames it sent raw). */
function refusals(client: ChatClient): string[] {
  const codes: string[] = [];
  client.on('error', ({ error }: { error: QuickchatError }) => void codes.push(error.code));
  return codes;
}

describe.skipIf(skip !== null)('calls across socket drops, and forged signaling (WebRTC, loopback only)', () => {
  usePair(clients, (p) => (pair = p), { start });

  it('a socket destroyed mid-call and back within the grace: the call is rejoined and stays connected; the caller restarts ICE and audio flows again (callee dropped, then caller)', async () => {
    const alice = await device(pair.alice);
    const bob = await device(pair.bob);
    const { call, answer, atAlice, atBob } = await connectedCall(alice, bob);
    const changes = transitions(call, answer);
    const [offerer] = alice.peers as [PeerRecord];
    const [answerer] = bob.peers as [PeerRecord];

    for (const [round, dropped] of [[1, bob], [2, alice]] as const) {
      const sockets = dropped.sockets.sockets.length;
      expect(dropped.sockets.destroyLive()).toBe(true);
      await until(dropped.client, () => dropped.sockets.sockets.length > sockets && dropped.client.connectionState === 'connected', 10_000, `${dropped.user.handle} back`);
      // The new socket rejoined the call.
      const rejoins = dropped.sockets.sent.get(dropped.sockets.live()!)!.map((raw) => JSON.parse(raw) as Record<string, unknown>).filter((f) => f['action'] === 'rejoin');
      expect(rejoins.map((f) => f['callId'])).toEqual([call.callId]);

      // The initiator (alice) made a new offer with fresh ICE credentials, bob answered with fresh ones, and ICE is up again.
      await until(alice.client, () => ufrags(offerer.fed, 'answer').length === round + 1 && iceUp(offerer) && iceUp(answerer), 10_000, `the ICE restart of round ${round}`);
      expect(offerer.negotiations).toBe(round);
      expect(answerer.negotiations).toBe(0);
      const offers = ufrags(offerer.produced, 'offer');
      const answers = ufrags(answerer.produced, 'answer');
      expect([offers.length, new Set(offers).size, answers.length, new Set(answers).size]).toEqual([round + 1, round + 1, round + 1, round + 1]);
      expect(ufrags(answerer.fed, 'offer')).toEqual(offers);
      // Audio flows both ways after the restart, on the same streams.
      await Promise.all([audioArrives(atAlice), audioArrives(atBob)]);
    }
    // Neither session ever left `connected`; still one peer each.
    expect(changes).toEqual([]);
    expect([call.state, answer.state, alice.peers.length, bob.peers.length]).toEqual(['connected', 'connected', 1, 1]);

    await answer.hangUp();
    expect(await Promise.all([endedOutcome(call), endedOutcome(answer)])).toEqual(['completed', 'completed']);
    cleanPeers([...alice.peers, ...bob.peers]);
    await recordedOnce([alice, bob], [pair.alice, pair.bob], call.callId, 'completed');
  });

  it('a socket destroyed mid-call that stays away past the grace: both sides end with the server outcome (failed), the one who was away once back; one record', async () => {
    const alice = await device(pair.alice);
    const bob = await device(pair.bob);
    const { call, answer } = await connectedCall(alice, bob);
    const bobEnded = next(answer, 'ended', GRACE_MS + 20_000);

    bob.sockets.gate.away = true;
    expect(bob.sockets.destroyLive()).toBe(true);
    expect(await endedOutcome(call, GRACE_MS + 10_000)).toBe('failed');
    // Away, bob can't hear how it ended: his session waits (its peer may already be closed) and does not guess.
    expect(answer.state).not.toBe('ended');

    bob.sockets.gate.away = false;
    expect(await bobEnded).toMatchObject({ outcome: 'failed', code: 'server_ended' });
    expect(answer.outcome).toBe('failed');
    expect(alice.calls.sessions.size + bob.calls.sessions.size).toBe(0);
    cleanPeers([...alice.peers, ...bob.peers]);
    await recordedOnce([alice, bob], [pair.alice, pair.bob], call.callId, 'failed');
  });

  it('forged signals, from a third user and from the callee\'s other device, reach no peer and leave the call as it is; after the hang-up, late signals never touch the destroyed peers', async () => {
    const carolUser = await pair.rest.register('carol');
    await pair.rest.befriend(carolUser, pair.alice);
    const alice = await device(pair.alice);
    const phone = await device(pair.bob);
    const laptop = await device(pair.bob, 'none');
    const carol = await device(carolUser, 'none');
    const laptopRang = incoming(laptop.calls);
    const { call, answer, atAlice, atBob } = await connectedCall(alice, phone);
    expect(await endedOutcome(await laptopRang)).toBeNull(); // answered elsewhere
    const changes = transitions(call, answer);

    const forged = (from: string, n: number): PeerSignal[] => [
      { type: 'offer', sdp: `v=0\r\no=forged-${from}-${n} 1 1 IN IP4 127.0.0.1\r\n` },
      { candidate: { candidate: `candidate:1 1 udp 1 127.0.0.1 9 typ host forged-${from}-${n}`, sdpMid: '0', sdpMLineIndex: 0 } },
      { renegotiate: true, forged: `${from}-${n}` },
    ];
    const isForged = (s: PeerSignal) => JSON.stringify(s).includes('forged');
    const senders = [
      { who: 'carol', device: carol },
      { who: 'laptop', device: laptop },
    ];
    for (const { who, device: d } of senders) {
      const refused = refusals(d.client);
      const hook = rawHook(d.client);
      const frames = forged(who, 1);
      frames.forEach((data, i) => expect(hook.send({ type: 'signal', id: `forged-${who}-${i}`, callId: call.callId, data })).toBe(true));
      await until(d.client, () => refused.length === frames.length, 10_000, `${who}'s forged signals refused`);
      expect(refused).toEqual(frames.map(() => 'not_found'));
    }
    // Even relayed (a misrouting server), a signal from someone outside the call is dropped by the SDK.
    const phoneSocket = phone.sockets.live() as unknown as { onmessage: (event: { data: string }) => void };
    for (const data of forged('relayed', 1)) phoneSocket.onmessage({ data: JSON.stringify({ type: 'signal', callId: call.callId, fromUserId: carolUser.id, data } satisfies SignalEventFrame) });
    // No forged signal reached a peer; nobody else made a peer; the call went on untouched, audio still flowing.
    for (const p of [...alice.peers, ...phone.peers]) expect(p.fed.filter(isForged)).toEqual([]);
    expect([alice.peers.length, phone.peers.length, laptop.peers.length, carol.peers.length]).toEqual([1, 1, 0, 0]);
    await Promise.all([audioArrives(atAlice), audioArrives(atBob)]);
    expect(changes).toEqual([]);

    await call.hangUp();
    expect(await Promise.all([endedOutcome(call), endedOutcome(answer)])).toEqual(['completed', 'completed']);
    const fedAtEnd = [...alice.peers, ...phone.peers].map((p) => p.fed.length);

    // Late: alice's own (formerly bound) socket signals the ended call: refused by the server.
    const refused = refusals(alice.client);
    expect(rawHook(alice.client).send({ type: 'signal', id: 'late-1', callId: call.callId, data: { candidate: { candidate: 'late' } } })).toBe(true);
    await until(alice.client, () => refused.length === 1, 10_000, 'the late signal refused');
    expect(refused).toEqual(['not_found']);
    // Late: a signal the server relayed just before the end, arriving after it at the phone: dropped by the SDK.
    const late: SignalEventFrame = { type: 'signal', callId: call.callId, fromUserId: pair.alice.id, data: { candidate: { candidate: 'late relayed' } } };
    phoneSocket.onmessage({ data: JSON.stringify(late) });
    await until(phone.client, () => phone.client.connectionState === 'connected', 5_000, 'phone still connected');
    expect([...alice.peers, ...phone.peers].map((p) => p.fed.length)).toEqual(fedAtEnd);
    cleanPeers([...alice.peers, ...phone.peers]);
    await recordedOnce([alice, phone, laptop], [pair.alice, pair.bob], call.callId, 'completed');
  });
});
