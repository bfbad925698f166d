import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ApiError, createClient, type ChatClient, type FetchLike } from '../../src/index.js';
import { FakeClock, fakeSockets, flush, jwt, readyFrame, user } from '../support/fakes.js';

const BASE = 'http://auth.test';
const ACCESS_LIFETIME_MS = 60_000;

/** Server-side state of the fake account API. */
let clock: FakeClock;
let issued = 0;
let validAccess: Set<string>;
let currentRefresh: string | null;
let refreshBroken: boolean;
let meAlways401: boolean;
const calls = { login: 0, refresh: [] as string[], me: [] as string[], logout: [] as string[] };

function issue() {
  issued++;
  const accessToken = jwt('alice', clock.nowMs + ACCESS_LIFETIME_MS, { n: issued });
  validAccess.add(accessToken);
  currentRefresh = `refresh-${issued}`;
  return { user: user('alice'), tokens: { accessToken, accessTokenExpiresAt: clock.nowMs + ACCESS_LIFETIME_MS, refreshToken: currentRefresh, refreshTokenExpiresAt: clock.nowMs + 86_400_000 } };
}
const unauthenticated = () => HttpResponse.json({ error: { code: 'unauthenticated', message: 'no' } }, { status: 401 });

const server = setupServer(
  http.post(`${BASE}/api/auth/login`, async ({ request }) => {
    calls.login++;
    const body = (await request.json()) as { handle: string; password: string };
    if (body.handle !== 'alice' || body.password !== 'correct horse') return unauthenticated();
    return HttpResponse.json(issue());
  }),
  http.post(`${BASE}/api/auth/refresh`, async ({ request }) => {
    const { refreshToken } = (await request.json()) as { refreshToken: string };
    calls.refresh.push(refreshToken);
    if (refreshBroken || refreshToken !== currentRefresh) return unauthenticated();
    return HttpResponse.json(issue());
  }),
  http.post(`${BASE}/api/auth/logout`, async ({ request }) => {
    calls.logout.push(((await request.json()) as { refreshToken: string }).refreshToken);
    return new HttpResponse(null, { status: 204 });
  }),
  http.get(`${BASE}/api/me`, ({ request }) => {
    const token = (request.headers.get('authorization') ?? '').replace(/^Bearer /, '');
    calls.me.push(token);
    if (meAlways401 || !validAccess.has(token)) return unauthenticated();
    return HttpResponse.json(user('alice'));
  }),
);

