import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { PublicUser } from '@quickchat/protocol';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { startTestServer, type TestServer } from './support/server.js';
import { Rest } from './support/rest.js';
import { ProvisionedUsers } from '../src/auth/provisioned-users.js';

const ISSUER = 'https://auth.host-app.example';
const AUDIENCE = 'host-app-chat';
const secret = randomBytes(32).toString('base64url');
const sign = (sub: string, extra: Record<string, unknown> = {}) =>
  jwt.sign({ sub, iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300, name: sub, ...extra }, secret, { algorithm: 'HS256' });

describe('external users are provisioned once, not on every request', () => {
  let dataDir: string;
  let store: SqliteStore;
  let t: TestServer;
  let rest: Rest;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'quickchat-provision-'));
    store = openSqliteStore({ file: join(dataDir, 'quickchat.db') });
    t = await startTestServer({ dataDir, store, auth: { external: { issuer: ISSUER, audience: AUDIENCE, algorithm: 'HS256', key: secret } } });
    rest = new Rest(t.url);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await t.stop();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a second REST call with the same token does not upsert again; a new user is still provisioned on first sight', async () => {
    const upsert = vi.spyOn(store, 'upsertExternalUser');
    const alice = sign('alice@host');
    expect((await rest.call<PublicUser>('GET', '/api/me', { token: alice })).status).toBe(200);
    expect(upsert).toHaveBeenCalledTimes(1);

    expect((await rest.call<PublicUser>('GET', '/api/me', { token: alice })).status).toBe(200);
    expect((await rest.call('GET', '/api/conversations', { token: alice })).status).toBe(200);
    // Another token of the same user (e.g. after the host app refreshed it) is known too.
    expect((await rest.call('GET', '/api/me', { token: sign('alice@host', { iat: Math.floor(Date.now() / 1000) - 1 }) })).status).toBe(200);
    expect(upsert).toHaveBeenCalledTimes(1);

    const bob = await rest.call<PublicUser>('GET', '/api/me', { token: sign('bob@host', { name: 'Bob' }) });
    expect(bob.status).toBe(200);
    expect(bob.body).toMatchObject({ id: 'bob@host', displayName: 'Bob' });
    expect(upsert).toHaveBeenCalledTimes(2);
    expect(upsert.mock.calls[1]?.[0]).toMatchObject({ id: 'bob@host' });
    expect((await rest.call<PublicUser>('GET', '/api/users/bob@host', { token: alice })).body.displayName).toBe('Bob');
  });
});

describe('ProvisionedUsers', () => {
  it('forgets a user after the cache period', () => {
    const cache = new ProvisionedUsers(1000, 10);
    cache.add('u', 0);
    expect(cache.has('u', 999)).toBe(true);
    expect(cache.has('u', 1000)).toBe(false);
    expect(cache.has('v', 0)).toBe(false);
  });

  it('holds at most its entry bound, forgetting the least recently seen', () => {
    const cache = new ProvisionedUsers(60_000, 3);
    for (const id of ['a', 'b', 'c']) cache.add(id, 0);
    expect(cache.has('a', 1)).toBe(true); // a is now the most recently seen
    cache.add('d', 1);
    expect(cache.has('b', 1)).toBe(false);
    expect(['a', 'c', 'd'].every((id) => cache.has(id, 1))).toBe(true);
  });
});
