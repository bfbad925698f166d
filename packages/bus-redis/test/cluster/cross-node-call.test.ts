import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Rest, type TestUser } from '../../../sdk/test/support/sdk-server.js';
import { audioArrives, callDevice, cleanPeers, endedOutcome, incoming, next, reaches, recordedOnce, stopFeeding, type CallDevice } from '../../../sdk/test/support/calls.js';
import { notLoopbackOnly } from '../../../server/test/support/loopback-only.js';
import { redisMissing } from '../../../server/test/support/redis-server.js';
import { Cluster } from '../support/cluster.js';
import { ClusterClients } from '../support/cluster-clients.js';

const skip = notLoopbackOnly() ?? redisMissing();
if (skip) console.warn(`[skipped] cross-node call: ${skip}`);

/**
 * A 1:1 call between two users on different nodes, over real WebRTC (simple-peer on
 * @roamhq/wrtc): the call runs on the caller's node; the callee's accept, its signaling and its
 * hang-up arrive on the other node and are forwarded to the owner (docs/decisions/0011).
 */
describe.skipIf(skip !== null)('a call across two nodes (WebRTC, loopback only)', () => {
  let cluster: Cluster;
  let alice: TestUser;
  let bob: TestUser;
  const clients = new ClusterClients();
  afterEach(stopFeeding);

  beforeAll(async () => {
    cluster = await Cluster.start(2);
    ({ alice, bob } = await cluster.users(['alice', 'bob'], [['alice', 'bob']]));
  }, 60_000);
  afterAll(async () => {
    clients.closeAll();
    await cluster?.stop();
  });

  it('rings on the other node, connects with audio both ways, and ends for both with one record, whichever side hangs up', { timeout: 60_000 }, async () => {
    const a: CallDevice = await callDevice(clients.open(cluster.nodes[0]!.url, alice), alice, 'mic');
    const b: CallDevice = await callDevice(clients.open(cluster.nodes[1]!.url, bob), bob, 'mic');

    for (const hangsUp of ['callee', 'caller'] as const) {
      const ringing = incoming(b.calls);
      const call = await a.calls.place(bob.id, { audio: true, video: false });
      const answer = await ringing;
      expect(answer).toMatchObject({ callId: call.callId, direction: 'incoming', peerId: alice.id });
      const remoteAtAlice = next(call, 'remoteStream');
      const remoteAtBob = next(answer, 'remoteStream');
      await answer.accept({ audio: true, video: false });
      await Promise.all([reaches(call, 'connected'), reaches(answer, 'connected')]);
      const [{ stream: atAlice }, { stream: atBob }] = await Promise.all([remoteAtAlice, remoteAtBob]);
      await Promise.all([audioArrives(atAlice), audioArrives(atBob)]);

      await (hangsUp === 'caller' ? call : answer).hangUp();
      expect(await Promise.all([endedOutcome(call), endedOutcome(answer)])).toEqual(['completed', 'completed']);
      await recordedOnce([a, b], [alice, bob], call.callId, 'completed');
    }
    cleanPeers([...a.peers, ...b.peers]);
  });

  it('busy is shared: a callee in a call on one node reads as busy to a caller on the other', { timeout: 60_000 }, async () => {
    const carol = await new Rest(cluster.nodes[0]!.url).register('carol');
    await new Rest(cluster.nodes[0]!.url).befriend(carol, bob);
    const a: CallDevice = await callDevice(clients.open(cluster.nodes[0]!.url, alice), alice);
    const b: CallDevice = await callDevice(clients.open(cluster.nodes[1]!.url, bob), bob);
    const c: CallDevice = await callDevice(clients.open(cluster.nodes[1]!.url, carol), carol);
    const ringing = incoming(b.calls);
    const first = await a.calls.place(bob.id, { audio: true, video: false });
    await ringing;
    // carol, on node 1, calls bob while alice's call (run by node 0) rings him.
    const second = await c.calls.place(bob.id, { audio: true, video: false });
    expect(await endedOutcome(second)).toBe('busy');
    await first.hangUp();
    expect(await endedOutcome(first)).toBe('cancelled');
  });
});
