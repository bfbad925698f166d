import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { CloseCode, ErrorCode, type AuthResponse, type PublicUser, type ReadyFrame } from '@quickchat/protocol';
import type { ServerOptions } from '../src/config.js';
import { startTestServer, type TestServer } from './support/server.js';
import { Rest } from './support/rest.js';
import { RawClient } from './support/ws-client.js';
import { authAndWaitClose, decodeJwt, waitUntil } from './support/tokens.js';

describe('accounts and authentication', () => {
  let t: TestServer;
  let rest: Rest;
  const extraServers: TestServer[] = [];
  const clients: RawClient[] = [];
  const connect = async (token: string, server: TestServer = t) => {
    const c = await RawClient.connect(server.wsUrl, token);
    clients.push(c);
    return c;
  };
  /** A server with non-default options; stopped after the test. */
  const startServer = async (overrides: Partial<ServerOptions>) => {
    const s = await startTestServer(overrides);
    extraServers.push(s);
    return s;
  };
  /** True if the socket answers a ping; false if it is (or gets) closed instead. */
  const answers = (c: RawClient) => Promise.race([c.roundTrip().then(() => true), c.closed.then(() => false)]);
  const refresh = (r: Rest, refreshToken: string) => r.call<AuthResponse>('POST', '/api/auth/refresh', { body: { refreshToken } });
  const login = (r: Rest, handle: string, password: string) => r.call<AuthResponse>('POST', '/api/auth/login', { body: { handle, password } });
  /** Waits for the next whole second, so a token issued right after has (almost) its full TTL left. */
  const nextSecond = () => {
    const boundary = Math.ceil((Date.now() + 1) / 1000) * 1000;
    return waitUntil(() => Date.now() >= boundary, 2000, 'the next second');
  };
  const withDb = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(t.dbFile, { readonly: true });
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };

  beforeEach(async () => {
    t = await startTestServer();
    rest = new Rest(t.url);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(extraServers.splice(0).map((s) => s.stop()));
    await t.stop();
  });

  it('registers with 201, lowercases the handle, and refuses a taken handle in any case with 409', async () => {
    const res = await rest.call<AuthResponse>('POST', '/api/auth/register', { body: { handle: 'Alice_Smith', displayName: 'Alice', password: 'correct horse battery' } });
    expect(res.status).toBe(201);
    expect(res.body.user).toEqual({ id: expect.stringMatching(/^u_/), handle: 'alice_smith', displayName: 'Alice', avatarUrl: null, signature: '' });
    expect(res.body.tokens.accessToken).toEqual(expect.any(String));
    expect(res.body.tokens.refreshToken).toEqual(expect.any(String));
    const me = await rest.call<PublicUser>('GET', '/api/me', { token: res.body.tokens.accessToken });
    expect(me.body).toEqual(res.body.user);

    const dup = await rest.call('POST', '/api/auth/register', { body: { handle: 'ALICE_smith', displayName: 'Other', password: 'another password' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe(ErrorCode.Conflict);
    expect(withDb((db) => db.prepare('SELECT handle, display_name FROM users').all())).toEqual([{ handle: 'alice_smith', display_name: 'Alice' }]);
  });

  it('refuses invalid register bodies with 400 validation and creates nobody', async () => {
    const good = { handle: 'valid_handle', displayName: 'Valid', password: 'long enough pw' };
    const bad: { body?: unknown; rawBody?: string }[] = [
      { body: { ...good, handle: 'ab' } },
      { body: { ...good, handle: 'x'.repeat(33) } },
      { body: { ...good, handle: 'has space' } },
      { body: { ...good, handle: 'dash-ed' } },
      { body: { ...good, handle: 42 } },
      { body: { ...good, password: 'short' } },
      { body: { ...good, password: 'p'.repeat(257) } },
      { body: { ...good, displayName: '   ' } },
      { body: { handle: good.handle, password: good.password } },
      { body: { handle: good.handle, displayName: good.displayName } },
      { body: [good] },
      { rawBody: '{"handle": "valid_handle",' },
      { rawBody: '' },
    ];
    for (const input of bad) {
      const res = await rest.call('POST', '/api/auth/register', input);
      expect({ input, status: res.status, code: res.body?.error?.code }).toEqual({ input, status: 400, code: expect.stringMatching(/^(validation|bad_frame)$/) });
    }
    expect(withDb((db) => db.prepare('SELECT COUNT(*) AS n FROM users').get())).toEqual({ n: 0 });
  });

  it('logs in (handle in any case); wrong password and unknown handle get the same 401 body', async () => {
    const alice = await rest.register('alice', 'correct horse battery');
    const ok = await login(rest, 'ALICE', 'correct horse battery');
    expect(ok.status).toBe(200);
    expect(ok.body.user.id).toBe(alice.id);
    expect((await rest.call<PublicUser>('GET', '/api/me', { token: ok.body.tokens.accessToken })).body.id).toBe(alice.id);

    const wrongPassword = await login(rest, 'alice', 'incorrect horse battery');
    const unknownHandle = await login(rest, 'nobody_here', 'correct horse battery');
    expect(wrongPassword.status).toBe(401);
    expect(unknownHandle.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownHandle.body);
    expect((wrongPassword.body as unknown as { error: { code: string } }).error.code).toBe(ErrorCode.Unauthenticated);
  });

  it('stores an argon2id hash (m=19456,t=2,p=1) that no response ever contains', async () => {
    const password = 'a secret passphrase';
    const alice = await rest.register('alice', password);
    const bob = await rest.register('bob');
    const hash = withDb((db) => (db.prepare('SELECT password_hash FROM users WHERE id = ?').get(alice.id) as { password_hash: string }).password_hash);
    // PHC string: $argon2id$v=19$<params>$<salt>$<hash>; argon2 writes the params in any order.
    const phc = /^\$argon2id\$v=19\$([a-z]=\d+(?:,[a-z]=\d+)*)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.exec(hash);
    expect(phc, hash).not.toBeNull();
    expect(Object.fromEntries(phc![1]!.split(',').map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])]))).toEqual({ m: 19456, t: 2, p: 1 });
    expect(hash).not.toContain(password);

    const bodies: unknown[] = [];
    const keep = <T>(res: { status: number; body: T }) => {
      expect(res.status).toBeLessThan(300);
      bodies.push(res.body);
      return res.body;
    };
    keep(await rest.call('POST', '/api/auth/register', { body: { handle: 'carol', displayName: 'Carol', password } }));
    const logged = keep(await login(rest, 'alice', password));
    keep(await refresh(rest, logged.tokens.refreshToken));
    keep(await rest.call('GET', '/api/me', { token: alice.token }));
    keep(await rest.call('PATCH', '/api/me', { token: alice.token, body: { signature: 'hello' } }));
    keep(await rest.call('GET', `/api/users/${alice.id}`, { token: bob.token }));
    keep(await rest.call('GET', '/api/users/by-handle/alice', { token: bob.token }));
    const socket = await connect(alice.token);
    bodies.push(...socket.frames);
    for (const body of bodies) {
      const text = JSON.stringify(body);
      expect(text).not.toContain(hash);
      expect(text).not.toMatch(/password|argon2/i);
    }
  });

  it('issues short-lived access tokens: exp - iat equals accessTokenTtlSec (default 900)', async () => {
    const alice = await rest.register('alice');
    const claims = decodeJwt(alice.token);
    expect(claims['sub']).toBe(alice.id);
    expect((claims['exp'] as number) - (claims['iat'] as number)).toBe(900);
    const loggedIn = await login(rest, 'alice', alice.password);
    const loginClaims = decodeJwt(loggedIn.body.tokens.accessToken);
    expect((loginClaims['exp'] as number) - (loginClaims['iat'] as number)).toBe(900);
    expect(loggedIn.body.tokens.accessTokenExpiresAt).toBe((loginClaims['exp'] as number) * 1000);

    const short = await startServer({ auth: { accessTokenTtlSec: 120 } });
    const shortRest = new Rest(short.url);
    const bob = await shortRest.register('bob');
    const refreshed = await refresh(shortRest, bob.refreshToken);
    for (const token of [bob.token, refreshed.body.tokens.accessToken]) {
      const c = decodeJwt(token);
      expect((c['exp'] as number) - (c['iat'] as number)).toBe(120);
    }
  });

  it('rotates refresh tokens; reusing an old one revokes the whole sign-in and closes its sockets', async () => {
    const alice = await rest.register('alice');
    const socket = await connect(alice.token);
    const other = await login(rest, 'alice', alice.password);
    const otherSocket = await connect(other.body.tokens.accessToken);

    const first = await refresh(rest, alice.refreshToken);
    expect(first.status).toBe(200);
    const r2 = first.body.tokens.refreshToken;
    expect(r2).not.toBe(alice.refreshToken);
    const second = await refresh(rest, r2); // the new token works
    expect(second.status).toBe(200);
    const newest = second.body.tokens;
    expect((await rest.call('GET', '/api/me', { token: newest.accessToken })).status).toBe(200);
    expect(await answers(socket)).toBe(true);

    const reuse = await refresh(rest, r2); // already rotated: reuse
    expect(reuse.status).toBe(401);
    expect((reuse.body as unknown as { error: { code: string } }).error.code).toBe(ErrorCode.Unauthenticated);
    expect((await refresh(rest, newest.refreshToken)).status).toBe(401);
    expect(await answers(socket)).toBe(false);
    expect((await socket.closed).code).toBe(CloseCode.AuthExpired);
    expect((await refresh(rest, alice.refreshToken)).status).toBe(401);
    expect((await rest.call('GET', '/api/me', { token: newest.accessToken })).status).toBe(401);
    const refused = await authAndWaitClose(t.wsUrl, newest.accessToken);
    expect(refused.close.code).toBe(CloseCode.AuthFailed);

    // The other sign-in of the same user is untouched.
    expect(await answers(otherSocket)).toBe(true);
    expect((await refresh(rest, other.body.tokens.refreshToken)).status).toBe(200);
  });

  it('stores refresh tokens only as their sha256 hex', async () => {
    const alice = await rest.register('alice');
    const rotated = await refresh(rest, alice.refreshToken);
    const raw = [alice.refreshToken, rotated.body.tokens.refreshToken];
    const rows = withDb((db) => db.prepare('SELECT * FROM refresh_tokens').all() as Record<string, unknown>[]);
    expect(rows).toHaveLength(2);
    const values = rows.flatMap((row) => Object.values(row).map(String));
    for (const token of raw) {
      expect(values.some((v) => v.includes(token))).toBe(false);
      expect(rows.map((r) => r['token_hash'])).toContain(createHash('sha256').update(token).digest('hex'));
    }
    // Nor anywhere in the database files.
    for (const file of [t.dbFile, `${t.dbFile}-wal`].filter((f) => existsSync(f))) {
      const bytes = readFileSync(file);
      for (const token of raw) expect(bytes.includes(Buffer.from(token))).toBe(false);
    }
  });

  it('logout revokes that sign-in and closes only its sockets', async () => {
    const alice = await rest.register('alice');
    const second = (await login(rest, 'alice', alice.password)).body.tokens;
    const s1 = await connect(alice.token);
    const s1b = await connect(alice.token);
    const s2 = await connect(second.accessToken);

    const out = await rest.call('POST', '/api/auth/logout', { body: { refreshToken: alice.refreshToken } });
    expect(out.status).toBe(204);
    expect(await answers(s1)).toBe(false);
    expect((await s1.closed).code).toBe(CloseCode.AuthExpired);
    expect((await s1b.closed).code).toBe(CloseCode.AuthExpired);
    expect(await answers(s2)).toBe(true);

    const rest401 = await rest.call('GET', '/api/me', { token: alice.token });
    expect(rest401.status).toBe(401);
    expect(rest401.body.error.code).toBe(ErrorCode.Unauthenticated);
    const refused = await authAndWaitClose(t.wsUrl, alice.token);
    expect(refused.frames).toEqual([expect.objectContaining({ type: 'error', code: ErrorCode.Unauthenticated })]);
    expect(refused.close.code).toBe(CloseCode.AuthFailed);
    expect((await refresh(rest, alice.refreshToken)).status).toBe(401);

    expect((await rest.call('GET', '/api/me', { token: second.accessToken })).status).toBe(200);
    expect((await refresh(rest, second.refreshToken)).status).toBe(200);
    // An unknown refresh token is ignored, not an error.
    expect((await rest.call('POST', '/api/auth/logout', { body: { refreshToken: 'not-a-real-token' } })).status).toBe(204);
  });

  it('refuses REST calls without a valid access token', async () => {
    const alice = await rest.register('alice');
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer not.a.jwt' }, { authorization: alice.token }, { authorization: `Basic ${alice.token}` }];
    for (const headers of attempts) {
      const res = await rest.call('GET', '/api/me', { headers });
      expect({ headers, status: res.status, code: res.body?.error?.code }).toEqual({ headers, status: 401, code: ErrorCode.Unauthenticated });
    }
    const tampered = alice.token.slice(0, -2) + (alice.token.endsWith('AA') ? 'BB' : 'AA');
    expect((await rest.call('GET', '/api/me', { token: tampered })).status).toBe(401);
  });

  it('updates the profile, validates it, and shows updates to other users', async () => {
    const alice = await rest.register('alice');
    const bob = await rest.register('bob');
    const patch = { displayName: '  Alice A.  ', avatarUrl: 'https://cdn.example.com/a/alice.png', signature: 's'.repeat(280) };
    const updated = await rest.call<PublicUser>('PATCH', '/api/me', { token: alice.token, body: patch });
    expect(updated.status).toBe(200);
    const expected = { id: alice.id, handle: 'alice', displayName: 'Alice A.', avatarUrl: patch.avatarUrl, signature: patch.signature };
    expect(updated.body).toEqual(expected);
    expect((await rest.call('GET', '/api/me', { token: alice.token })).body).toEqual(expected);
    expect((await rest.call('GET', `/api/users/${alice.id}`, { token: bob.token })).body).toEqual(expected);

    const invalid = [
      { avatarUrl: 'javascript:alert(1)' },
      { avatarUrl: 'https://cdn.example.com/evil.svg' },
      { avatarUrl: 'https://cdn.example.com/evil.SVGZ' },
      { avatarUrl: 'data:image/png;base64,AAAA' },
      { avatarUrl: 'not a url' },
      { signature: 's'.repeat(281) },
      { displayName: '' },
      { displayName: 'd'.repeat(65) },
      { signature: 5 },
      {},
    ];
    for (const body of invalid) {
      const res = await rest.call('PATCH', '/api/me', { token: alice.token, body });
      expect({ body, status: res.status, code: res.body?.error?.code }).toEqual({ body, status: 400, code: ErrorCode.Validation });
    }
    expect((await rest.call('GET', `/api/users/${alice.id}`, { token: bob.token })).body).toEqual(expected);

    // Partial update: only the given field changes; null clears the avatar.
    const cleared = await rest.call<PublicUser>('PATCH', '/api/me', { token: alice.token, body: { avatarUrl: null } });
    expect(cleared.body).toEqual({ ...expected, avatarUrl: null });
    expect((await rest.call('GET', `/api/users/${alice.id}`, { token: bob.token })).body).toEqual({ ...expected, avatarUrl: null });
    expect((await rest.call('PATCH', '/api/me', { body: { signature: 'x' } })).status).toBe(401);
  });

  it('finds users by exact handle in any case; unknown handles and ids are 404', async () => {
    const alice = await rest.register('alice');
    const bob = await rest.register('bob');
    for (const handle of ['alice', 'ALICE', 'AlIcE']) {
      const res = await rest.call<PublicUser>('GET', `/api/users/by-handle/${handle}`, { token: bob.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: alice.id, handle: 'alice', displayName: 'alice', avatarUrl: null, signature: '' });
    }
    for (const path of ['/api/users/by-handle/ali', '/api/users/by-handle/alice_', '/api/users/by-handle/nobody', '/api/users/u_doesnotexist']) {
      const res = await rest.call('GET', path, { token: bob.token });
      expect({ path, status: res.status, code: res.body?.error?.code }).toEqual({ path, status: 404, code: ErrorCode.NotFound });
    }
    expect((await rest.call('GET', '/api/users/by-handle/alice')).status).toBe(401);
  });

  it('validates path parameters like bodies: a malformed handle or user id is a 400 naming the parameter, not a store lookup', async () => {
    const bob = await rest.register('bob');
    const malformed = [
      ['/api/users/by-handle/ab', 'handle'],
      [`/api/users/by-handle/${'h'.repeat(33)}`, 'handle'],
      ['/api/users/by-handle/%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80', 'handle'],
      [`/api/users/${'u'.repeat(65)}`, 'userId'],
      ['/api/users/u%20space', 'userId'],
    ] as const;
    for (const [path, param] of malformed) {
      const res = await rest.call('GET', path, { token: bob.token });
      expect({ path, status: res.status, code: res.body?.error?.code }).toEqual({ path, status: 400, code: ErrorCode.Validation });
      expect(res.body.error.message).toContain(param);
    }
  });

  it('closes a socket with 4003 when its access token expires', async () => {
    const s = await startServer({ auth: { accessTokenTtlSec: 1 } });
    const r = new Rest(s.url);
    const alice = await r.register('alice');
    await nextSecond();
    const fresh = (await refresh(r, alice.refreshToken)).body.tokens;
    const expClaim = decodeJwt(fresh.accessToken)['exp'] as number;
    expect(expClaim - (decodeJwt(fresh.accessToken)['iat'] as number)).toBe(1);
    const socket = await connect(fresh.accessToken, s);
    const closed = await socket.closed;
    expect(closed.code).toBe(CloseCode.AuthExpired);
    expect(Date.now()).toBeGreaterThanOrEqual(expClaim * 1000 - 50);
    const expiredRest = await r.call('GET', '/api/me', { token: fresh.accessToken });
    expect(expiredRest.status).toBe(401);
    expect(expiredRest.body.error.code).toBe(ErrorCode.AuthExpired);
    const late = await authAndWaitClose(s.wsUrl, fresh.accessToken);
    expect(late.frames).toEqual([expect.objectContaining({ type: 'error', code: ErrorCode.AuthExpired })]);
    expect(late.close.code).toBe(CloseCode.AuthExpired);
  });

  it('an auth frame with a fresh token keeps the socket open past the first token expiry', async () => {
    const s = await startServer({ auth: { accessTokenTtlSec: 2 } });
    const r = new Rest(s.url);
    const alice = await r.register('alice');
    await nextSecond();
    const first = (await refresh(r, alice.refreshToken)).body.tokens;
    const socket = await connect(first.accessToken, s);
    const exp1 = (decodeJwt(first.accessToken)['exp'] as number) * 1000;
    // Wait into the next second so the refreshed token expires later than the first.
    await nextSecond();
    const second = (await refresh(r, first.refreshToken)).body.tokens;
    const exp2 = (decodeJwt(second.accessToken)['exp'] as number) * 1000;
    expect(exp2).toBeGreaterThan(exp1);
    expect(Date.now()).toBeLessThan(exp1);
    socket.send({ type: 'auth', token: second.accessToken });
    const ready = await socket.next<ReadyFrame>((f) => f.type === 'ready');
    expect(ready.userId).toBe(alice.id);

    // Past the first token's expiry (with margin for timer jitter), the socket still answers.
    await waitUntil(() => Date.now() >= exp1 + 250, 5000, 'first token expiry');
    expect(await answers(socket)).toBe(true);
    // The second token's expiry is enforced in turn.
    expect((await socket.closed).code).toBe(CloseCode.AuthExpired);
  });

  it('closes with 4002 when an authenticated socket sends an auth frame for another user', async () => {
    const alice = await rest.register('alice');
    const bob = await rest.register('bob');
    const socket = await connect(alice.token);
    socket.send({ type: 'auth', token: bob.token });
    expect(await answers(socket)).toBe(false);
    expect((await socket.closed).code).toBe(CloseCode.AuthFailed);
    expect(socket.frames.filter((f) => f.type === 'ready').map((f) => (f as ReadyFrame).userId)).toEqual([alice.id]);
    // Bob's own sign-in is unaffected.
    const bobSocket = await connect(bob.token);
    expect(await answers(bobSocket)).toBe(true);
  });

  it('rate-limits login/register per IP with 429, rate_limited and Retry-After', async () => {
    const s = await startServer({ limits: { authAttemptsPerMinute: 3 } });
    const r = new Rest(s.url);
    const alice = await r.register('alice'); // 1
    expect((await login(r, 'alice', alice.password)).status).toBe(200); // 2
    expect((await login(r, 'alice', 'wrong password!')).status).toBe(401); // 3
    for (const attempt of [() => login(r, 'alice', alice.password), () => r.call('POST', '/api/auth/register', { body: { handle: 'bob', displayName: 'Bob', password: 'long enough pw' } })]) {
      const limited = await attempt();
      expect(limited.status).toBe(429);
      expect((limited.body as unknown as { error: { code: string } }).error.code).toBe(ErrorCode.RateLimited);
      const retryAfter = limited.headers.get('retry-after');
      expect(retryAfter).toMatch(/^\d+$/);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    }
    // The refused registration created nothing; authenticated routes are not limited.
    expect((await r.call('GET', '/api/users/by-handle/bob', { token: alice.token })).status).toBe(404);
  });
});
