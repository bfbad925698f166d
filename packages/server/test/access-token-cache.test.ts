import { afterEach, describe, expect, it, vi } from 'vitest';
import jwt from 'jsonwebtoken';
import { ErrorCode } from '@quickchat/protocol';
import { AccessTokens, isIdentity } from '../src/auth/access-tokens.js';
import { resolveConfig } from '../src/config.js';

/**
 * A token that verified is remembered until it expires, so the same token on every request
 * costs a lookup, not a signature check; expiry and tampering behave exactly as without it.
 */
describe('verified access tokens are cached until they expire', () => {
  const auth = { ...resolveConfig({ dataDir: '/tmp/unused' }).auth, accessTokenTtlSec: 60 };
  const secret = 'a-test-secret-of-at-least-32-bytes-long';

  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('checks the signature once per token, and again for another token', () => {
    const tokens = new AccessTokens(auth, secret);
    const verify = vi.spyOn(jwt, 'verify');
    const { token } = tokens.sign('u_alice', 'f_1');
    const first = tokens.verify(token);
    const second = tokens.verify(token);
    expect(isIdentity(first) && first.userId).toBe('u_alice');
    expect(second).toEqual(first);
    expect(verify).toHaveBeenCalledTimes(1);

    tokens.verify(tokens.sign('u_bob', 'f_2').token);
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('refuses a cached token once it has expired', () => {
    vi.useFakeTimers({ now: 1_800_000_000_000, toFake: ['Date'] });
    const tokens = new AccessTokens(auth, secret);
    const { token } = tokens.sign('u_alice', 'f_1', Date.now());
    expect(isIdentity(tokens.verify(token))).toBe(true);
    vi.setSystemTime(Date.now() + 59_000);
    expect(isIdentity(tokens.verify(token))).toBe(true);
    vi.setSystemTime(Date.now() + 1_000);
    expect(tokens.verify(token)).toMatchObject({ code: ErrorCode.AuthExpired });
  });

  it('never serves a tampered token from the cache', () => {
    const tokens = new AccessTokens(auth, secret);
    const { token } = tokens.sign('u_alice', 'f_1');
    expect(isIdentity(tokens.verify(token))).toBe(true);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'u_mallory' })).toString('base64url')}.${signature}`;
    expect(tokens.verify(forged)).toMatchObject({ code: ErrorCode.Unauthenticated });
    expect(tokens.verify(`${token}x`)).toMatchObject({ code: ErrorCode.Unauthenticated });
  });
});