const fetchViaMsw: FetchLike = (input, init) => fetch(input, init);
const clients: ChatClient[] = [];
let ws: ReturnType<typeof fakeSockets>;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
beforeEach(() => {
  clock = new FakeClock();
  issued = 0;
  validAccess = new Set();
  currentRefresh = null;
  refreshBroken = false;
  meAlways401 = false;
  calls.login = 0;
  calls.refresh = [];
  calls.me = [];
  calls.logout = [];
  ws = fakeSockets();
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

function signIn(password = 'correct horse'): ChatClient {
  const client = createClient({ url: BASE, auth: { handle: 'alice', password }, WebSocket: ws.WebSocket, fetch: fetchViaMsw, environment: clock.env, autoConnect: false });
  clients.push(client);
  return client;
}

/** The `n` claim of a token minted by `issue()`. */
const nth = (token: string | undefined) => (JSON.parse(Buffer.from((token ?? '..').split('.')[1] as string, 'base64url').toString()) as { n: number }).n;

describe('credentials auth: login, refresh, rotation', () => {
  it('logs in once, reuses a fresh token, refreshes (not login) near expiry, and rotates the refresh token', async () => {
    const client = signIn();
    await client.rest.me();
    expect(calls.login).toBe(1);
    await client.rest.me();
    expect(calls.login).toBe(1);
    expect(calls.refresh).toEqual([]);
    expect(calls.me.map(nth)).toEqual([1, 1]);

    clock.advance(ACCESS_LIFETIME_MS - 30_000 - 1000); // still more than the margin left
    await client.rest.me();
    expect(calls.refresh).toEqual([]);

    clock.advance(1001); // now inside the 30 s margin
    await client.rest.me();
    expect(calls.login).toBe(1);
    expect(calls.refresh).toEqual(['refresh-1']);
    expect(nth(calls.me.at(-1))).toBe(2);

    clock.advance(ACCESS_LIFETIME_MS - 29_000);
    await client.rest.me();
    expect(calls.refresh).toEqual(['refresh-1', 'refresh-2']); // the rotated one, not the first again
    expect(nth(calls.me.at(-1))).toBe(3);
    expect(calls.login).toBe(1);
  });

  it('reuses a short-lived token for most of its life: the margin is a quarter of its lifetime (exp - iat) when under 30 s', async () => {
    let minted = 0;
    const lifetimeSec = 8;
    const client = createClient({
      url: BASE,
      auth: {
        getToken: async () => {
          minted++;
          const iat = Math.floor(clock.nowMs / 1000);
          const token = jwt('alice', (iat + lifetimeSec) * 1000, { iat, n: minted });
          validAccess.add(token);
          return token;
        },
      },
      fetch: fetchViaMsw,
      WebSocket: ws.WebSocket,
      environment: clock.env,
      autoConnect: false,
    });
    clients.push(client);
    await client.rest.me();
    clock.advance(5_000); // 3 s left, more than the 2 s margin: reused
    await client.rest.me();
    expect(minted).toBe(1);
    clock.advance(1_500); // 1.5 s left: refreshed first
    await client.rest.me();
    expect(minted).toBe(2);
  });

  it('falls back to login when the refresh is refused', async () => {
    const client = signIn();
    await client.rest.me();
    refreshBroken = true;
    clock.advance(ACCESS_LIFETIME_MS);
    await client.rest.me();
    expect(calls.refresh).toEqual(['refresh-1']);
    expect(calls.login).toBe(2);
    expect(nth(calls.me.at(-1))).toBe(2);
    refreshBroken = false;
    clock.advance(ACCESS_LIFETIME_MS);
    await client.rest.me();
    expect(calls.refresh).toEqual(['refresh-1', 'refresh-2']); // continues from the new sign-in
    expect(calls.login).toBe(2);
  });

  it('a refused login is a non-retryable auth_failed error', async () => {
    const client = signIn('wrong');
    const err = (await client.rest.me().catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('auth_failed');
    expect(err.retryable).toBe(false);
    expect(calls.me).toEqual([]);
  });

  it('concurrent callers share one login, and later one refresh', async () => {
    const client = signIn();
    await Promise.all([client.rest.me(), client.rest.me(), client.rest.me(), client.rest.me()]);
    expect(calls.login).toBe(1);
    expect(new Set(calls.me.map(nth))).toEqual(new Set([1]));
    clock.advance(ACCESS_LIFETIME_MS - 10_000);
    await Promise.all([client.rest.me(), client.rest.me(), client.rest.me()]);
    expect(calls.refresh).toEqual(['refresh-1']);
    expect(calls.login).toBe(1);
    expect(calls.me.slice(4).map(nth)).toEqual([2, 2, 2]);
  });

  it('a REST call answered 401 refreshes once and retries with the new token', async () => {
    const client = signIn();
    await client.rest.me();
    validAccess.clear(); // the server revoked the access token early
    const me = await client.rest.me();
    expect(me.id).toBe('alice');
    expect(calls.refresh).toEqual(['refresh-1']);
    expect(calls.me.map(nth)).toEqual([1, 1, 2]);
  });

  it('a REST call that keeps getting 401 fails after one refresh, without looping', async () => {
    const client = signIn();
    await client.rest.me();
    meAlways401 = true;
    const err = await client.rest.me().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect(calls.me).toHaveLength(3);
    expect(calls.refresh).toEqual(['refresh-1']);
  });

  it('the socket uses the same token source: 4003 → refresh (not login) → auth with the new token', async () => {
    const client = signIn();
    client.connect();
    await eventuallySocket(1);
    ws.last().open();
    expect(nth(ws.last().sent[0]?.['token'] as string)).toBe(1);
    ws.last().deliver(readyFrame('alice'));
    ws.last().serverClose(4003, 'token expired');
    await eventuallySocket(2);
    ws.last().open();
    expect(calls.login).toBe(1);
    expect(calls.refresh).toEqual(['refresh-1']);
    expect(ws.last().sent[0]).toMatchObject({ type: 'auth' });
    expect(nth(ws.last().sent[0]?.['token'] as string)).toBe(2);
  });

  it('signOut() ends the sign-in with the current (rotated) refresh token', async () => {
    const client = signIn();
    await client.rest.me();
    clock.advance(ACCESS_LIFETIME_MS);
    await client.rest.me();
    await client.signOut();
    expect(calls.logout).toEqual(['refresh-2']);
    expect(client.connectionState).toBe('closed');
  });
});

async function eventuallySocket(count: number): Promise<void> {
  for (let i = 0; i < 2000 && ws.sockets.length < count; i++) await flush(1);
  expect(ws.sockets).toHaveLength(count);
}
