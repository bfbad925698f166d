import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceRecord, PresenceTimers } from '@quickchat/server';
import { GRACE, ManualTime, runPresenceContract } from '../../server/test/presence-contract/index.js';
import { RedisServer, redisMissing } from '../../server/test/support/redis-server.js';
import { until } from '../../server/test/support/upgrade.js';
import { RedisNodes, type RedisNodesOptions } from '../src/nodes.js';
import { RedisPresence } from '../src/presence.js';

const missing = redisMissing();
if (missing) console.warn(`[skipped] RedisPresence tests: ${missing}`);

let server: RedisServer;
let deployments = 0;
const open: Node[] = [];

interface Node {
  redis: Redis;
  nodes: RedisNodes;
  presence: RedisPresence;
  changes: PresenceRecord[];
  close(): Promise<void>;
}

interface NodeSetup {
  prefix: string;
  nodeId: string;
  graceMs: number;
  now?: () => number;
  timers?: PresenceTimers;
  sweepMs?: number;
  liveness?: Partial<RedisNodesOptions>;
}

/** One node of a deployment: its own connection, liveness and presence, its changes recorded. */
async function startNode(setup: NodeSetup): Promise<Node> {
  const redis = new Redis(server.url);
  redis.on('error', () => {}); // refused while the Redis restart test has it down: expected
  const nodes = await new RedisNodes({ redis, nodeId: setup.nodeId, prefix: setup.prefix, ...setup.liveness }).start();
  const presence = await new RedisPresence({ redis, nodes, graceMs: setup.graceMs, now: setup.now, timers: setup.timers, sweepMs: setup.sweepMs }).start();
  const changes: PresenceRecord[] = [];
  presence.onChange((r) => changes.push(r));
  const node: Node = {
    redis,
    nodes,
    presence,
    changes,
    close: async () => {
      presence.close();
      await nodes.close();
      redis.disconnect();
    },
  };
  open.push(node);
  return node;
}

/** Every write of every node applied, and every change heard by every node. */
async function settle(...nodes: Node[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.presence.whenIdle()));
  await Promise.all(nodes.map((n) => n.presence.whenIdle()));
}

