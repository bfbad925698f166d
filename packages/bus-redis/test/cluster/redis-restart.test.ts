import { setTimeout as pace } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatClient } from '@quickchat/sdk';
import { groupsOf } from '@quickchat/sdk/groups';
import { until, type TestUser } from '../../../sdk/test/support/sdk-server.js';
import { nextSynced, range, recordSurfaced, seqTexts, storedRows } from '../../../sdk/test/integration/helpers.js';
import { redisMissing } from '../../../server/test/support/redis-server.js';
import { Cluster } from '../support/cluster.js';
import { ClusterClients, countingWebSocket } from '../support/cluster-clients.js';

const missing = redisMissing();
if (missing) console.warn(`[skipped] Redis restart test: ${missing}`);

/**
 * Messages each of alice and bob streams; Redis is killed after KILL_AFTER of alice's and started
 * again only once both streams are done, so the last messages reach the other node only through
 * the resync (no later live message would reveal the gap).
 */
const TOTAL = 30;
const KILL_AFTER = 10;
/** Paces each stream (~12 messages/s, under the default rate limit); not a wait for a condition. */
const SEND_GAP_MS = 80;

/**
 * Redis is a bus, not the record: it is killed and restarted during cross-node traffic. Meanwhile
 * each node keeps serving its own users (acks keep coming: the store is shared); when Redis is
 * back, every socket gets one server-initiated `resync`, and everything sent in the meantime
 * reaches everyone exactly once.
 */
describe.skipIf(missing !== null)('Redis is killed and restarted during cross-node traffic', () => {
  let cluster: Cluster;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  const clients = new ClusterClients();

  beforeEach(async () => {
    cluster = await Cluster.start(2);
    ({ alice, bob, carol } = await cluster.users(['alice', 'bob', 'carol'], [['alice', 'bob'], ['alice', 'carol']]));
  }, 60_000);
  afterEach(async () => {
    clients.closeAll();
    await cluster.stop();
  });

  it('everything sent during the outage reaches everyone exactly once, after one resync per socket', { timeout: 120_000 }, async () => {
    const aSocket = countingWebSocket();
    const bSocket = countingWebSocket();
    const a = clients.open(cluster.nodes[0]!.url, alice, { WebSocket: aSocket.WebSocket });
    const b = clients.open(cluster.nodes[1]!.url, bob, { WebSocket: bSocket.WebSocket });
    const c = clients.open(cluster.nodes[1]!.url, carol);
    await Promise.all([nextSynced(a), nextSynced(b), nextSynced(c)]);
    const aLog = recordSurfaced(a);
    const bLog = recordSurfaced(b);
    const cLog = recordSurfaced(c);
    // A group across both nodes, and the DM.
    const dm = a.dmWith(bob.id);
    const { group: created } = await groupsOf(a).create({ name: 'Outage', members: [bob.id, carol.id] });
    const group = created.id;
    await until(c, () => c.conversations.getState()[group]?.group !== undefined, 15_000, 'carol has the group');

    const sentByA: string[] = [];
    const stream = async (client: ChatClient, prefix: string, sent: string[] | null) => {
      for (const i of range(TOTAL)) {
        const id = client.send(dm, `${prefix}${i}`).clientMsgId;
        sent?.push(id);
        client.send(group, `${prefix}g${i}`);
        await pace(SEND_GAP_MS);
      }
    };
    const streams = Promise.all([stream(a, 'a', sentByA), stream(b, 'b', null)]);
    await until(a, () => sentByA.length >= KILL_AFTER, 30_000, `${KILL_AFTER} sent`);
    await cluster.redis.kill();
    await streams;
    // Each node kept serving its own users: every send was acked while Redis was down.
    await until(a, () => (a.messages.getState()[dm]?.items ?? []).every((m) => m.state !== 'pending'), 30_000, 'alice acked during the outage');
    await cluster.redis.restart();

    const dmCount = 2 * TOTAL;
    for (const [client, log] of [[a, aLog], [b, bLog]] as const) {
      await until(client, () => log.filter((m) => m.conversationId === dm).length >= dmCount, 60_000, 'both DM streams arrived');
      expect(log.filter((m) => m.conversationId === dm).map((m) => m.seq)).toEqual(range(dmCount));
    }
    expect(seqTexts(aLog, dm)).toEqual(seqTexts(bLog, dm));
    // The group: every text message once, in seq order, the same on all three members.
    const groupTexts = (log: typeof aLog) => log.filter((m) => m.conversationId === group && m.content.type === 'text');
    for (const [client, log] of [[a, aLog], [b, bLog], [c, cLog]] as const) {
      await until(client, () => groupTexts(log).length >= dmCount, 60_000, 'both group streams arrived');
      const seqs = groupTexts(log).map((m) => m.seq);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seqs).toEqual([...seqs].sort((x, y) => (x ?? 0) - (y ?? 0)));
    }
    expect(seqTexts(aLog, group)).toEqual(seqTexts(cLog, group));
    // One resync per socket for the one outage (each node lost Redis once), each answered by a sync.
    for (const [client, socket] of [[a, aSocket], [b, bSocket]] as const) {
      await until(client, () => (socket.received.get('resync') ?? 0) >= 1 && (socket.received.get('synced') ?? 0) >= 2, 30_000, 'the resync and its sync');
    }
    expect(aSocket.received.get('resync')).toBe(1);
    expect(bSocket.received.get('resync')).toBe(1);
    // The record is whole: the store holds every DM message once.
    expect(storedRows(cluster.dbFile, dm).map((r) => r.seq)).toEqual(range(dmCount));
  });
});
