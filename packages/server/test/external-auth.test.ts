import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import Database from 'better-sqlite3';
import { CloseCode, ErrorCode, dmConversationId, type AckFrame, type MessageFrame, type PublicUser, type ReadyFrame } from '@quickchat/protocol';
import { createServer } from '../src/app.js';
import { ConfigError, type ExternalAuthOptions, type ServerOptions } from '../src/config.js';
import { startTestServer, type TestServer } from './support/server.js';
import { Rest, type TestUser } from './support/rest.js';
import { RawClient } from './support/ws-client.js';
import { authAndWaitClose, rawJwt } from './support/tokens.js';

const ISSUER = 'https://auth.host-app.example';
const AUDIENCE = 'host-app-chat';

const pemPair = (type: 'rsa' | 'ec'): { publicKey: string; privateKey: string } => {
  if (type === 'rsa') {
    return generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  }
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
};
const rsa = pemPair('rsa');
const rsaOther = pemPair('rsa');
const ec = pemPair('ec');
const ecOther = pemPair('ec');
const hsSecret = randomBytes(32).toString('base64url');
const hsOther = randomBytes(32).toString('base64url');

interface Variant {
  algorithm: ExternalAuthOptions['algorithm'];
  /** What the server is configured with. */
  key: string;
  /** What the host app signs with. */
  signKey: string;
  /** A key of the same kind the server does not know. */
  wrongKey: string;
  /** A token that tries to use a different algorithm than the configured one. */
  confused: (claims: Record<string, unknown>) => { label: string; token: string };
}

/** HS256 signed with `key` as the HMAC secret, e.g. a public key (algorithm confusion). */
const hs256With = (key: string, claims: Record<string, unknown>) => {
  const unsigned = rawJwt({ alg: 'HS256', typ: 'JWT' }, claims).slice(0, -1);
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
};

const variants: Variant[] = [
  {
    algorithm: 'HS256',
    key: hsSecret,
    signKey: hsSecret,
    wrongKey: hsOther,
    confused: (claims) => ({ label: 'an RS256 token', token: jwt.sign(claims, rsa.privateKey, { algorithm: 'RS256' }) }),
  },
  {
    algorithm: 'RS256',
    key: rsa.publicKey,
    signKey: rsa.privateKey,
    wrongKey: rsaOther.privateKey,
    confused: (claims) => ({ label: 'HS256 signed with the RS256 public key', token: hs256With(rsa.publicKey, claims) }),
  },
  {
    algorithm: 'ES256',
    key: ec.publicKey,
    signKey: ec.privateKey,
    wrongKey: ecOther.privateKey,
    confused: (claims) => ({ label: 'HS256 signed with the ES256 public key', token: hs256With(ec.publicKey, claims) }),
  },
];

const nowSec = () => Math.floor(Date.now() / 1000);

