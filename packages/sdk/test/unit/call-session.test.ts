import { afterEach, describe, expect, it } from 'vitest';
import type { ServerFrame } from '@quickchat/protocol';
import type { CallSession } from '../../src/calls/index.js';
import { closeAll } from '../support/client.js';
import { flush, handshake, syncedFrame } from '../support/fakes.js';
import { ICE, STREAM, FakeTrack, fakeStream, manualTimers, setup, ringAndAccept, placed, frame, lastRequest, record, acceptedPeer } from '../support/call-session-fakes.js';

// CallSession on fakes: the lifecycle, rejoin, records, connect timeout, stats and track switching
// (network recovery: call-session-network.test.ts).
afterEach(closeAll);

describe('CallSession state machine (fakes)', () => {
  it('incoming: rings without media or peer; accept opens media, then one non-initiator peer; follows the call to its end; drops late signals', async () => {
    const t = await setup();
    const { incoming } = t;
    t.socket.deliver(frame());
    await flush();
    const [session] = incoming;
    expect(session).toMatchObject({ state: 'ringing', direction: 'incoming', peerId: 'bob' });
    expect([t.asked.length, t.peers.length]).toEqual([0, 0]);
    // ICE servers are fetched while it rings (accepting then waits only for media and the server).
    expect(t.rest.calls.filter((c) => c.path === '/api/turn-credentials')).toHaveLength(1);
    const log = record(session!);

    const accepting = session!.accept({ audio: true, video: false });
    await flush();
    expect(t.asked).toEqual([{ audio: true, video: false }]);
    expect(t.rest.calls.filter((c) => c.path === '/api/turn-credentials')).toHaveLength(1);
    t.socket.deliver(frame({ id: lastRequest(t.socket, 'accept'), state: 'accepted', here: true }) as ServerFrame);
    await accepting;
    expect(t.peers).toHaveLength(1);
    expect(t.peers[0]!.options).toMatchObject({ initiator: false, config: { iceServers: ICE }, streams: [STREAM] });

    t.socket.deliver({ type: 'signal', callId: session!.callId, fromUserId: 'bob', data: { type: 'offer', sdp: 'x' } });
    t.peers[0]!.emit('signal', { type: 'answer', sdp: 'y' });
    t.peers[0]!.emit('connect');
    const remote = { id: 'remote' };
    t.peers[0]!.emit('stream', remote);
    t.peers[0]!.emit('stream', remote);
    t.socket.deliver(frame({ state: 'connected', here: true }));
    await flush();
    expect(t.peers[0]!.fed).toEqual([{ type: 'offer', sdp: 'x' }]);
    expect(t.socket.frames('signal')).toEqual([{ type: 'signal', callId: session!.callId, data: { type: 'answer', sdp: 'y' } }]);
    expect(t.socket.frames('call').filter((f) => f['action'] === 'connected')).toHaveLength(1);
    expect(log.remote).toEqual(['remote']);

    t.socket.deliver(frame({ state: 'ended', outcome: 'completed', here: true }));
    t.socket.deliver({ type: 'signal', callId: session!.callId, fromUserId: 'bob', data: { candidate: 'late' } });
    await flush();
    expect(log.states).toEqual([
      { oldState: 'ringing', newState: 'connecting', code: 'accepted' },
      { oldState: 'connecting', newState: 'connected', code: 'peer_connected' },
      { oldState: 'connected', newState: 'ended', code: 'server_ended' },
    ]);
    expect(log.ended).toEqual([{ outcome: 'completed', code: 'server_ended' }]);
    expect(t.peers[0]!.destroyed).toBe(1);
    expect(t.peers[0]!.fed).toHaveLength(1);
    // The close the destroy caused is not a failure: no hang-up, no error.
    expect(t.socket.frames('call').filter((f) => f['action'] === 'hangup')).toEqual([]);
    expect(log.errors).toEqual([]);
    expect(t.calls.sessions.size).toBe(0);
  });

  it('outgoing: place resolves once ringing; the caller makes the one initiator peer after accept; a peer failure hangs up and destroys it once', async () => {
    const t = await setup();
    const placing = t.calls.place('bob', { audio: true, video: false });
    await flush();
    const invite = t.socket.frames('call').at(-1)!;
    expect(invite).toMatchObject({ action: 'invite', peerId: 'bob', media: { audio: true, video: false } });
    const mine = { callerId: 'alice', calleeId: 'bob' };
    t.socket.deliver(frame({ ...mine, id: invite['id'] as string, here: true }) as ServerFrame);
    const session = await placing;
    const log = record(session);
    expect(session).toMatchObject({ state: 'ringing', direction: 'outgoing', peerId: 'bob', localStream: STREAM });
    expect(t.peers).toHaveLength(0);

    t.socket.deliver(frame({ ...mine, state: 'accepted', here: true }));
    t.socket.deliver(frame({ ...mine, state: 'accepted', here: true }));
    await flush();
    expect(t.peers.map((p) => p.options.initiator)).toEqual([true]);

    t.peers[0]!.emit('error', new Error('ice failed'));
    await flush();
    expect(t.peers[0]!.destroyed).toBe(1);
    expect(log.errors).toEqual(['network']);
    const hangup = lastRequest(t.socket, 'hangup');
    t.socket.deliver(frame({ ...mine, id: hangup, state: 'ended', outcome: 'completed', here: true }) as ServerFrame);
    await flush();
    expect(log.ended).toEqual([{ outcome: 'completed', code: 'server_ended' }]);
    expect(t.peers).toHaveLength(1);
    expect(t.peers[0]!.destroyed).toBe(1);
  });

  it("a refused invite rejects place() with the server's code, stops the media it opened, and is not also the client's error event; other errors still are", async () => {
    const stops: string[] = [];
    const track = { kind: 'audio', stop: () => void stops.push('mic') } as unknown as MediaStreamTrack;
    const mic = { id: 'mic', getTracks: () => [track], getAudioTracks: () => [track], getVideoTracks: () => [] } as unknown as MediaStream;
    const t = await setup(undefined, mic);
    const clientErrors: string[] = [];
    t.client.on('error', ({ error }) => clientErrors.push(error.code));
    const placing = t.calls.place('mallory', { audio: true, video: false });
    await flush();
    const invite = lastRequest(t.socket, 'invite');
    expect(invite).toMatch(/^call:\d+$/);
    t.socket.deliver({ type: 'error', id: invite, code: 'not_found', message: 'no such user' });
    await expect(placing).rejects.toMatchObject({ code: 'not_found', message: 'no such user' });
    expect(stops).toEqual(['mic']);
    t.socket.deliver({ type: 'error', id: 'unrelated', code: 'validation', message: 'bad frame' });
    await flush();
    expect(clientErrors).toEqual(['validation']);
  });

  it('answered elsewhere: a ringing device stops ringing with no outcome, and never opens media or makes a peer', async () => {
    const t = await setup();
    const { incoming } = t;
    t.socket.deliver(frame());
    await flush();
    const log = record(incoming[0]!);
    t.socket.deliver(frame({ state: 'accepted', here: false }));
    t.socket.deliver(frame({ state: 'ended', outcome: 'completed', here: false }));
    await flush();
    expect(log.states).toEqual([{ oldState: 'ringing', newState: 'ended', code: 'answered_elsewhere' }]);
    expect(log.ended).toEqual([{ outcome: null, code: 'answered_elsewhere' }]);
    expect([t.asked.length, t.peers.length]).toEqual([0, 0]);
    await expect(incoming[0]!.accept({ audio: true, video: false })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('after a socket reconnect, a call in progress is rejoined and the signals produced offline are sent then; a refused rejoin ends it', async () => {
    const t = await setup();
    const incoming = [await ringAndAccept(t, 'c_abcdefgh12'), await ringAndAccept(t, 'c_zyxwvuts98')];
    const [kept, lost] = incoming as [CallSession, CallSession];
    const lostLog = record(lost);

    t.socket.serverClose(1006);
    t.peers[0]!.emit('signal', { candidate: 'offline' });
    t.clock.advance(1000);
    await flush();
    const next = t.ws.last();
    expect(next).not.toBe(t.socket);
    await handshake(next, 'alice');
    const rejoins = next.frames('call').filter((f) => f['action'] === 'rejoin');
    expect(rejoins.map((f) => f['callId'])).toEqual([kept.callId, lost.callId]);
    expect(next.frames('signal')).toEqual([]);
    next.deliver(frame({ id: rejoins[0]!['id'] as string, state: 'accepted', here: true }) as ServerFrame);
    next.deliver({ type: 'error', id: rejoins[1]!['id'] as string, code: 'not_found', message: 'no such call' });
    await flush();
    expect(next.frames('signal')).toEqual([{ type: 'signal', callId: kept.callId, data: { candidate: 'offline' } }]);
    expect(kept.state).toBe('connecting');
    expect(lostLog.ended).toEqual([{ outcome: null, code: 'rejoin_refused' }]);
    expect(t.peers.map((p) => p.destroyed)).toEqual([0, 1]);
  });

  it('rejoined: the caller restarts ICE after the other side rejoins and after its own rejoin; a peer that fails offline is hung up once rejoined', async () => {
    const t = await setup();
    const { session, mine } = await placed(t);
    const log = record(session);
    const peer = await acceptedPeer(t, mine);
    peer.emit('connect');
    t.socket.deliver(frame({ ...mine, state: 'connected', here: true }));
    await flush();
    expect(peer.restarts).toBe(0);

    // Bob rejoined: the server announces the call again in the same state.
    t.socket.deliver(frame({ ...mine, state: 'connected', here: true }));
    await flush();
    expect(peer.restarts).toBe(1);

    // Alice's socket drops; she rejoins on the next one (the call even moved on meanwhile).
    const reconnect = async () => {
      t.clock.advance(1000);
      await flush();
      const socket = t.ws.last();
      await handshake(socket, 'alice');
      return socket;
    };
    t.socket.serverClose(1006);
    const second = await reconnect();
    second.deliver(frame({ ...mine, id: lastRequest(second, 'rejoin'), state: 'connected', here: true }) as ServerFrame);
    await flush();
    expect(peer.restarts).toBe(2);
    expect(second.frames('call').filter((f) => f['action'] === 'hangup')).toEqual([]);

    // Offline again, the peer fails: it is destroyed, and the session waits to hang up once back.
    second.serverClose(1006);
    peer.emit('error', new Error('ice failed'));
    await flush();
    expect([peer.destroyed, session.state, log.ended.length]).toEqual([1, 'connected', 0]);
    const third = await reconnect();
    third.deliver(frame({ ...mine, id: lastRequest(third, 'rejoin'), state: 'connected', here: true }) as ServerFrame);
    await flush();
    const hangup = lastRequest(third, 'hangup');
    expect(peer.restarts).toBe(2);
    third.deliver(frame({ ...mine, id: hangup, state: 'ended', outcome: 'completed', here: true }) as ServerFrame);
    await flush();
    expect(log.ended).toEqual([{ outcome: 'completed', code: 'server_ended' }]);
    expect([t.peers.length, peer.destroyed]).toEqual([1, 1]);
  });

  it('a call that ended while this device was away: its record gives the outcome; with no record by the end of the catch-up, none', async () => {
    const t = await setup();
    const incoming = [await ringAndAccept(t, 'c_abcdefgh12'), await ringAndAccept(t, 'c_zyxwvuts98')];
    const [recorded, unrecorded] = incoming as [CallSession, CallSession];
    const logs = [record(recorded), record(unrecorded)];

    t.socket.serverClose(1006);
    t.clock.advance(1000);
    await flush();
    const next = t.ws.last();
    // The catch-up brings the record of the first call (written by the server when its grace ran out).
    const content = { type: 'call', callId: recorded.callId, callerId: 'bob', outcome: 'failed', media: { audio: true, video: false }, durationMs: 5 } as const;
    const message = { id: 'm_1', conversationId: 'dm:alice~bob', seq: 1, senderId: 'bob', clientMsgId: `call:${recorded.callId}`, createdAt: 2, content } as const;
    await handshake(next, 'alice', syncedFrame([{ lastSeq: 1, messages: [message] }]));
    const rejoins = next.frames('call').filter((f) => f['action'] === 'rejoin');
    for (const r of rejoins) next.deliver({ type: 'error', id: r['id'] as string, code: 'not_found', message: 'no such call' });
    await flush();
    expect(logs.map((l) => l.ended)).toEqual([[{ outcome: 'failed', code: 'server_ended' }], [{ outcome: null, code: 'rejoin_refused' }]]);
    expect(t.peers.map((p) => p.destroyed)).toEqual([1, 1]);
  });

  it('hangs up an accepted call whose peer does not connect within connectTimeoutMs, saying why; a call that connects in time is left alone', async () => {
    const timers = manualTimers();
    const { pending } = timers;
    const t = await setup(timers);
    const session = await ringAndAccept(t);
    const log = record(session);
    const timer = pending.find((p) => p.ms === 20_000)!;
    expect(timer.cleared).toBe(false);
    timer.cb();
    await flush();
    expect(log.errors).toEqual(['timeout']);
    expect(t.peers[0]!.destroyed).toBe(1);
    const hangup = lastRequest(t.socket, 'hangup');
    t.socket.deliver(frame({ id: hangup, state: 'ended', outcome: 'failed', here: true }) as ServerFrame);
    await flush();
    expect(log.ended).toEqual([{ outcome: 'failed', code: 'server_ended' }]);
    expect(t.peers[0]!.destroyed).toBe(1);

    // A second call that connects in time: its timer is cleared, nothing is hung up.
    const second = await ringAndAccept(t, 'c_secondcall1');
    t.peers[1]!.emit('connect');
    expect(pending.filter((p) => p.ms === 20_000).at(-1)!.cleared).toBe(true);
    expect(second.state).toBe('connected');
  });

  it('emits stats every statsIntervalMs while connected (rtt, outgoing bitrate and inbound loss from deltas), and stops at the end', async () => {
    const timers = manualTimers();
    const t = await setup(timers);
    const session = await ringAndAccept(t);
    const stats: unknown[] = [];
    session.on('stats', (s) => stats.push(s));
    const peer = t.peers[0]!;
    expect(timers.pending.filter((p) => p.ms === 5000)).toEqual([]);
    peer.emit('connect');
    const report = (at: number, rtt: number, bytesSent: number, packetsLost: number, packetsReceived: number) =>
      new Map<string, unknown>([
        ['T1', { id: 'T1', type: 'transport', timestamp: at, selectedCandidatePairId: 'P1' }],
        ['P0', { id: 'P0', type: 'candidate-pair', timestamp: at, state: 'succeeded', currentRoundTripTime: 9 }],
        ['P1', { id: 'P1', type: 'candidate-pair', timestamp: at, state: 'succeeded', currentRoundTripTime: rtt }],
        ['O1', { id: 'O1', type: 'outbound-rtp', timestamp: at, bytesSent }],
        ['I1', { id: 'I1', type: 'inbound-rtp', timestamp: at, packetsLost, packetsReceived }],
      ]) as unknown as RTCStatsReport;
    peer.reports.push(report(1000, 0.05, 1000, 0, 100), report(6000, 0.08, 63_500, 5, 195));
    const tick = async () => {
      const next = timers.pending.filter((p) => p.ms === 5000 && !p.cleared).at(-1)!;
      next.cb();
      await flush();
    };
    await tick();
    expect(stats).toEqual([{ rttMs: 50 }]);
    await tick();
    expect(stats[1]).toEqual({ rttMs: 80, bitrateKbps: 100, packetLoss: 0.05 });
    expect(timers.pending.filter((p) => p.ms === 5000)).toHaveLength(3);

    t.socket.deliver(frame({ state: 'ended', outcome: 'completed', here: true }));
    await flush();
    expect(timers.pending.filter((p) => p.ms === 5000).at(-1)!.cleared).toBe(true);
    timers.pending.at(-1)!.cb();
    await flush();
    expect([stats.length, peer.statsReads]).toEqual([2, 2]);
  });

  it('switchInput and screen share replace the sent track on its sender (no renegotiation), keep localStream current, and stop only the tracks the session opened', async () => {
    const [mic, cam, mic2, mic3, cam2, screen, screen2] = [
      new FakeTrack('audio', 'mic'),
      new FakeTrack('video', 'cam'),
      new FakeTrack('audio', 'mic2'),
      new FakeTrack('audio', 'mic3'),
      new FakeTrack('video', 'cam2'),
      new FakeTrack('video', 'screen'),
      new FakeTrack('video', 'screen2'),
    ];
    const local = fakeStream('local', mic, cam);
    const t = await setup(undefined, local);
    const placing = t.calls.place('bob', { audio: true, video: true });
    await flush();
    const mine = { callerId: 'alice', calleeId: 'bob', media: { audio: true, video: true } };
    t.socket.deliver(frame({ ...mine, id: lastRequest(t.socket, 'invite'), here: true }) as ServerFrame);
    const session = await placing;
    const shown: string[][] = [];
    session.on('localStream', ({ stream }) => shown.push(stream.getTracks().map((x) => x.id)));
    const sent = () => session.localStream!.getTracks().map((x) => x.id);

    // Before the peer exists, the stream it will be made with changes; the session's own microphone is stopped.
    session.setAudioEnabled(false);
    session.switchInput('audio', mic2 as unknown as MediaStreamTrack);
    expect([sent(), mic.stops, mic2.enabled]).toEqual([['cam', 'mic2'], 1, false]);
    const peer = await acceptedPeer(t, mine);
    expect(peer.options.streams).toEqual([local]);
    peer.emit('connect');
    const signalsBefore = t.socket.frames('signal').length;

    // Connected: the peer's sender swaps the track; the app's microphone (mic2) is not stopped.
    session.switchInput('audio', mic3 as unknown as MediaStreamTrack);
    session.shareScreen(fakeStream('screen', screen));
    expect(sent()).toEqual(['mic3', 'screen']);
    session.switchInput('video', cam2 as unknown as MediaStreamTrack); // replaces the camera put aside
    expect(session.stopScreenShare()).toBe(true);
    expect(session.stopScreenShare()).toBe(false);
    session.shareScreen(fakeStream('screen2', screen2));
    screen2.end(); // the browser's "Stop sharing"
    const ids = (x: unknown) => (x as FakeTrack).id;
    expect(peer.replaced.map(([a, b, s]) => [ids(a), ids(b), s])).toEqual([
      ['mic2', 'mic3', local],
      ['cam', 'screen', local],
      ['screen', 'cam2', local],
      ['cam2', 'screen2', local],
      ['screen2', 'cam2', local],
    ]);
    expect(sent()).toEqual(['mic3', 'cam2']);
    expect(shown).toEqual([['cam', 'mic2'], ['cam', 'mic3'], ['mic3', 'screen'], ['mic3', 'cam2'], ['mic3', 'screen2'], ['mic3', 'cam2']]);
    expect([mic.stops, cam.stops, mic2.stops, mic3.stops, cam2.stops, screen.stops, screen2.stops]).toEqual([1, 1, 0, 0, 0, 0, 0]);
    // No renegotiation: no new offer asked of the peer, nothing signalled.
    expect([peer.negotiations, peer.restarts, t.socket.frames('signal').length, t.peers.length]).toEqual([0, 0, signalsBefore, 1]);

    t.socket.deliver(frame({ ...mine, state: 'ended', outcome: 'completed', here: true }));
    await flush();
    expect([cam.stops, mic3.stops, cam2.stops]).toEqual([1, 0, 0]);
    expect(() => session.switchInput('audio', mic as unknown as MediaStreamTrack)).toThrow(expect.objectContaining({ code: 'conflict' }));
  });

  it('screen share and switching need a track of that kind to replace (no renegotiation): refused on an audio-only call', async () => {
    const t = await setup(undefined, fakeStream('local', new FakeTrack('audio', 'mic')));
    const placing = t.calls.place('bob', { audio: true, video: false });
    await flush();
    t.socket.deliver(frame({ callerId: 'alice', calleeId: 'bob', id: lastRequest(t.socket, 'invite'), here: true }) as ServerFrame);
    const session = await placing;
    expect(() => session.shareScreen(fakeStream('screen', new FakeTrack('video', 'screen')))).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(() => session.shareScreen(fakeStream('empty'))).toThrow(expect.objectContaining({ code: 'validation' }));
    expect(() => session.switchInput('video', new FakeTrack('video', 'cam') as unknown as MediaStreamTrack)).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(session.localStream!.getTracks().map((x) => x.id)).toEqual(['mic']);
  });
});
