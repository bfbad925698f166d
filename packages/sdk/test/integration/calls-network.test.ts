import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { coturnMissing, freeTurnPort, startCoturn, type Coturn } from '../../../server/test/support/coturn.js';
import { notLoopbackOnly } from '../../../server/test/support/loopback-only.js';
import type { ChatClient } from '../../src/index.js';
import { audioArrives, callDevice, connectedCall, stopFeeding, type CallDevice } from '../support/calls.js';
import { clientMaker, startServerForSdk, until, usePair, type Pair, type TestUser } from '../support/sdk-server.js';

/**
 * A call whose media path breaks while both sockets stay up, as after a network change: the call
 * goes relay-only through a real coturn on loopback, then coturn is killed (the relay, and so
 * every candidate pair, is gone) and started again on the same port. The SDK notices ICE
 * `disconnected` (often on one side only), reports `network: interrupted`, the caller restarts ICE
 * (by itself, or asked by the callee's side) with a new offer and fresh credentials, new relay
 * allocations are made, and audio flows again, `network: restored`, with no socket reconnect, no
 * rejoin and no new peer. simple-peer over @roamhq/wrtc: loopback-only namespace only.
 */
const skip = notLoopbackOnly() ?? coturnMissing();
if (skip) console.log(`[calls-network] skipped: ${skip}`);

const TURN_SECRET = `network-change-${process.pid}`;

describe.skipIf(skip !== null)('a call survives losing its media path with the sockets up (ICE restart; coturn, loopback only)', () => {
  const clients: ChatClient[] = [];
  let pair: Pair;
  let turnPort: number;
  let coturn: Coturn | null = null;

  beforeAll(async () => {
    turnPort = await freeTurnPort();
    coturn = await startCoturn(TURN_SECRET, turnPort);
  });
  afterEach(stopFeeding);
  afterAll(async () => coturn?.stop());
  usePair(clients, (p) => (pair = p), {
    start: () => startServerForSdk({ turn: { urls: [`turn:127.0.0.1:${turnPort}?transport=udp`], ttlSec: 300 }, secrets: { turnSecret: TURN_SECRET } }),
  });

  const device = (user: TestUser): Promise<CallDevice> => callDevice(clientMaker(clients, () => pair.t)(user), user, 'mic', { relayOnly: true, iceRestartDelayMs: 300 });

  it('the relay dies and comes back: interrupted, the caller restarts ICE, restored; audio flows again on the same peers and sockets', { timeout: 90_000 }, async () => {
    const [alice, bob] = await Promise.all([device(pair.alice), device(pair.bob)]);
    const { call, answer, atAlice, atBob } = await connectedCall(alice, bob);

    const network: string[] = [];
    call.on('network', ({ state }) => network.push(`caller:${state}`));
    answer.on('network', ({ state }) => network.push(`callee:${state}`));
    const socketChanges: string[] = [];
    for (const c of [alice.client, bob.client]) c.on('connectionStateChanged', ({ newState }) => socketChanges.push(newState));

    await coturn!.stop();
    coturn = null;
    // Often only one side notices (ICE consent checks fail on the side that sends them).
    const iceStates = () => `caller ICE ${alice.peers[0]!.ice.join('→')}, callee ICE ${bob.peers[0]!.ice.join('→')}, events ${network.join(', ') || 'none'}`;
    await until(alice.client, () => network.some((n) => n.endsWith(':interrupted')), 30_000, 'a side sees its media path lost').catch((e: Error) => {
      throw new Error(`${e.message}; ${iceStates()}`);
    });
    coturn = await startCoturn(TURN_SECRET, turnPort);
    const restored = () => ['caller', 'callee'].every((side) => !network.includes(`${side}:interrupted`) || network.includes(`${side}:restored`));
    await until(alice.client, restored, 30_000, 'every lost media path restored').catch((e: Error) => {
      throw new Error(`${e.message}; ${iceStates()}`);
    });

    const [callerPeer] = alice.peers;
    expect(callerPeer!.negotiations).toBeGreaterThanOrEqual(1); // ICE restarted by the caller
    expect(bob.peers[0]!.negotiations).toBe(0); // the callee answered, never offered
    expect([alice.peers.length, bob.peers.length]).toEqual([1, 1]);
    expect([call.state, answer.state]).toEqual(['connected', 'connected']);
    expect(socketChanges).toEqual([]); // no reconnect, so no rejoin: the ICE restart alone recovered
    await Promise.all([audioArrives(atAlice), audioArrives(atBob)]);
  });
});
