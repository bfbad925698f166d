import { afterAll, beforeAll, describe } from 'vitest';
import { Redis } from 'ioredis';
import { runBusContract } from '../../server/test/bus-contract/index.js';
import { RedisServer, redisMissing } from '../../server/test/support/redis-server.js';
import { RedisBus } from '../src/redis-bus.js';

const missing = redisMissing();
if (missing) console.warn(`Redis bus contract skipped: ${missing}`);

// Two nodes on one real redis-server; every test gets its own channel prefix, so nothing one
// test left on Redis reaches the next.
describe.skipIf(missing !== null)('RedisBus on a real Redis', () => {
  let redis: RedisServer;
  let raw: Redis;
  let run = 0;
  beforeAll(async () => {
    redis = await RedisServer.start();
    raw = new Redis(redis.url);
    raw.on('error', () => {});
  });
  afterAll(async () => {
    raw?.disconnect();
    await redis?.kill();
  });

  runBusContract('RedisBus, two nodes', async () => {
    const prefix = `contract${++run}:`;
    const errors: unknown[] = [];
    const open = (nodeId: string) => RedisBus.connect({ url: redis.url, nodeId, prefix, onError: (err) => errors.push(err) });
    const nodes = [await open('node-a'), await open('node-b')];
    return {
      nodes,
      errors,
      decodes: true,
      publishRaw: async (topicName, text) => void (await raw.publish(prefix + topicName, text)),
    };
  });
});
