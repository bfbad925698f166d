import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { ErrorCode } from '@quickchat/protocol';
import { MemoryLoginThrottle } from '../src/auth/login-throttle.js';
import { startTestServer, type TestServer } from './support/server.js';
import { Rest } from './support/rest.js';
import { until } from './support/upgrade.js';

/** POST /api/auth/login from a chosen loopback address (127.0.0.0/8 all reaches the server). */
function loginFrom(url: string, ip: string, handle: string, password: string): Promise<{ status: number; body: any; retryAfter: string | undefined }> {
  const target = new URL('/api/auth/login', url);
  const payload = JSON.stringify({ handle, password });
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', localAddress: ip, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), retryAfter: res.headers['retry-after'] }));
      },
    );
    req.once('error', reject);
    req.end(payload);
  });
}

/** Hands out loopback addresses not used before in this file: each looks like a new client. */
let nextIp = 10;
const freshIp = () => `127.0.0.${nextIp++}`;
const password = 'correct horse battery';

describe('per-account login throttling over REST', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ limits: { loginFailuresBeforeDelay: 3, loginDelayBaseMs: 1000, loginDelayMaxMs: 4000, loginFailureDecayMs: 60_000 } });
    const rest = new Rest(t.url);
    for (const handle of ['victim', 'bystander', 'burst']) await rest.register(handle, password);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('failures spread over many addresses get the account throttled; the right password works after the delay; other accounts are unaffected', async () => {
    for (let i = 0; i < 3; i++) expect((await loginFrom(t.url, freshIp(), 'victim', `wrong-${i}`)).status).toBe(401);

    // From yet another address, even the right password waits: nothing is checked while throttled.
    const throttled = await loginFrom(t.url, freshIp(), 'victim', password);
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe(ErrorCode.RateLimited);
    expect(throttled.body.error.retryAfterMs).toBeGreaterThan(0);
    expect(throttled.body.error.retryAfterMs).toBeLessThanOrEqual(1000);
    expect(throttled.retryAfter).toBe('1');
    // Same case-insensitive handle, same account.
    expect((await loginFrom(t.url, freshIp(), 'VICTIM', 'wrong')).status).toBe(429);

    expect((await loginFrom(t.url, freshIp(), 'bystander', password)).status).toBe(200);

    let ok: Awaited<ReturnType<typeof loginFrom>> | null = null;
    await until(async () => (ok = await loginFrom(t.url, freshIp(), 'victim', password)).status !== 429, 'the delay has passed', 5000, 50);
    expect(ok!.status).toBe(200);
    expect(ok!.body.user.handle).toBe('victim');

    // Success forgave the failures: a wrong password is a plain 401 again.
    expect((await loginFrom(t.url, freshIp(), 'victim', 'wrong')).status).toBe(401);
  });

  it('guesses sent at the same moment from many addresses do not slip through together', async () => {
    const attempts = await Promise.all(Array.from({ length: 10 }, () => loginFrom(t.url, freshIp(), 'burst', 'wrong password')));
    const statuses = attempts.map((a) => a.status).sort();
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
  });
});

describe('login throttling never locks the real user out', () => {
  let t: TestServer;

  beforeAll(async () => {
    // A long delay, so the account stays throttled for the whole test.
    t = await startTestServer({ limits: { loginFailuresBeforeDelay: 3, loginDelayBaseMs: 60_000, loginDelayMaxMs: 120_000 } });
    await new Rest(t.url).register('regular', password);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('an address the user signed in from before is not held to the delay an attacker caused', async () => {
    const home = freshIp();
    expect((await loginFrom(t.url, home, 'regular', password)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await loginFrom(t.url, freshIp(), 'regular', 'wrong')).status).toBe(401);
    expect((await loginFrom(t.url, freshIp(), 'regular', password)).status).toBe(429);
    expect((await loginFrom(t.url, home, 'regular', password)).status).toBe(200);
    // The home address's own typos are counted for it alone.
    for (let i = 0; i < 3; i++) expect((await loginFrom(t.url, home, 'regular', 'typo')).status).toBe(401);
    expect((await loginFrom(t.url, home, 'regular', password)).status).toBe(429);
  });
});

describe('MemoryLoginThrottle', () => {
  const policy = { freeFailures: 2, baseDelayMs: 1000, maxDelayMs: 8000, decayMs: 60_000 };

  it('waits exponentially after the free failures, up to the maximum, per account', () => {
    const th = new MemoryLoginThrottle(policy);
    expect(th.attempt('a', 'ip1', 0)).toBe(0);
    expect(th.attempt('a', 'ip2', 0)).toBe(0);
    expect(th.attempt('a', 'ip3', 0)).toBe(1000);
    expect(th.attempt('a', 'ip3', 600)).toBe(400); // a refused attempt is not counted
    const waits: number[] = [];
    let now = 1000;
    for (let i = 0; i < 5; i++) {
      expect(th.attempt('a', `x${i}`, now)).toBe(0);
      const wait = th.attempt('a', 'y', now);
      waits.push(wait);
      now += wait;
    }
    expect(waits).toEqual([2000, 4000, 8000, 8000, 8000]);
    expect(th.attempt('b', 'ip1', now)).toBe(0);
  });

  it('forgets one failure per decay period and all of them on success', () => {
    const th = new MemoryLoginThrottle(policy);
    th.attempt('a', 'ip', 0);
    th.attempt('a', 'ip', 0);
    expect(th.attempt('a', 'ip', 1000)).toBe(0);
    expect(th.attempt('a', 'ip', 1000)).toBe(2000);
    // A minute later one of the three is forgotten; the 1 s wait of the two left is long over.
    expect(th.attempt('a', 'ip', 61_000)).toBe(0);
    expect(th.attempt('a', 'ip', 61_000)).toBe(2000); // 2 left + 1 new
    th.succeeded('a', 'ip', 61_001);
    expect(th.attempt('a', 'other', 61_001)).toBe(0);
  });

  it('a known address has its own counter for the account', () => {
    const th = new MemoryLoginThrottle(policy);
    th.succeeded('a', 'home', 0);
    for (let i = 0; i < 10; i++) th.attempt('a', `bad${i}`, 1);
    expect(th.attempt('a', 'elsewhere', 1)).toBeGreaterThan(0);
    expect(th.attempt('a', 'home', 1)).toBe(0);
    expect(th.attempt('a', 'home', 1)).toBe(0);
    expect(th.attempt('a', 'home', 1)).toBe(1000);
  });

  it('keeps at most maxEntries accounts', () => {
    const th = new MemoryLoginThrottle({ ...policy, maxEntries: 3 });
    th.attempt('first', 'ip', 0);
    th.attempt('first', 'ip', 0);
    for (const account of ['b', 'c', 'd']) th.attempt(account, 'ip', 0);
    expect(th.attempt('first', 'ip', 0)).toBe(0);
  });
});
