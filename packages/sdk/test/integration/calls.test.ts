import { afterEach, describe, expect, it } from 'vitest';
import { notLoopbackOnly } from '../../../server/test/support/loopback-only.js';
import type { ChatClient } from '../../src/index.js';
import { audioArrives, callDevice, cleanPeers, endedOutcome, fakeMicrophone, incoming, next, reaches, recordedOnce, stopFeeding } from '../support/calls.js';
import { clientMaker, startServerForSdk, usePair, type Pair, type TestUser } from '../support/sdk-server.js';

/**
 * Calls between SDK clients over the real server, with real peer connections (simple-peer over
 * @roamhq/wrtc): accept with audio flowing, decline, busy, missed, cancelled, answered elsewhere,
 * hang-up from each side followed at once by a fresh call, an invite flood. Every peer is counted through the
 * injected factory: made only after an accept, destroyed exactly once, never signalled after.
 * WebRTC gathers candidates on every interface, so this runs only in a loopback-only namespace.
 */
const skip = notLoopbackOnly();
if (skip) console.log(`[calls] skipped: ${skip}`);

const RING_TIMEOUT_MS = 1500;
const clients: ChatClient[] = [];
let pair: Pair;
const start = () => startServerForSdk({ limits: { messagesPerSecond: 5000, messageBurst: 5000, authAttemptsPerMinute: 1000, callRingTimeoutMs: RING_TIMEOUT_MS } });
afterEach(stopFeeding);

/** A signed-in client of `user` with its calls manager, its peers and its media requests. */
const device = (user: TestUser, mic: 'mic' | 'none' = 'none', statsIntervalMs?: number) =>
  callDevice(clientMaker(clients, () => pair.t)(user), user, mic, statsIntervalMs ? { statsIntervalMs } : {});