describe.skipIf(missing !== null)('RedisPresence (presence across nodes on a real Redis)', () => {
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterEach(async () => {
    for (const node of open.splice(0)) await node.close();
  });
  afterAll(async () => {
    await server?.kill();
  });

  // The shared contract, with two nodes: one driven, the other watching.
  runPresenceContract('RedisPresence, driven on node A, watched from node B', async ({ graceMs, now, timers }) => {
    const prefix = `contract${++deployments}:`;
    const a = await startNode({ prefix, nodeId: 'nA', graceMs, now, timers });
    const b = await startNode({ prefix, nodeId: 'nB', graceMs, now, timers });
    return { presence: a.presence, watcher: b.presence, settle: () => settle(a, b), close: async () => {} };
  });

  /** Two nodes on manual time, as the contract runs them. */
  async function twoNodes() {
    const time = new ManualTime();
    const prefix = `pair${++deployments}:`;
    const a = await startNode({ prefix, nodeId: 'nA', graceMs: GRACE, now: () => time.now, timers: time });
    const b = await startNode({ prefix, nodeId: 'nB', graceMs: GRACE, now: () => time.now, timers: time });
    return { time, a, b, settle: () => settle(a, b) };
  }

  it('counts a user’s devices on every node: online once, offline once after the last one anywhere left', async () => {
    const { time, a, b, settle } = await twoNodes();
    a.presence.connected('u1', true);
    b.presence.connected('u1', true);
    b.presence.connected('u1', true);
    await settle();
    expect(a.changes).toEqual([{ userId: 'u1', online: true, visible: true }]);
    expect(await a.redis.hgetall(`${a.nodes.keys.presence('u1')}`)).toEqual({ nA: '1', nB: '2' });
    a.presence.disconnected('u1');
    b.presence.disconnected('u1');
    time.advance(GRACE * 2);
    await settle();
    expect((await a.presence.statesOf(['u1'])).get('u1')?.online).toBe(true);
    const leftAt = time.now;
    b.presence.disconnected('u1');
    time.advance(GRACE);
    await settle();
    const offline = { userId: 'u1', online: false, lastSeenAt: leftAt, visible: true };
    // Both nodes swept at the end of the grace; exactly one announced it, and both heard it.
    for (const node of [a, b]) expect(node.changes).toEqual([{ userId: 'u1', online: true, visible: true }, offline]);
    expect((await b.presence.statesOf(['u1'])).get('u1')).toEqual(offline);
  });

  it('cancels the grace period when the user reconnects on the OTHER node', async () => {
    const { time, a, b, settle } = await twoNodes();
    a.presence.connected('u1', true);
    a.presence.disconnected('u1');
    time.advance(GRACE - 1);
    await settle();
    b.presence.connected('u1', true);
    await settle();
    time.advance(GRACE * 3);
    await settle();
    for (const node of [a, b]) expect(node.changes).toEqual([{ userId: 'u1', online: true, visible: true }]);
    expect((await a.presence.statesOf(['u1'])).get('u1')?.online).toBe(true);
  });

  it('takes a killed node’s users offline within TTL + sweep + grace; users still connected elsewhere and hidden users are never reported', async () => {
    const prefix = `crash${++deployments}:`;
    const liveness = { heartbeatMs: 50, ttlMs: 600, sweepMs: 50 };
    const graceMs = 200;
    const setup = { prefix, graceMs, sweepMs: 50, liveness };
    const a = await startNode({ ...setup, nodeId: 'nA' });
    const b = await startNode({ ...setup, nodeId: 'nB' });
    a.presence.connected('only-on-a', true);
    a.presence.connected('on-both', true);
    b.presence.connected('on-both', true);
    a.presence.connected('hidden', false);
    await settle(a, b);
    expect(b.changes.map((c) => c.userId).sort()).toEqual(['on-both', 'only-on-a']);

    // SIGKILL, as far as Redis can tell: A's connection drops, nothing is cleaned up, no more heartbeats.
    const killedAt = Date.now();
    a.redis.disconnect();
    a.presence.close();
    const bound = liveness.ttlMs + liveness.sweepMs + setup.sweepMs + graceMs;
    await until(() => b.changes.some((c) => c.userId === 'only-on-a' && !c.online), 'the killed node’s user goes offline', bound + 2000);
    const took = Date.now() - killedAt;
    expect(took).toBeLessThanOrEqual(bound + 500);
    const gone = b.changes.find((c) => c.userId === 'only-on-a' && !c.online);
    // lastSeenAt: when the crash was noticed (exact milliseconds survive the trip through Lua's cjson).
    expect(gone).toMatchObject({ visible: true, lastSeenAt: expect.any(Number) });
    expect(gone!.lastSeenAt).toBeGreaterThanOrEqual(killedAt);
    expect(gone!.lastSeenAt).toBeLessThanOrEqual(Date.now());
    expect((await b.presence.statesOf(['only-on-a'])).get('only-on-a')?.lastSeenAt).toBe(gone!.lastSeenAt);
    await until(async () => (await b.presence.statesOf(['hidden'])).get('hidden')?.online === false, 'the hidden user is offline');
    await settle(b);
    expect(b.changes.filter((c) => c.userId !== 'only-on-a')).toEqual([{ userId: 'on-both', online: true, visible: true }]);
    expect((await b.presence.statesOf(['on-both'])).get('on-both')?.online).toBe(true);
    expect(await b.redis.hgetall(b.nodes.keys.presence('on-both'))).toEqual({ nB: '1' });
  });

  it('re-asserts a node’s sessions after its heartbeat lapsed and the others swept them', async () => {
    const prefix = `lapse${++deployments}:`;
    const setup = { prefix, graceMs: 100, sweepMs: 50, liveness: { heartbeatMs: 100, ttlMs: 1000, sweepMs: 50 } };
    // A's heartbeats run on a clock the test holds: A stalls until the test moves it.
    const stalled = new ManualTime();
    const a = await startNode({ ...setup, nodeId: 'nA', liveness: { ...setup.liveness, timers: stalled } });
    const b = await startNode({ ...setup, nodeId: 'nB' });
    a.presence.connected('u1', true);
    await settle(a, b);
    // A stalls past its TTL (its key is gone as if expired): B sweeps its fields, u1 goes offline.
    await b.redis.del(a.nodes.keys.node('nA'));
    await until(() => b.changes.some((c) => !c.online), 'u1 swept offline');
    // A's next heartbeat finds its key gone, registers again and writes its sessions back.
    stalled.advance(100);
    await until(() => b.changes.at(-1)?.online === true, 'u1 online again');
    expect(b.changes.map((c) => c.online)).toEqual([true, false, true]);
    expect(await b.redis.hgetall(b.nodes.keys.presence('u1'))).toEqual({ nA: '1' });
  });

  it('comes back after Redis restarts empty: every node writes its sessions again', async () => {
    const prefix = `restart${++deployments}:`;
    const setup = { prefix, graceMs: 100, sweepMs: 50, liveness: { heartbeatMs: 50, ttlMs: 300, sweepMs: 50 } };
    const a = await startNode({ ...setup, nodeId: 'nA' });
    const b = await startNode({ ...setup, nodeId: 'nB' });
    a.presence.connected('u1', true);
    b.presence.connected('u2', false);
    b.presence.connected('u1', true);
    await settle(a, b);
    await server.kill();
    await server.restart();
    const bothOnline = async (node: Node) => {
      // Reads fail while Redis is away (a connection without an offline queue): not yet.
      const states = await node.presence.statesOf(['u1', 'u2']).catch(() => new Map<string, PresenceRecord>());
      return states.get('u1')?.online === true && states.get('u2')?.online === true;
    };
    // Each node writes back its own devices, each in its own time: u1 is online as soon as one has.
    const u1Devices = () => a.redis.hgetall(a.nodes.keys.presence('u1')).catch(() => ({}));
    await until(async () => (await bothOnline(a)) && (await bothOnline(b)) && Object.keys(await u1Devices()).length === 2, 'both nodes re-asserted their sessions', 10_000);
    expect(await u1Devices()).toEqual({ nA: '1', nB: '1' });
    expect((await a.presence.statesOf(['u2'])).get('u2')).toEqual({ userId: 'u2', online: true, visible: false });
    // Changes flow again through the resubscribed channel, and the grace still runs.
    a.presence.disconnected('u1');
    b.presence.disconnected('u1');
    await until(() => a.changes.at(-1)?.online === false && b.changes.at(-1)?.online === false, 'u1 offline, heard on both nodes');
    expect(a.changes.filter((c) => c.userId === 'u2')).toEqual([]);
  });
});