describe.each(variants)('bring-your-own identity ($algorithm)', (v) => {
  let t: TestServer;
  let rest: Rest;
  const clients: RawClient[] = [];
  const connect = async (token: string) => {
    const c = await RawClient.connect(t.wsUrl, token);
    clients.push(c);
    return c;
  };
  const sign = (sub: string, extra: Record<string, unknown> = {}, key = v.signKey) =>
    jwt.sign({ sub, iss: ISSUER, aud: AUDIENCE, exp: nowSec() + 300, ...extra }, key, { algorithm: v.algorithm });
  const userRows = (id: string) => {
    const db = new Database(t.dbFile, { readonly: true });
    try {
      return db.prepare('SELECT id, handle, display_name, avatar_url, password_hash FROM users WHERE id = ?').all(id);
    } finally {
      db.close();
    }
  };

  beforeEach(async () => {
    t = await startTestServer({ auth: { external: { issuer: ISSUER, audience: AUDIENCE, algorithm: v.algorithm, key: v.key } } });
    rest = new Rest(t.url);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await t.stop();
  });

  it('accepts a host-signed token on socket and REST and provisions the user once', async () => {
    const sub = 'alice@host-app';
    const picture = 'https://img.host-app.example/alice.png';
    expect(userRows(sub)).toEqual([]);
    const socket = await connect(sign(sub, { name: 'Alice Host', picture }));
    expect((socket.frames[0] as ReadyFrame).userId).toBe(sub);
    expect(userRows(sub)).toEqual([{ id: sub, handle: null, display_name: 'Alice Host', avatar_url: picture, password_hash: null }]);

    const me = await rest.call<PublicUser>('GET', '/api/me', { token: sign(sub, { name: 'Alice Host', picture }) });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: sub, handle: null, displayName: 'Alice Host', avatarUrl: picture, signature: '' });

    // A second token (new iat/exp, other claims) for the same sub neither fails nor duplicates.
    const again = sign(sub, { name: 'Alice Renamed', iat: nowSec() - 5, exp: nowSec() + 600 });
    const second = await connect(again);
    expect((second.frames[0] as ReadyFrame).userId).toBe(sub);
    expect((await rest.call('GET', '/api/me', { token: again })).status).toBe(200);
    expect(userRows(sub)).toHaveLength(1);

    // First sight over REST provisions too; a bad picture claim is dropped, not fatal.
    const bobToken = sign('bob:42', { name: 'Bob', picture: 'javascript:alert(1)' });
    const bob = await rest.call<PublicUser>('GET', '/api/me', { token: bobToken });
    expect(bob.body).toEqual({ id: 'bob:42', handle: null, displayName: 'Bob', avatarUrl: null, signature: '' });
    expect((await rest.call<PublicUser>('GET', '/api/users/bob:42', { token: again })).body.displayName).toBe('Bob');
  });

  it('never lets a host-signed token speak for a built-in account with the same id', async () => {
    const alice = await rest.register('alice');
    const forged = sign(alice.id, { name: 'Not Alice' });
    const me = await rest.call('GET', '/api/me', { token: forged });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe(ErrorCode.Unauthenticated);
    const { close } = await authAndWaitClose(t.wsUrl, forged);
    expect(close.code).toBe(CloseCode.AuthFailed);
    // The real account is untouched and still works.
    expect(userRows(alice.id)).toMatchObject([{ handle: 'alice', display_name: 'alice' }]);
    expect((await rest.call<PublicUser>('GET', '/api/me', { token: alice.token })).body.id).toBe(alice.id);
  });

  it('lets two external users befriend each other and exchange a DM', async () => {
    const a: TestUser = { id: 'ann.ext', handle: '', token: sign('ann.ext', { name: 'Ann' }), refreshToken: '', password: '' };
    const b: TestUser = { id: 'ben_ext', handle: '', token: sign('ben_ext', { name: 'Ben' }), refreshToken: '', password: '' };
    const sa = await connect(a.token);
    const sb = await connect(b.token);
    await rest.befriend(a, b);
    const conv = dmConversationId(a.id, b.id);
    sa.send({ type: 'send', id: 1, conversationId: conv, clientMsgId: 'hello-1', content: { type: 'text', text: 'hi Ben' } });
    expect(await sa.next<AckFrame>((f) => f.type === 'ack')).toMatchObject({ id: 1, conversationId: conv, seq: 1, duplicate: false });
    const got = await sb.next<MessageFrame>((f) => f.type === 'message');
    expect(got.message).toMatchObject({ conversationId: conv, senderId: a.id, seq: 1, content: { type: 'text', text: 'hi Ben' } });
    sb.send({ type: 'send', id: 2, conversationId: conv, clientMsgId: 'reply-1', content: { type: 'text', text: 'hi Ann' } });
    const reply = await sa.next<MessageFrame>((f) => f.type === 'message' && f.message.senderId === b.id);
    expect(reply.message).toMatchObject({ seq: 2, content: { type: 'text', text: 'hi Ann' } });
    const history = await rest.call('GET', `/api/conversations/${encodeURIComponent(conv)}/messages`, { token: b.token });
    expect(history.body.messages.map((m: { content: { text: string } }) => m.content.text)).toEqual(['hi Ben', 'hi Ann']);
  });

  it('refuses bad tokens on the socket (error + 4002, expired 4003) and on REST (401) without provisioning', async () => {
    const claims = (sub: string) => ({ sub, iss: ISSUER, aud: AUDIENCE, exp: nowSec() + 300 });
    const confused = v.confused(claims('confused'));
    const cases: { label: string; sub: string; token: string; close: number; code: string }[] = [
      { label: 'expired', sub: 'expired', token: sign('expired', { iat: nowSec() - 120, exp: nowSec() - 60 }), close: CloseCode.AuthExpired, code: ErrorCode.AuthExpired },
      { label: 'bad signature', sub: 'badsig', token: sign('badsig', {}, v.wrongKey), close: CloseCode.AuthFailed, code: ErrorCode.Unauthenticated },
      { label: 'alg none', sub: 'algnone', token: rawJwt({ alg: 'none', typ: 'JWT' }, claims('algnone')), close: CloseCode.AuthFailed, code: ErrorCode.Unauthenticated },
      { label: 'wrong iss', sub: 'wrongiss', token: sign('wrongiss', { iss: 'https://evil.example' }), close: CloseCode.AuthFailed, code: ErrorCode.Unauthenticated },
      { label: 'wrong aud', sub: 'wrongaud', token: sign('wrongaud', { aud: 'some-other-app' }), close: CloseCode.AuthFailed, code: ErrorCode.Unauthenticated },
      { label: confused.label, sub: 'confused', token: confused.token, close: CloseCode.AuthFailed, code: ErrorCode.Unauthenticated },
      { label: 'sub with spaces', sub: 'has spaces', token: sign('has spaces'), close: CloseCode.AuthFailed, code: ErrorCode.Unauthenticated },
      { label: 'sub of 100 chars', sub: 'x'.repeat(100), token: sign('x'.repeat(100)), close: CloseCode.AuthFailed, code: ErrorCode.Unauthenticated },
      { label: 'no exp', sub: 'noexp', token: jwt.sign({ sub: 'noexp', iss: ISSUER, aud: AUDIENCE }, v.signKey, { algorithm: v.algorithm }), close: CloseCode.AuthFailed, code: ErrorCode.Unauthenticated },
      { label: 'built-in issuer', sub: 'builtin', token: sign('builtin', { iss: 'quickchat', aud: 'quickchat', typ: 'access', fam: 'f_x' }), close: CloseCode.AuthFailed, code: ErrorCode.Unauthenticated },
    ];
    for (const c of cases) {
      const socket = await authAndWaitClose(t.wsUrl, c.token);
      expect({ label: c.label, frames: socket.frames, close: socket.close.code }).toEqual({
        label: c.label,
        frames: [expect.objectContaining({ type: 'error', code: c.code })],
        close: c.close,
      });
      const res = await rest.call('GET', '/api/me', { token: c.token });
      expect({ label: c.label, status: res.status, code: res.body?.error?.code }).toEqual({ label: c.label, status: 401, code: c.code });
      expect({ label: c.label, rows: userRows(c.sub) }).toEqual({ label: c.label, rows: [] });
    }
    // Sanity: the same claims, properly signed, are accepted.
    expect((await rest.call('GET', '/api/me', { token: sign('confused') })).status).toBe(200);
  });
});

