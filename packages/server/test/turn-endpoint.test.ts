import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, type TurnCredentialsResponse } from '@quickchat/protocol';
import { schemas } from '@quickchat/protocol/validate';
import { startTestServer, type TestServer } from './support/server.js';
import { Rest, type TestUser } from './support/rest.js';

const URLS = ['stun:127.0.0.1:3478', 'turn:127.0.0.1:3478?transport=udp', 'turns:turn.example.com:5349?transport=tcp'];
const hmac = (secret: string, username: string) => createHmac('sha1', secret).update(username).digest('base64');

describe('GET /api/turn-credentials with TURN configured', () => {
  let t: TestServer;
  let rest: Rest;
  let alice: TestUser;
  let bob: TestUser;
  let secret: string;

  beforeAll(async () => {
    t = await startTestServer({ turn: { urls: URLS, ttlSec: 600 }, limits: { turnCredentialsPerMinute: 5 } });
    rest = new Rest(t.url);
    [alice, bob] = await Promise.all([rest.register('alice'), rest.register('bob')]);
    // The secret the server generated for this install, as coturn's static-auth-secret would be set from it.
    secret = (JSON.parse(readFileSync(join(t.dataDir, 'secrets.json'), 'utf8')) as { turnSecret: string }).turnSecret;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('answers 401 without a token, or with a bad one', async () => {
    const none = await rest.call('GET', '/api/turn-credentials');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe(ErrorCode.Unauthenticated);
    expect(JSON.stringify(none.body)).not.toMatch(/turn:|stun:/);
    const bad = await rest.call('GET', '/api/turn-credentials', { token: `${alice.token}x` });
    expect(bad.status).toBe(401);
  });

  it('issues the configured URLs with a credential for the caller, signed with the install secret, expiring within the TTL', async () => {
    const before = Date.now();
    const res = await rest.call<TurnCredentialsResponse>('GET', '/api/turn-credentials', { token: alice.token });
    const after = Date.now();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(schemas.turnCredentialsResponse.strict().parse(res.body)).toEqual(res.body);
    const body = res.body;
    expect(body.turn).toBe(true);
    expect(body.ttlSeconds).toBe(600);
    expect(body.note).toBeUndefined();
    expect(body.iceServers).toHaveLength(2);
    expect(body.iceServers[0]).toEqual({ urls: ['stun:127.0.0.1:3478'] });
    const turn = body.iceServers[1]!;
    expect(turn.urls).toEqual(URLS.slice(1));
    const [expiry, userId, ...rest_] = turn.username!.split(':');
    expect(rest_).toEqual([]);
    expect(userId).toBe(alice.id);
    expect(Number(expiry) * 1000).toBe(body.expiresAt);
    expect(Number(expiry)).toBeGreaterThan(Math.floor(before / 1000));
    expect(Number(expiry)).toBeLessThanOrEqual(Math.floor(after / 1000) + 600);
    expect(turn.credential).toBe(hmac(secret, turn.username!));
    expect(JSON.stringify(res.body)).not.toContain(secret);
  });

  it("gives each user their own username: bob's embeds bob's id", async () => {
    const res = await rest.call<TurnCredentialsResponse>('GET', '/api/turn-credentials', { token: bob.token });
    expect(res.status).toBe(200);
    const turn = res.body.iceServers.find((s) => s.username)!;
    expect(turn.username).toMatch(new RegExp(`^\\d+:${bob.id}$`));
    expect(turn.credential).toBe(hmac(secret, turn.username!));
  });

  it('is rate-limited per user with 429 and Retry-After', async () => {
    const carol = await rest.register('carol');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await rest.call('GET', '/api/turn-credentials', { token: carol.token })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = await rest.call('GET', '/api/turn-credentials', { token: carol.token });
    expect(refused.body.error.code).toBe(ErrorCode.RateLimited);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another user is not held back by carol's requests.
    expect((await rest.call('GET', '/api/turn-credentials', { token: bob.token })).status).toBe(200);
  });
});

describe('GET /api/turn-credentials with an operator-given secret', () => {
  let t: TestServer;
  afterAll(async () => {
    await t?.stop();
  });

  it('signs with secrets.turnSecret instead of the generated one', async () => {
    t = await startTestServer({ turn: { urls: ['turn:127.0.0.1:3478'] }, secrets: { turnSecret: 'operator-turn-secret' } });
    const rest = new Rest(t.url);
    const dave = await rest.register('dave');
    const res = await rest.call<TurnCredentialsResponse>('GET', '/api/turn-credentials', { token: dave.token });
    const turn = res.body.iceServers[0]!;
    expect(res.body.ttlSeconds).toBe(3600);
    expect(turn.credential).toBe(hmac('operator-turn-secret', turn.username!));
  });
});

describe('GET /api/turn-credentials with no TURN configured', () => {
  let t: TestServer;
  afterAll(async () => {
    await t?.stop();
  });

  it('returns what it has and says that there is no TURN', async () => {
    t = await startTestServer({ turn: { urls: ['stun:stun.example.com:3478'] } });
    const rest = new Rest(t.url);
    const erin = await rest.register('erin');
    expect((await rest.call('GET', '/api/turn-credentials')).status).toBe(401);
    const res = await rest.call<TurnCredentialsResponse>('GET', '/api/turn-credentials', { token: erin.token });
    expect(res.status).toBe(200);
    expect(schemas.turnCredentialsResponse.parse(res.body)).toEqual(res.body);
    expect(res.body.turn).toBe(false);
    expect(res.body.iceServers).toEqual([{ urls: ['stun:stun.example.com:3478'] }]);
    expect(res.body.note).toMatch(/no TURN server is configured/);
  });

  it('with nothing configured at all, hands out no ICE servers', async () => {
    const bare = await startTestServer();
    try {
      const rest = new Rest(bare.url);
      const frank = await rest.register('frank');
      const res = await rest.call<TurnCredentialsResponse>('GET', '/api/turn-credentials', { token: frank.token });
      expect(res.body).toMatchObject({ iceServers: [], turn: false, note: expect.any(String) });
    } finally {
      await bare.stop();
    }
  });
});
