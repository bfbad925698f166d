import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalCallRegistry, type CallRegistry } from '../../server/src/services/calls/registry.js';
import { RedisServer, redisMissing } from '../../server/test/support/redis-server.js';
import { until } from '../../server/test/support/upgrade.js';
import { RedisCallRegistry, type RedisCallRegistryOptions } from '../src/call-registry.js';

const missing = redisMissing();
if (missing) console.warn(`[skipped] RedisCallRegistry tests: ${missing}`);

describe('LocalCallRegistry (one node)', () => {
  it('owns every call it engages, until released', async () => {
    const registry: CallRegistry = new LocalCallRegistry('n1');
    expect(await registry.engage('c1', 'u1', 'u2')).toBe('engaged');
    expect(await registry.engage('c2', 'u3', 'u2')).toBe('callee_busy');
    expect(await registry.ownerOf('c1')).toBe('n1');
    expect(await registry.callOf('u2')).toEqual({ callId: 'c1', ownerNode: 'n1' });
    await registry.release('c1', ['u1', 'u2']);
    expect(await registry.ownerOf('c1')).toBeNull();
    expect(await registry.callOf('u2')).toBeNull();
  });
});

describe.skipIf(missing !== null)('RedisCallRegistry (calls across nodes on a real Redis)', () => {
  let server: RedisServer;
  let deployments = 0;
  const opened: { registry: RedisCallRegistry; redis: Redis }[] = [];

  /** Node `nodeId`'s registry on its own connection; `prefix` names the deployment. */
  function node(prefix: string, nodeId: string, options: Partial<RedisCallRegistryOptions> = {}) {
    const redis = new Redis(server.url);
    redis.on('error', () => {});
    const registry = new RedisCallRegistry({ redis, nodeId, prefix, ...options });
    opened.push({ registry, redis });
    return registry;
  }
  /** Two nodes of a fresh deployment. */
  function twoNodes(options: Partial<RedisCallRegistryOptions> = {}) {
    const prefix = `calls${++deployments}:`;
    return { prefix, a: node(prefix, 'nA', options), b: node(prefix, 'nB', options) };
  }

  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterEach(() => {
    for (const { registry, redis } of opened.splice(0)) {
      registry.close();
      redis.disconnect();
    }
  });
  afterAll(async () => {
    await server?.kill();
  });

  it('is busy across nodes, caller first, and tells every node who owns a call', async () => {
    const { a, b } = twoNodes();
    expect(await a.engage('c1', 'u1', 'u2')).toBe('engaged');
    expect(await b.engage('c2', 'u3', 'u2')).toBe('callee_busy');
    expect(await b.engage('c3', 'u2', 'u1')).toBe('caller_busy');
    // Nothing of a refused call was written: u3 is free.
    expect(await b.callOf('u3')).toBeNull();
    expect(await b.ownerOf('c2')).toBeNull();
    expect(await b.ownerOf('c1')).toBe('nA');
    expect(await b.callOf('u1')).toEqual({ callId: 'c1', ownerNode: 'nA' });
    expect(await a.callOf('u2')).toEqual({ callId: 'c1', ownerNode: 'nA' });
    await a.release('c1', ['u1', 'u2']);
    expect(await b.ownerOf('c1')).toBeNull();
    expect(await b.engage('c4', 'u3', 'u2')).toBe('engaged');
    expect(await a.ownerOf('c4')).toBe('nB');
  });

  it('lets exactly one of two nodes engage the same callee at the same time', async () => {
    const { a, b } = twoNodes();
    for (let round = 0; round < 50; round++) {
      const callee = `callee${round}`;
      const [fromA, fromB] = await Promise.all([a.engage(`a${round}`, `ua${round}`, callee), b.engage(`b${round}`, `ub${round}`, callee)]);
      expect([fromA, fromB].sort()).toEqual(['callee_busy', 'engaged']);
      const winner = fromA === 'engaged' ? 'nA' : 'nB';
      const held = await a.callOf(callee);
      expect(held).toEqual({ callId: winner === 'nA' ? `a${round}` : `b${round}`, ownerNode: winner });
      // The loser's caller was not left engaged.
      const loser = winner === 'nA' ? `ub${round}` : `ua${round}`;
      expect(await b.callOf(loser)).toBeNull();
    }
  });

  it('release leaves a user’s newer call alone', async () => {
    const { a, b } = twoNodes();
    expect(await a.engage('old', 'u1', 'u2')).toBe('engaged');
    await a.release('old', ['u1', 'u2']);
    expect(await b.engage('new', 'u2', 'u3')).toBe('engaged');
    // A late, repeated release of the old call (another node's retry) frees nobody from the new one.
    await a.release('old', ['u1', 'u2']);
    expect(await a.callOf('u2')).toEqual({ callId: 'new', ownerNode: 'nB' });
    expect(await a.ownerOf('new')).toBe('nB');
  });

  it('keeps a live call while its owner refreshes it, and frees its users within the TTL once the owner stops (crash)', async () => {
    const ttlMs = 300;
    const { a, b } = twoNodes({ ttlMs, refreshMs: 50 });
    expect(await a.engage('c1', 'u1', 'u2')).toBe('engaged');
    const engagedAt = Date.now();
    // Bounded watch over three TTLs: the owner's refreshes keep every key alive throughout.
    await until(
      async () => {
        expect(await b.callOf('u1')).toEqual({ callId: 'c1', ownerNode: 'nA' });
        expect(await b.callOf('u2')).toEqual({ callId: 'c1', ownerNode: 'nA' });
        expect(await b.ownerOf('c1')).toBe('nA');
        return Date.now() - engagedAt > 3 * ttlMs;
      },
      'three TTLs passed with the call engaged',
      5000,
    );
    // The owner crashes: no more refreshes, nothing released.
    a.close();
    const crashedAt = Date.now();
    await until(async () => (await b.callOf('u1')) === null && (await b.callOf('u2')) === null && (await b.ownerOf('c1')) === null, 'the crashed owner’s keys expire', 5000, 10);
    expect(Date.now() - crashedAt).toBeLessThanOrEqual(ttlMs + 500);
    expect(await b.engage('c2', 'u2', 'u1')).toBe('engaged');
  });

  it('writes back the keys of its live calls that Redis lost, but never takes a key another call holds', async () => {
    const { prefix, a, b } = twoNodes();
    expect(await a.engage('c1', 'u1', 'u2')).toBe('engaged');
    const redis = new Redis(server.url);
    try {
      await redis.del(`${prefix}call-user:u1`, `${prefix}call-user:u2`, `${prefix}call:c1`);
      expect(await b.engage('c2', 'u3', 'u2')).toBe('engaged');
      await a.refresh();
      expect(await b.callOf('u1')).toEqual({ callId: 'c1', ownerNode: 'nA' });
      expect(await b.ownerOf('c1')).toBe('nA');
      expect(await b.callOf('u2')).toEqual({ callId: 'c2', ownerNode: 'nB' });
    } finally {
      redis.disconnect();
    }
  });
});