describe.skipIf(skip !== null)('calls between SDK clients (WebRTC, loopback only)', () => {
  usePair(clients, (p) => (pair = p), { start });

  it('accept: audio flows both ways; hang-up from either side ends it for both; a second call at once gets fresh peers', async () => {
    const alice = await device(pair.alice, 'mic');
    const bob = await device(pair.bob, 'mic');

    for (const [round, hangsUp] of [[1, 'caller'], [2, 'callee']] as const) {
      const ringing = incoming(bob.calls);
      const call = await alice.calls.place(pair.bob.id, { audio: true, video: false });
      expect(call).toMatchObject({ state: 'ringing', direction: 'outgoing', peerId: pair.bob.id });
      expect(call.localStream?.getAudioTracks()).toHaveLength(1);
      const answer = await ringing;
      expect(answer).toMatchObject({ callId: call.callId, state: 'ringing', direction: 'incoming', peerId: pair.alice.id });
      // Ringing opened nothing on the callee's side, and made no peer on either.
      expect(bob.asked).toHaveLength(round - 1);
      expect([alice.peers.length, bob.peers.length]).toEqual([round - 1, round - 1]);

      const remoteAtAlice = next(call, 'remoteStream');
      const remoteAtBob = next(answer, 'remoteStream');
      const streams: string[] = [];
      for (const s of [call, answer]) s.on('remoteStream', ({ stream }) => streams.push(`${s.direction}:${stream.id}`));
      await answer.accept({ audio: true, video: false });
      expect(bob.asked).toHaveLength(round);
      await Promise.all([reaches(call, 'connected'), reaches(answer, 'connected')]);
      const [{ stream: atAlice }, { stream: atBob }] = await Promise.all([remoteAtAlice, remoteAtBob]);
      await Promise.all([audioArrives(atAlice), audioArrives(atBob)]);
      // One fresh peer each for this call, the caller's the initiator; each stream announced once.
      expect(alice.peers.map((p) => p.initiator)).toEqual(Array(round).fill(true));
      expect(bob.peers.map((p) => p.initiator)).toEqual(Array(round).fill(false));
      expect(new Set(streams).size).toBe(streams.length);
      // Mute and unmute act on the track this call sends.
      expect(call.setAudioEnabled(false)).toBe(true);
      expect(call.localStream!.getAudioTracks()[0]!.enabled).toBe(false);
      expect(call.setVideoEnabled(false)).toBe(false);
      call.setAudioEnabled(true);

      await (hangsUp === 'caller' ? call : answer).hangUp();
      expect(await Promise.all([endedOutcome(call), endedOutcome(answer)])).toEqual(['completed', 'completed']);
      cleanPeers([...alice.peers, ...bob.peers]);
      // The media each side opened is released with the call.
      expect(call.localStream).toBeNull();
      expect(alice.calls.sessions.size + bob.calls.sessions.size).toBe(0);
      await recordedOnce([alice, bob], [pair.alice, pair.bob], call.callId, 'completed');
    }
  });

  it('decline: both sides end as declined; the callee never opened media; no peer was made', async () => {
    const alice = await device(pair.alice);
    const bob = await device(pair.bob);
    const ringing = incoming(bob.calls);
    const call = await alice.calls.place(pair.bob.id, { audio: true, video: true });
    const answer = await ringing;
    await answer.decline();
    expect(await Promise.all([endedOutcome(call), endedOutcome(answer)])).toEqual(['declined', 'declined']);
    expect(bob.asked).toEqual([]);
    expect([alice.peers.length, bob.peers.length]).toEqual([0, 0]);
    await recordedOnce([alice, bob], [pair.alice, pair.bob], call.callId, 'declined');
  });

  it('cancelled before an answer, and missed when nobody answers within the ring timeout', async () => {
    const alice = await device(pair.alice);
    const bob = await device(pair.bob);

    let ringing = incoming(bob.calls);
    const cancelled = await alice.calls.place(pair.bob.id, { audio: true, video: false });
    const cancelledThere = await ringing;
    await cancelled.hangUp();
    expect(await Promise.all([endedOutcome(cancelled), endedOutcome(cancelledThere)])).toEqual(['cancelled', 'cancelled']);

    ringing = incoming(bob.calls);
    const missed = await alice.calls.place(pair.bob.id, { audio: true, video: false });
    const missedThere = await ringing;
    expect(await Promise.all([endedOutcome(missed, RING_TIMEOUT_MS + 5000), endedOutcome(missedThere, RING_TIMEOUT_MS + 5000)])).toEqual(['missed', 'missed']);

    expect([alice.peers.length, bob.peers.length, bob.asked.length]).toEqual([0, 0, 0]);
    await recordedOnce([alice, bob], [pair.alice, pair.bob], cancelled.callId, 'cancelled');
    await recordedOnce([alice, bob], [pair.alice, pair.bob], missed.callId, 'missed');
  });

  it('an invite flood: past the per-user invite limit place() rejects with rate_limited and a retry time, nothing rings, and it is not also a client error', async () => {
    const alice = await device(pair.alice);
    const bob = await device(pair.bob);
    const clientErrors: string[] = [];
    alice.client.on('error', ({ error }) => clientErrors.push(error.code));
    let rings = 0;
    bob.calls.on('incoming', () => rings++);
    const limit = alice.client.limits.getState()?.calls.invitesPerMinute ?? 0;
    expect(limit).toBeGreaterThan(0);
    for (let i = 0; i < limit; i++) {
      const call = await alice.calls.place(pair.bob.id, { audio: true, video: false });
      await call.hangUp();
      expect(await endedOutcome(call)).toBe('cancelled');
    }
    const refused = await alice.calls.place(pair.bob.id, { audio: true, video: false }).then(
      () => null,
      (error: { code: string; retryAfterMs?: number }) => error,
    );
    expect(refused).toMatchObject({ code: 'rate_limited' });
    expect(refused!.retryAfterMs).toBeGreaterThan(0);
    expect(alice.calls.sessions.size).toBe(0);
    expect(rings).toBe(limit);
    expect(clientErrors).toEqual([]);
  });

  it('busy: a callee already in a call ends a new call at once as busy, for the caller only', async () => {
    const carolUser = await pair.rest.register('carol');
    await pair.rest.befriend(carolUser, pair.bob);
    const alice = await device(pair.alice);
    const bob = await device(pair.bob);
    const carol = await device(carolUser);
    let carolRang = 0;
    carol.calls.on('incoming', () => carolRang++);

    const ringing = incoming(bob.calls);
    const call = await alice.calls.place(pair.bob.id, { audio: true, video: false });
    const answer = await ringing;
    await answer.accept({ audio: true, video: false });
    await Promise.all([reaches(call, 'connected'), reaches(answer, 'connected')]);

    let bobRang = 0;
    bob.calls.on('incoming', () => bobRang++);
    const busy = await carol.calls.place(pair.bob.id, { audio: true, video: false });
    expect(await endedOutcome(busy)).toBe('busy');
    expect([carol.peers.length, bobRang, carolRang]).toEqual([0, 0, 0]);
    expect(answer.state).toBe('connected');

    await answer.hangUp();
    expect(await Promise.all([endedOutcome(call), endedOutcome(answer)])).toEqual(['completed', 'completed']);
    cleanPeers([...alice.peers, ...bob.peers]);
    await recordedOnce([carol], [carolUser, pair.bob], busy.callId, 'busy');
  });

  it('answered elsewhere: the first device to accept takes the call; the other stops ringing and never makes a peer', async () => {
    const alice = await device(pair.alice);
    const phone = await device(pair.bob);
    const laptop = await device(pair.bob);
    const [ringPhone, ringLaptop] = [incoming(phone.calls), incoming(laptop.calls)];
    const call = await alice.calls.place(pair.bob.id, { audio: true, video: false });
    const [atPhone, atLaptop] = await Promise.all([ringPhone, ringLaptop]);

    const laptopEnded = next(atLaptop, 'ended');
    await atPhone.accept({ audio: true, video: false });
    expect(await laptopEnded).toMatchObject({ outcome: null, code: 'answered_elsewhere' });
    await expect(atLaptop.accept({ audio: true, video: false })).rejects.toMatchObject({ code: 'conflict' });
    await Promise.all([reaches(call, 'connected'), reaches(atPhone, 'connected')]);
    expect([alice.peers.length, phone.peers.length, laptop.peers.length, laptop.asked.length]).toEqual([1, 1, 0, 0]);

    await call.hangUp();
    expect(await Promise.all([endedOutcome(call), endedOutcome(atPhone)])).toEqual(['completed', 'completed']);
    cleanPeers([...alice.peers, ...phone.peers]);
    await recordedOnce([alice, phone, laptop], [pair.alice, pair.bob], call.callId, 'completed');
  });

  it('switchInput: a new microphone replaces the sent track without renegotiation, audio keeps flowing, the old one is stopped; stats report it', async () => {
    const alice = await device(pair.alice, 'mic', 300);
    const bob = await device(pair.bob, 'mic', 300);
    const ringing = incoming(bob.calls);
    const call = await alice.calls.place(pair.bob.id, { audio: true, video: false });
    const answer = await ringing;
    const remoteAtBob = next(answer, 'remoteStream');
    await answer.accept({ audio: true, video: false });
    await Promise.all([reaches(call, 'connected'), reaches(answer, 'connected')]);
    const { stream: atBob } = await remoteAtBob;
    await audioArrives(atBob);
    const sdp = () => [...alice.peers[0]!.produced, ...bob.peers[0]!.produced].filter((s) => ['offer', 'answer', 'renegotiate', 'transceiverRequest'].includes(s['type'] as string)).length;
    const sdpBefore = sdp();

    const [oldMic] = call.localStream!.getAudioTracks() as [MediaStreamTrack];
    const [newMic] = fakeMicrophone().getAudioTracks() as [MediaStreamTrack];
    const shown = next(call, 'localStream');
    call.switchInput('audio', newMic);
    expect((await shown).stream.getAudioTracks()).toEqual([newMic]);
    expect(oldMic.readyState).toBe('ended');
    // Bytes still go out from the new microphone (the old one is stopped: it sends nothing), and arrive.
    await next(call, 'stats');
    expect((await next(call, 'stats')).bitrateKbps).toBeGreaterThan(1); // a sample wholly after the switch
    const received = (await next(answer, 'stats')) && (await next(answer, 'stats'));
    expect(received.rttMs).toBeGreaterThanOrEqual(0);
    expect(received.packetLoss).toBeDefined();
    await audioArrives(atBob);
    // Replaced on the sender: no new offer or answer, no renegotiation.
    expect([alice.peers[0]!.replacedTracks, alice.peers[0]!.negotiations]).toEqual([1, 0]);
    expect(sdp()).toBe(sdpBefore);

    await call.hangUp();
    expect(await Promise.all([endedOutcome(call), endedOutcome(answer)])).toEqual(['completed', 'completed']);
    cleanPeers([...alice.peers, ...bob.peers]);
    newMic.stop();
  });
});