describe('external-only deployments', () => {
  const external: ExternalAuthOptions = { issuer: ISSUER, audience: AUDIENCE, algorithm: 'RS256', key: rsa.publicKey };

  it('with builtinAccounts: false, the built-in routes are gone and built-in tokens are refused', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'quickchat-ext-'));
    try {
      // A built-in account and a still-valid token, issued while built-in accounts were on.
      const before = await startTestServer({ dataDir, auth: { external } });
      const alice = await new Rest(before.url).register('alice');
      expect((await new Rest(before.url).call('GET', '/api/me', { token: alice.token })).status).toBe(200);
      await before.stop();

      const t = await startTestServer({ dataDir, auth: { builtinAccounts: false, external } });
      try {
        const rest = new Rest(t.url);
        const routes: [string, unknown][] = [
          ['/api/auth/register', { handle: 'mallory', displayName: 'M', password: 'long enough pw' }],
          ['/api/auth/login', { handle: 'alice', password: alice.password }],
          ['/api/auth/refresh', { refreshToken: alice.refreshToken }],
        ];
        for (const [path, body] of routes) {
          const res = await rest.call('POST', path, { body });
          expect({ path, status: res.status, code: res.body?.error?.code }).toEqual({ path, status: 404, code: ErrorCode.NotFound });
        }
        const me = await rest.call('GET', '/api/me', { token: alice.token });
        expect(me.status).toBe(401);
        const socket = await authAndWaitClose(t.wsUrl, alice.token);
        expect(socket.frames).toEqual([expect.objectContaining({ type: 'error', code: ErrorCode.Unauthenticated })]);
        expect(socket.close.code).toBe(CloseCode.AuthFailed);

        // Host-signed tokens still work.
        const token = jwt.sign({ sub: 'host-user', name: 'Host User' }, rsa.privateKey, { algorithm: 'RS256', issuer: ISSUER, audience: AUDIENCE, expiresIn: 300 });
        const ok = await RawClient.connect(t.wsUrl, token);
        expect((ok.frames[0] as ReadyFrame).userId).toBe('host-user');
        await ok.close();
        expect((await rest.call<PublicUser>('GET', '/api/me', { token })).body.displayName).toBe('Host User');
      } finally {
        await t.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('rejects bad external-auth configuration at createServer() with a ConfigError naming the setting', () => {
    const dataDir = join(tmpdir(), `quickchat-never-created-${randomBytes(6).toString('hex')}`);
    const hs = { issuer: ISSUER, audience: AUDIENCE, algorithm: 'HS256', key: hsSecret } as const;
    const cases: { label: string; auth: ServerOptions['auth']; setting: RegExp }[] = [
      { label: 'issuer equal to the built-in default', auth: { external: { ...hs, issuer: 'quickchat' } }, setting: /auth\.external\.issuer/ },
      { label: 'issuer equal to a custom built-in issuer', auth: { issuer: 'my-chat', external: { ...hs, issuer: 'my-chat' } }, setting: /auth\.external\.issuer/ },
      { label: 'HS256 key of 31 bytes', auth: { external: { ...hs, key: 'k'.repeat(31) } }, setting: /auth\.external\.key/ },
      { label: 'RS256 key that is not PEM', auth: { external: { ...hs, algorithm: 'RS256', key: 'not-a-pem-key-but-long-enough-to-pass-length' } }, setting: /auth\.external\.key/ },
      { label: 'ES256 given a private key', auth: { external: { ...hs, algorithm: 'ES256', key: ec.privateKey } }, setting: /auth\.external\.key/ },
      { label: 'algorithm none', auth: { external: { ...hs, algorithm: 'none' as 'HS256' } }, setting: /auth\.external\.algorithm/ },
      { label: 'no issuer', auth: { external: { ...hs, issuer: '' } }, setting: /auth\.external/ },
      { label: 'no identity source at all', auth: { builtinAccounts: false }, setting: /auth\.external/ },
    ];
    for (const c of cases) {
      let error: unknown;
      try {
        createServer({ dataDir, port: 0, logLevel: 'silent', ...(c.auth ? { auth: c.auth } : {}) });
      } catch (err) {
        error = err;
      }
      expect({ label: c.label, isConfigError: error instanceof ConfigError }).toEqual({ label: c.label, isConfigError: true });
      expect({ label: c.label, message: (error as Error).message }).toEqual({ label: c.label, message: expect.stringMatching(c.setting) });
    }
    // Validation happens before anything touches the disk.
    expect(existsSync(dataDir)).toBe(false);
    // And a good configuration of each kind passes.
    for (const ext of [hs, { ...hs, algorithm: 'RS256', key: rsa.publicKey }, { ...hs, algorithm: 'ES256', key: ec.publicKey }] as ExternalAuthOptions[]) {
      expect(createServer({ dataDir, auth: { external: ext } }).config.auth.external).toEqual(ext);
    }
  });
});
