import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../server/src/app.js';
import { createLogger } from '../../server/src/log.js';
import { findFreePort } from '../../server/test/support/child-server.js';
import { RedisServer, redisMissing } from '../../server/test/support/redis-server.js';
import { connectScaleOut, DEFAULT_PREFIX } from '../src/index.js';

const missing = redisMissing();
if (missing) console.warn(`[skipped] connectScaleOut tests: ${missing}`);

/** What the server does with a Redis URL: the package's one entry point, and a node's start and stop. */
describe('a node on Redis', () => {
  it('refuses to start when Redis cannot be reached, naming the URL without its password, within its timeout', async () => {
    const port = await findFreePort();
    const started = Date.now();
    const attempt = connectScaleOut({ url: `redis://:hunter2@127.0.0.1:${port}`, nodeId: 'n_test', presenceGraceMs: 1000, log: createLogger('silent'), connectTimeoutMs: 500 });
    const err = (await attempt.catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.message).toMatch(/could not be reached within 500 ms/);
    expect(err.message).not.toContain('hunter2');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  describe.skipIf(missing !== null)('with a real Redis', () => {
    let redis: RedisServer;
    let probe: Redis;
    const dirs: string[] = [];
    beforeAll(async () => {
      redis = await RedisServer.start();
      probe = new Redis(redis.url);
    });
    afterAll(async () => {
      probe?.disconnect();
      await redis?.kill();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    it('createServer({ redisUrl }) registers the node as alive while it runs and leaves the node list on stop()', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'quickchat-node-'));
      dirs.push(dataDir);
      const server = createServer({ port: 0, dataDir, logLevel: 'silent', redisUrl: redis.url });
      const { url } = await server.start();
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const registered = await probe.zrange(`${DEFAULT_PREFIX}nodes`, 0, -1);
      expect(registered).toHaveLength(1);
      expect(await probe.exists(`${DEFAULT_PREFIX}node:${registered[0]}`)).toBe(1);
      await server.stop();
      expect(await probe.exists(`${DEFAULT_PREFIX}node:${registered[0]}`)).toBe(0);
    });
  });
});
