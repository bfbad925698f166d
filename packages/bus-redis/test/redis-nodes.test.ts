import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalNodes, type NodeDirectory } from '../../server/src/services/nodes.js';
import { RedisServer, redisMissing } from '../../server/test/support/redis-server.js';
import { until } from '../../server/test/support/upgrade.js';
import { RedisNodes } from '../src/nodes.js';

const missing = redisMissing();
if (missing) console.warn(`[skipped] RedisNodes tests: ${missing}`);

// Short enough for a quick test, long enough that a loaded machine's survivors don't lapse themselves.
const FAST = { heartbeatMs: 50, ttlMs: 600, sweepMs: 50 };

describe('LocalNodes (one node)', () => {
  it('is alive itself only, knows when, and never reports a gone node', async () => {
    const nodes: NodeDirectory = new LocalNodes('n1', () => 42);
    expect(await nodes.isAlive('n1')).toBe(true);
    expect(await nodes.isAlive('n2')).toBe(false);
    expect(await nodes.lastAliveAt('n1')).toBe(42);
    expect(await nodes.lastAliveAt('n2')).toBeNull();
    nodes.onNodeGone(() => expect.unreachable())();
    nodes.close();
    expect(await nodes.isAlive('n1')).toBe(false);
  });
});

describe.skipIf(missing !== null)('RedisNodes (node liveness on a real Redis)', () => {
  let server: RedisServer;
  let deployments = 0;
  const opened: { nodes: RedisNodes; redis: Redis }[] = [];

  /** One node on its own connection; `prefix` names the deployment. */
  async function startNode(prefix: string, nodeId: string, options: Partial<ConstructorParameters<typeof RedisNodes>[0]> = {}) {
    const redis = new Redis(server.url);
    redis.on('error', () => {}); // a killed node's connection, refused: expected here
    const nodes: RedisNodes = await new RedisNodes({ redis, nodeId, prefix, ...FAST, ...options }).start();
    const gone: string[] = [];
    nodes.onNodeGone((id) => gone.push(id));
    opened.push({ nodes, redis });
    return { nodes, redis, gone };
  }

  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterEach(async () => {
    for (const { nodes, redis } of opened.splice(0)) {
      await nodes.close();
      redis.disconnect();
    }
  });
  afterAll(async () => {
    await server?.kill();
  });

  it('tells who is alive, and when each node was last alive', async () => {
    const prefix = `alive${++deployments}:`;
    const a = await startNode(prefix, 'nA');
    const b = await startNode(prefix, 'nB');
    const directory: NodeDirectory = a.nodes;
    expect(await directory.isAlive('nA')).toBe(true);
    expect(await directory.isAlive('nB')).toBe(true);
    expect(await directory.isAlive('nobody')).toBe(false);
    const before = Date.now();
    expect(await b.nodes.lastAliveAt('nA')).toBeGreaterThan(before - 1000);
    expect(await b.nodes.lastAliveAt('nobody')).toBeNull();
    expect(await b.redis.pttl(`${prefix}node:nA`)).toBeGreaterThan(0);
  });

  it('declares a killed node gone within TTL + one sweep, to exactly one survivor, and remembers its last beat', async () => {
    const prefix = `crash${++deployments}:`;
    const a = await startNode(prefix, 'nA');
    const b = await startNode(prefix, 'nB');
    const c = await startNode(prefix, 'nC');
    expect(a.nodes.goneWithinMs).toBe(FAST.ttlMs + FAST.sweepMs);
    const lastBeat = (await b.nodes.lastAliveAt('nA'))!;
    // As after SIGKILL: A's connection drops, and nothing of A's is cleaned up.
    const killedAt = Date.now();
    a.redis.disconnect();
    await until(() => b.gone.length + c.gone.length > 0, 'a survivor declares A gone', 5000, 10);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(a.nodes.goneWithinMs + 500);
    expect(await b.nodes.isAlive('nA')).toBe(false);
    // Another full sweep of both survivors: nobody hears of A twice.
    await Promise.all([b.nodes.sweep(), c.nodes.sweep()]);
    expect([...b.gone, ...c.gone].filter((id) => id === 'nA')).toEqual(['nA']);
    expect(await c.nodes.lastAliveAt('nA')).toBeGreaterThanOrEqual(lastBeat);
    expect(await c.nodes.lastAliveAt('nA')).toBeLessThanOrEqual(killedAt + 1000);
  });

  it('declares a node that closed gone at the next sweep', async () => {
    const prefix = `close${++deployments}:`;
    const slow = { ttlMs: 60_000, heartbeatMs: 20_000 };
    const a = await startNode(prefix, 'nA', slow);
    const b = await startNode(prefix, 'nB', { ...slow, sweepMs: 50 });
    await a.nodes.close();
    await until(() => b.gone.includes('nA'), 'B notices A left', 2000, 10);
    expect(await a.nodes.isAlive('nA')).toBe(false);
  });

  it('notices when its own heartbeat lapsed (Redis restarted empty) and registers again', async () => {
    const prefix = `rejoin${++deployments}:`;
    const a = await startNode(prefix, 'nA');
    let rejoined = 0;
    a.nodes.onRejoined(() => rejoined++);
    await a.redis.del(`${prefix}node:nA`, `${prefix}nodes`);
    await until(() => rejoined === 1, 'A re-registers', 2000, 10);
    expect(await a.redis.zscore(`${prefix}nodes`, 'nA')).not.toBeNull();
    expect(await a.redis.exists(`${prefix}node:nA`)).toBe(1);
  });
});
