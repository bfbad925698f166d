import { setTimeout as pace } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { presenceOf } from '@quickchat/sdk/presence';
import type { ChatClient } from '@quickchat/sdk';
import { until, type TestUser } from '../../../sdk/test/support/sdk-server.js';
import { eventually, nextSynced, ownItems, range, recordSurfaced, seqTexts, storedRows } from '../../../sdk/test/integration/helpers.js';
import { redisMissing } from '../../../server/test/support/redis-server.js';
import { Cluster } from '../support/cluster.js';
import { ClusterClients } from '../support/cluster-clients.js';

const missing = redisMissing();
if (missing) console.warn(`[skipped] node death test: ${missing}`);

/** Messages each of alice and bob streams to the other; node 1 is SIGKILLed after this many of bob's. */
const TOTAL = 60;
const KILL_AFTER = 20;
/** Paces each stream (~12 messages/s, under the default rate limit); not a wait for a condition. */
const SEND_GAP_MS = 80;
/**
 * How soon a dead node's users go offline for the others: its heartbeat's TTL and one sweep
 * (docs/deploy.md#what-a-node-failure-costs), then the presence grace; with room for a slow machine.
 */
const OFFLINE_BOUND_MS = 6_000 + 2_000 + 5_000 + 5_000;

/**
 * A node dies during traffic. Clients reach the deployment through one URL (a TCP balancer in
 * front of both nodes; the SDK takes one URL). Those on the dead node reconnect through it to the
 * surviving node, resend their outbox and catch up.
 */
describe.skipIf(missing !== null)('a node is SIGKILLed during cross-node traffic', () => {
  let cluster: Cluster;
  let alice: TestUser;
  let bob: TestUser;
  let dave: TestUser;
  const clients = new ClusterClients();

  beforeEach(async () => {
    cluster = await Cluster.start(2);
    ({ alice, bob, dave } = await cluster.users(['alice', 'bob', 'dave'], [['alice', 'bob'], ['alice', 'dave']]));
  }, 60_000);
  afterEach(async () => {
    clients.closeAll();
    await cluster.stop();
  });

  /** A client through the balancer, placed on node `node` (the balancer's preferred backend while it connects). */
  const placed = async (user: TestUser, node: number, options: Parameters<ClusterClients['open']>[2] = {}): Promise<ChatClient> => {
    cluster.balancer.prefer = node;
    const client = clients.open(cluster.url, user, options);
    await nextSynced(client);
    cluster.balancer.prefer = null;
    return client;
  };

  it('no acked message is lost or duplicated, the dead node\'s clients carry on from the survivor, and its users go offline within the bound', { timeout: 120_000 }, async () => {
    const a = await placed(alice, 0);
    const b = await placed(bob, 1);
    // dave stays on node 1 and never reconnects: he must read as offline once it is gone.
    const d = await placed(dave, 1, { reconnectPolicy: { nextRetryDelayMs: () => null } });
    const aPresence = presenceOf(a);
    await until(a, () => aPresence.stateOf(dave.id).status === 'online' && aPresence.stateOf(bob.id).status === 'online', 15_000, 'alice sees bob and dave online');
    const aLog = recordSurfaced(a);
    const bLog = recordSurfaced(b);
    const conv = a.dmWith(bob.id);

    const sentByA: string[] = [];
    const sentByB: string[] = [];
    const stream = async (client: ChatClient, prefix: string, sent: string[]) => {
      for (const i of range(TOTAL)) {
        sent.push(client.send(conv, `${prefix}${i}`).clientMsgId);
        await pace(SEND_GAP_MS);
      }
    };
    let killedAt = 0;
    const chaos = (async () => {
      await until(b, () => sentByB.length >= KILL_AFTER, 30_000, `${KILL_AFTER} of bob's messages created`);
      await cluster.nodes[1]!.kill();
      killedAt = Date.now();
    })();
    await Promise.all([stream(a, 'a', sentByA), stream(b, 'b', sentByB), chaos]);

    // Presence: dave went offline for alice within the bound.
    await until(a, () => aPresence.stateOf(dave.id).status === 'offline', OFFLINE_BOUND_MS, 'dave offline after his node died');
    expect(Date.now() - killedAt).toBeLessThanOrEqual(OFFLINE_BOUND_MS);
    expect(d.connectionState).not.toBe('connected');

    // Both streams arrive everywhere, each message once, in seq order.
    const all = 2 * TOTAL;
    await until(a, () => aLog.filter((m) => m.conversationId === conv).length >= all, 60_000, 'alice has both streams');
    await until(b, () => bLog.filter((m) => m.conversationId === conv).length >= all, 60_000, 'bob has both streams');
    for (const log of [aLog, bLog]) {
      const seqs = log.filter((m) => m.conversationId === conv).map((m) => m.seq);
      expect(seqs).toEqual(range(all));
    }
    expect(seqTexts(aLog, conv)).toEqual(seqTexts(bLog, conv));
    await eventually(() => [a, b].every((c) => ownItems(c, conv).every((m) => m.state !== 'pending' && m.state !== 'failed')), 30_000, 'every own message acked');

    // The store: one row per message created, each stream in the order it was created.
    const rows = storedRows(cluster.dbFile, conv);
    expect(rows.map((r) => r.seq)).toEqual(range(all));
    expect(rows.filter((r) => r.sender_id === alice.id).map((r) => r.client_msg_id)).toEqual(sentByA);
    expect(rows.filter((r) => r.sender_id === bob.id).map((r) => r.client_msg_id)).toEqual(sentByB);
  });
});
