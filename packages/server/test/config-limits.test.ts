import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, DEFAULT_LIMITS, resolveConfig } from '../src/config.js';

/** The limits added for HTTP connections and login throttling are checked at startup. */
describe('HTTP and login limits in the configuration', () => {
  const resolve = (limits: Record<string, number>) => () => resolveConfig({ dataDir: '/tmp/unused', limits });

  it('has sensible defaults', () => {
    expect(DEFAULT_LIMITS.httpConnectionsPerIp).toBe(128);
    expect(DEFAULT_LIMITS.loginFailuresBeforeDelay).toBe(5);
    expect(DEFAULT_LIMITS.loginDelayBaseMs).toBeLessThanOrEqual(DEFAULT_LIMITS.loginDelayMaxMs);
    expect(DEFAULT_LIMITS.headersTimeoutMs).toBeLessThanOrEqual(DEFAULT_LIMITS.requestTimeoutMs);
  });

  it.each<[string, Record<string, number>, RegExp]>([
    ['a headers timeout longer than the request timeout', { headersTimeoutMs: 40_000, requestTimeoutMs: 30_000 }, /headersTimeoutMs/],
    ['a base login delay above the maximum', { loginDelayBaseMs: 10_000, loginDelayMaxMs: 5000 }, /loginDelayBaseMs/],
    ['no HTTP connections per IP', { httpConnectionsPerIp: 0 }, /httpConnectionsPerIp/],
    ['a negative failure count', { loginFailuresBeforeDelay: -1 }, /loginFailuresBeforeDelay/],
  ])('refuses %s with a ConfigError naming it', (_label, limits, name) => {
    expect(resolve(limits)).toThrow(ConfigError);
    expect(resolve(limits)).toThrow(name);
  });
});

describe('external verification keys are read at startup', () => {
  const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }).publicKey;
  const external = (algorithm: 'RS256' | 'ES256', key: string) => () =>
    resolveConfig({ dataDir: '/tmp/unused', auth: { external: { issuer: 'https://host.example', audience: 'chat', algorithm, key } } });

  it('accepts a matching public key', () => {
    expect(external('RS256', rsaPem)).not.toThrow();
  });

  it('refuses an unreadable PEM and a key of the wrong kind with a ConfigError', () => {
    expect(external('RS256', '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n')).toThrow(/not a readable PEM public key/);
    expect(external('ES256', rsaPem)).toThrow(ConfigError);
    expect(external('ES256', rsaPem)).toThrow(/must be an EC public key, got rsa/);
  });
});
