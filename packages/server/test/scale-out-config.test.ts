import { describe, expect, it } from 'vitest';
import { optionsFromCli } from '../src/cli.js';
import { ConfigError, resolveConfig } from '../src/config.js';
import { LocalBus } from '../src/bus/local.js';

/** How a node is told about the Redis it shares with the others: one URL, by flag, environment or option. */
describe('configuring several nodes', () => {
  it('takes the Redis URL from --redis-url or QUICKCHAT_REDIS_URL (the flag wins; none by default)', () => {
    expect(optionsFromCli([], {})).not.toHaveProperty('redisUrl');
    expect(optionsFromCli(['--redis-url', 'redis://10.0.0.5:6379'], {}).redisUrl).toBe('redis://10.0.0.5:6379');
    expect(optionsFromCli([], { QUICKCHAT_REDIS_URL: 'rediss://:pw@redis.internal:6380/2' }).redisUrl).toBe('rediss://:pw@redis.internal:6380/2');
    expect(optionsFromCli(['--redis-url', 'redis://flag:6379'], { QUICKCHAT_REDIS_URL: 'redis://env:6379' }).redisUrl).toBe('redis://flag:6379');
    expect(resolveConfig({ dataDir: 'd' }).redisUrl).toBeNull();
  });

  it('maps QUICKCHAT_FILE_LINK_SECRET, which nodes on several hosts must share like the others', () => {
    expect(optionsFromCli([], { QUICKCHAT_FILE_LINK_SECRET: 'f'.repeat(40) }).secrets).toEqual({ fileLinkSecret: 'f'.repeat(40) });
  });

  it('refuses what is not a Redis URL, naming it without its password, and a Redis URL beside a bus or presence of your own', () => {
    const refusal = (redisUrl: string, extra: object = {}) => {
      try {
        resolveConfig({ dataDir: 'd', redisUrl, ...extra });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error(`accepted ${redisUrl}`);
    };
    expect(refusal('http://redis:6379')).toBe('redisUrl must start with redis:// or rediss://, got "http:"');
    const noUrl = refusal('://user:secret@host');
    expect(noUrl).toMatch(/is not a URL/);
    expect(noUrl).not.toContain('secret');
    expect(refusal('redis://127.0.0.1:6379', { bus: new LocalBus() })).toMatch(/either redisUrl or your own bus and presence/);
    expect(resolveConfig({ dataDir: 'd', redisUrl: 'rediss://:pw@redis.internal:6380/2' }).redisUrl).toBe('rediss://:pw@redis.internal:6380/2');
  });
});
