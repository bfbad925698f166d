import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import jwt from 'jsonwebtoken';
import { CloseCode, type AuthResponse } from '@quickchat/protocol';
import { startTestServer } from './support/server.js';
import { Rest } from './support/rest.js';
import { RawClient } from './support/ws-client.js';

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
});
