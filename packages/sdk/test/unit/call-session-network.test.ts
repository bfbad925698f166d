import { afterEach, describe, expect, it } from 'vitest';
import { closeAll } from '../support/client.js';
import { flush } from '../support/fakes.js';
import { ICE, STREAM, manualTimers, setup, ringAndAccept, placed, frame, record, acceptedPeer } from '../support/call-session-fakes.js';

// CallSession on fakes: ICE restarts when a connected call's media path is lost (disconnected,
// failed), the callee's request for one, and giving up after connectTimeoutMs.
afterEach(closeAll);

describe('CallSession: a lost media path, with the socket up (fakes)', () => {
  it('a lost media path (ICE disconnected) with the socket up: the caller restarts ICE after iceRestartDelayMs, again while it stays lost, and stops once restored; the callee asks the caller to', async () => {
    const timers = manualTimers();
    const t = await setup(timers, STREAM, { iceRestartDelayMs: 1000 });
    const { session, mine } = await placed(t);
    const network: string[] = [];
    session.on('network', ({ state }) => network.push(state));
    const peer = await acceptedPeer(t, mine);
    peer.emit('iceStateChange', 'checking');
    peer.emit('connect');
    peer.emit('iceStateChange', 'connected');
    const restartTimers = () => timers.pending.filter((p) => !p.cleared && (p.ms === 1000 || p.ms === 2500));
    expect([network, restartTimers().length]).toEqual([[], 0]);

    peer.emit('iceStateChange', 'disconnected');
    peer.emit('iceStateChange', 'disconnected');
    expect(network).toEqual(['interrupted']);
    expect(restartTimers().map((p) => p.ms)).toEqual([1000]);
    expect(peer.restarts).toBe(0);
    restartTimers()[0]!.cb();
    expect(peer.restarts).toBe(1);
    expect(restartTimers().map((p) => p.ms)).toEqual([1000, 2500]); // the fired one is not cleared, only spent
    timers.pending.at(-1)!.cb();
    expect(peer.restarts).toBe(2);

    peer.emit('iceStateChange', 'checking');
    peer.emit('iceStateChange', 'connected');
    expect(network).toEqual(['interrupted', 'restored']);
    expect(timers.pending.at(-1)!.cleared).toBe(true);
    expect(t.socket.frames('call').filter((f) => f['action'] === 'rejoin' || f['action'] === 'hangup')).toEqual([]);
    expect(session.state).toBe('connected');

    // Lost again, then bob hangs up: no restart after the peer is gone.
    peer.emit('iceStateChange', 'disconnected');
    const pending = timers.pending.at(-1)!;
    t.socket.deliver(frame({ ...mine, state: 'ended', outcome: 'completed', here: true }));
    await flush();
    expect(pending.cleared).toBe(true);
    expect(peer.restarts).toBe(2);

    // The callee's side can't restart ICE (the caller makes the offers): it asks the caller to,
    // with a signal that never reaches a peer, and keeps asking while the path stays lost.
    const incoming = await ringAndAccept(t, 'c_zzzzzzzz12');
    const calleeNetwork: string[] = [];
    incoming.on('network', ({ state }) => calleeNetwork.push(state));
    const calleePeer = t.peers.at(-1)!;
    calleePeer.emit('connect');
    calleePeer.emit('iceStateChange', 'disconnected');
    expect(calleeNetwork).toEqual(['interrupted']);
    const asks = () => t.socket.frames('signal').filter((f) => f['callId'] === incoming.callId && (f['data'] as Record<string, unknown>)['restartIce'] === true);
    expect(asks()).toHaveLength(0);
    timers.pending.at(-1)!.cb();
    expect(asks()).toHaveLength(1);
    expect(timers.pending.at(-1)!.ms).toBe(2500);
    timers.pending.at(-1)!.cb();
    expect([asks().length, calleePeer.restarts, calleePeer.negotiations]).toEqual([2, 0, 0]);
  });

  it('ICE failed while connected: restarts at once, and gives up after connectTimeoutMs (error, hang-up); failed before connecting hangs up at once', async () => {
    const timers = manualTimers();
    const t = await setup(timers, STREAM, { iceRestartDelayMs: 1000 });
    const { session, mine } = await placed(t);
    const log = record(session);
    const peer = await acceptedPeer(t, mine);
    peer.emit('connect');
    peer.emit('iceStateChange', 'failed');
    const [giveUp, restart] = timers.pending.slice(-2);
    expect([giveUp!.ms, restart!.ms]).toEqual([20_000, 0]);
    restart!.cb();
    expect(peer.restarts).toBe(1);
    expect(peer.destroyed).toBe(0);
    giveUp!.cb();
    await flush();
    expect(log.errors).toEqual(['network']);
    expect(peer.destroyed).toBe(1);
    expect(t.socket.frames('call').filter((f) => f['action'] === 'hangup')).toHaveLength(1);

    const incoming = await ringAndAccept(t, 'c_zzzzzzzz12');
    const calleeLog = record(incoming);
    const calleePeer = t.peers.at(-1)!;
    calleePeer.emit('iceStateChange', 'failed'); // still connecting
    await flush();
    expect([calleeLog.errors, calleePeer.destroyed]).toEqual([['network'], 1]);
  });

  it("the caller restarts ICE when the callee asks (its { restartIce: true } signal), which no peer is fed; a callee ignores such a signal", async () => {
    const t = await setup(manualTimers());
    const { session, mine } = await placed(t);
    const peer = await acceptedPeer(t, mine);
    t.socket.deliver({ type: 'signal', callId: session.callId, fromUserId: 'bob', data: { restartIce: true } });
    await flush();
    expect(peer.restarts).toBe(0); // not connected yet: nothing to restart
    peer.emit('connect');
    t.socket.deliver({ type: 'signal', callId: session.callId, fromUserId: 'bob', data: { restartIce: true } });
    await flush();
    expect([peer.restarts, peer.fed]).toEqual([1, []]);

    const incoming = await ringAndAccept(t, 'c_zzzzzzzz12');
    const calleePeer = t.peers.at(-1)!;
    calleePeer.emit('connect');
    t.socket.deliver({ type: 'signal', callId: incoming.callId, fromUserId: 'bob', data: { restartIce: true } });
    await flush();
    expect([calleePeer.restarts, calleePeer.fed]).toEqual([0, []]);
  });
});
