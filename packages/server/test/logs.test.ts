import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import jwt from 'jsonwebtoken';
import { CloseCode, type AuthResponse } from '@quickchat/protocol';
import { startTestServer } from './support/server.js';
import { Rest } from './support/rest.js';
import { RawClient } from './support/ws-client.js';
import { upgradeStatus } from './support/upgrade.js';
import { originRefusalLog } from '../src/http/middleware.js';

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

describe('logs', () => {
  it('are structured JSON lines and never contain tokens or passwords', async () => {
    let text = '';
    const logger = pino({ level: 'debug' }, { write: (chunk: string) => void (text += chunk) });
    const t = await startTestServer({ logger });
    const secrets: string[] = [];
    const clients: RawClient[] = [];
    let aliceId = '';
    try {
      const rest = new Rest(t.url);
      const password = 'hunter2-but-longer-password';
      const alice = await rest.register('alice', password);
      aliceId = alice.id;
      const bob = await rest.register('bob', 'bobs own secret phrase');
      secrets.push(password, bob.password, alice.token, alice.refreshToken, bob.token, bob.refreshToken);

      const login = await rest.call<AuthResponse>('POST', '/api/auth/login', { body: { handle: 'alice', password } });
      expect(login.status).toBe(200);
      secrets.push(login.body.tokens.accessToken, login.body.tokens.refreshToken);
      const wrongPassword = 'not-the-password-at-all';
      secrets.push(wrongPassword);
      expect((await rest.call('POST', '/api/auth/login', { body: { handle: 'alice', password: wrongPassword } })).status).toBe(401);

      const refreshed = await rest.call<AuthResponse>('POST', '/api/auth/refresh', { body: { refreshToken: login.body.tokens.refreshToken } });
      expect(refreshed.status).toBe(200);
      secrets.push(refreshed.body.tokens.accessToken, refreshed.body.tokens.refreshToken);

      // A socket with a valid token, kept open until its sign-in is revoked below.
      const live = await RawClient.connect(t.wsUrl, refreshed.body.tokens.accessToken);
      clients.push(live);
      expect(live.frames[0]).toMatchObject({ type: 'ready', userId: alice.id });

      // Sockets with invalid tokens: forged signature, tampered, garbage.
      const forged = jwt.sign({ typ: 'access', fam: 'f_forged' }, 'an attacker secret of sufficient length!!', { algorithm: 'HS256', issuer: 'quickchat', audience: 'quickchat', subject: alice.id, expiresIn: 600 });
      const tampered = alice.token.slice(0, -4) + (alice.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      const garbage = 'garbage-token-' + 'z'.repeat(30);
      secrets.push(forged, tampered, garbage);
      for (const token of [forged, tampered, garbage]) {
        const c = await RawClient.open(t.wsUrl);
        clients.push(c);
        c.send({ type: 'auth', token });
        expect((await c.next()).type).toBe('error');
        expect((await c.closed).code).toBe(CloseCode.AuthFailed);
      }
      // An auth frame too large for the socket (carrying a real token) closes with 1009.
      const big = await RawClient.open(t.wsUrl);
      clients.push(big);
      big.send(JSON.stringify({ type: 'auth', token: bob.token, pad: 'x'.repeat(70_000) }));
      expect((await big.closed).code).toBe(1009);

      // REST with bad bearer tokens.
      for (const token of [tampered, forged, garbage]) {
        const res = await rest.call('GET', '/api/me', { token });
        expect(res.status).toBe(401);
      }
      expect((await rest.call('GET', '/api/me', { headers: { authorization: `Basic ${Buffer.from(`alice:${password}`).toString('base64')}` } })).status).toBe(401);

      // Refresh-token reuse ends the sign-in and its socket.
      expect((await rest.call('POST', '/api/auth/refresh', { body: { refreshToken: login.body.tokens.refreshToken } })).status).toBe(401);
      expect((await live.closed).code).toBe(CloseCode.AuthExpired);

      // Logout of the registration sign-in.
      expect((await rest.call('POST', '/api/auth/logout', { body: { refreshToken: alice.refreshToken } })).status).toBe(204);
      expect((await rest.call('GET', '/api/me', { token: alice.token })).status).toBe(401);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await t.stop();
    }

    const lines = text.split('\n').filter((l) => l.length > 0);
    const parsed = lines.map((l) => JSON.parse(l) as LogLine);
    expect(parsed.length).toBeGreaterThan(5);

    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(10);
      expect(text.includes(secret), `log contains a secret: ${secret.slice(0, 12)}…`).toBe(false);
      // Not even a JWT's signature segment on its own.
      const signature = secret.split('.')[2];
      if (signature) expect(text.includes(signature)).toBe(false);
    }
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/); // no JWT header or payload at all
    expect(text).not.toMatch(/bearer /i);

    const find = (msg: string, match: Record<string, unknown> = {}) => parsed.filter((l) => l.msg === msg && Object.entries(match).every(([k, v]) => l[k] === v));
    expect(find('quickchat server listening')).toHaveLength(1);
    expect(find('user registered', { userId: aliceId })).toHaveLength(1);
    expect(find('user registered')).toHaveLength(2);
    expect(find('session ready', { userId: aliceId })).toHaveLength(1);
    expect(find('session ready')[0]).toEqual(expect.objectContaining({ sessionId: expect.any(String), ip: expect.any(String) }));
    expect(find('refresh family revoked', { userId: aliceId, reason: 'refresh token reuse' })).toHaveLength(1);
    expect(find('refresh family revoked', { userId: aliceId, reason: 'logout' })).toHaveLength(1);
    expect(find('socket error').length).toBeGreaterThanOrEqual(1); // the debug level reached the stream
    expect(find('quickchat server stopped')).toHaveLength(1);
    for (const l of parsed) expect(typeof l.time).toBe('number');
  });

  it('a refused origin is logged as a warning naming it and the setting that allows it, once per origin and kind, for CORS and socket refusals', async () => {
    let text = '';
    const logger = pino({ level: 'info' }, { write: (chunk: string) => void (text += chunk) });
    const allowed = 'https://app.example.com';
    const t = await startTestServer({ logger, allowedOrigins: [allowed], allowNoOrigin: false });
    const foreign = 'https://evil.example.com';
    const other = 'https://other.example.com';
    try {
      // The refused page's preflight passes (so the real request can be answered readably) ...
      for (let i = 0; i < 3; i++) {
        const pre = await fetch(`${t.url}/api/auth/login`, { method: 'OPTIONS', headers: { origin: foreign, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
        expect(pre.status).toBe(204);
        expect(pre.headers.get('access-control-allow-origin')).toBe(foreign);
        // ... and the request itself is refused before any route, with a code the page can read.
        const res = await fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { origin: foreign, 'content-type': 'application/json' }, body: JSON.stringify({ handle: 'alice', password: 'whatever-password' }) });
        expect(res.status).toBe(403);
        expect(res.headers.get('access-control-allow-origin')).toBe(foreign);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('origin_not_allowed');
        expect(await upgradeStatus(t.wsUrl, { origin: foreign })).toBe(403);
      }
      expect(await upgradeStatus(t.wsUrl, { origin: other })).toBe(403);
      expect(await upgradeStatus(t.wsUrl)).toBe(403); // no Origin at all
      // Outside /api/ a refused origin gets no CORS headers; the allowed origin is untouched.
      const health = await fetch(`${t.url}/healthz`, { headers: { origin: foreign } });
      expect(health.headers.get('access-control-allow-origin')).toBeNull();
      const ok = await fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { origin: allowed, 'content-type': 'application/json' }, body: JSON.stringify({ handle: 'alice', password: 'whatever-password' }) });
      expect(ok.status).toBe(401);
      expect(ok.headers.get('access-control-allow-origin')).toBe(allowed);
      // Requests with no Origin (tools, same-origin GETs) are not refused by CORS.
      expect((await fetch(`${t.url}/api/me`)).status).toBe(401);
    } finally {
      await t.stop();
    }
    const parsed = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine);
    const refusals = parsed.filter((l) => l.level === 40 && 'refused' in l);
    const of = (origin: string | null, refused: string) => refusals.filter((l) => l['origin'] === origin && l['refused'] === refused);
    // Seven CORS refusals and three socket refusals of `foreign`: one line each kind.
    expect(of(foreign, 'cors')).toHaveLength(1);
    expect(of(foreign, 'socket')).toHaveLength(1);
    expect(of(other, 'socket')).toHaveLength(1);
    expect(of(null, 'socket')).toHaveLength(1);
    expect(refusals).toHaveLength(4);
    for (const l of [...of(foreign, 'cors'), ...of(foreign, 'socket')]) {
      expect(l.msg).toContain(foreign);
      expect(l.msg).toContain('--allowed-origins');
      expect(l.msg).toContain('QUICKCHAT_ALLOWED_ORIGINS');
      expect(l.msg).toContain('allowedOrigins');
    }
    expect(of(foreign, 'socket')[0]!.msg).toContain('403');
    expect(of(null, 'socket')[0]!.msg).toContain('--allow-no-origin');
    // The request log marks refused requests as such, so a refused preflight is not mistaken for an ordinary one.
    const requests = parsed.filter((l) => l.msg === 'http request' && l['origin'] === foreign);
    expect(requests.length).toBe(7);
    expect(requests.every((l) => l['originRefused'] === true)).toBe(true);
  });

  it('logs a refused origin again once the interval passed, with how many refusals it did not log', () => {
    let text = '';
    let now = 0;
    const log = originRefusalLog(pino({ level: 'info' }, { write: (chunk: string) => void (text += chunk) }), 60_000, () => now);
    for (let i = 0; i < 50; i++) log('https://x.example', 'socket');
    now = 59_999;
    log('https://x.example', 'socket');
    now = 60_000;
    log('https://x.example', 'socket');
    const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine);
    expect(lines).toHaveLength(2);
    expect(lines[0]).not.toHaveProperty('notLoggedSinceLast');
    expect(lines[1]).toMatchObject({ origin: 'https://x.example', refused: 'socket', notLoggedSinceLast: 50 });
  });
});
