import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import WebSocket from 'ws';
import { Rest, startServerForSdk, until, type TestServer } from '../support/sdk-server.js';
import { createClient, fullJitterBackoff, type AuthOption, type ChatClient, type ClientOptions, type FetchLike, type StateChange } from '../../src/index.js';
import { nextSynced, ownItems, range, recordSurfaced, seqTexts } from './helpers.js';

/** Access tokens live this long (seconds): far below the SDK's 30 s refresh margin. */
const TTL_SEC = 2;
const ISSUER = 'https://auth.host-app.example';
const AUDIENCE = 'host-app-chat';
const SECRET = randomBytes(32).toString('base64url');
const nowSec = () => Math.floor(Date.now() / 1000);
const expOf = (token: string): number => ((jwt.decode(token) as { exp: number }).exp) * 1000;

/** Holds token requests while closed; opening lets them (and later ones) through. */
class Gate {
  private opened: Promise<void> = Promise.resolve();
  private openIt: () => void = () => undefined;
  close(): void {
    this.opened = new Promise((resolve) => (this.openIt = resolve));
  }
  open(): void {
    this.openIt();
  }
  pass(): Promise<void> {
    return this.opened;
  }
}

/** One way of signing in: how alice and bob authenticate, and a gate in front of alice's token requests. */
interface Mode {
  name: string;
  server: Parameters<typeof startServerForSdk>[0];
  /** Creates both users; returns their ids and auth options. `tokens` records every token alice obtained. */
  users(t: TestServer, gate: Gate, tokens: string[]): Promise<{ aliceId: string; bobId: string; aliceAuth: AuthOption; bobAuth: AuthOption; fetch?: FetchLike }>;
}

const credentials: Mode = {
  name: 'built-in accounts (handle + password, rotating refresh token)',
  server: { auth: { accessTokenTtlSec: TTL_SEC } },
  async users(t, gate, tokens) {
    const rest = new Rest(t.url);
    const alice = await rest.register('alice');
    const bob = await rest.register('bob');
    await rest.befriend(alice, bob);
    // alice's fetch: token requests wait at the gate; every access token she is given is recorded.
    const fetchFn: FetchLike = async (url, init) => {
      const auth = /\/api\/auth\/(login|refresh)$/.test(url);
      if (auth) await gate.pass();
      const res = await fetch(url, init);
      const text = await res.text();
      if (auth && res.ok) tokens.push((JSON.parse(text) as { tokens: { accessToken: string } }).tokens.accessToken);
      return { status: res.status, ok: res.ok, text: async () => text };
    };
    return { aliceId: alice.id, bobId: bob.id, aliceAuth: { handle: alice.handle, password: alice.password }, bobAuth: { handle: bob.handle, password: bob.password }, fetch: fetchFn };
  },
};

const external: Mode = {
  name: 'bring-your-own identity (HS256 host tokens from getToken)',
  server: { auth: { external: { issuer: ISSUER, audience: AUDIENCE, algorithm: 'HS256', key: SECRET } } },
  async users(t, gate, tokens) {
    const sign = (sub: string, ttlSec: number) => jwt.sign({ sub, name: sub, iss: ISSUER, aud: AUDIENCE, exp: nowSec() + ttlSec }, SECRET, { algorithm: 'HS256' });
    const rest = new Rest(t.url);
    // Both users are provisioned on first sight of their tokens; then they become friends.
    expect((await rest.call('GET', '/api/me', { token: sign('bob-ext', 60) })).status).toBe(200);
    expect((await rest.call('POST', '/api/friend-requests', { token: sign('alice-ext', 60), body: { userId: 'bob-ext' } })).status).toBe(200);
    expect((await rest.call('POST', '/api/friend-requests/alice-ext/accept', { token: sign('bob-ext', 60) })).status).toBe(200);
    const getToken = async () => {
      await gate.pass();
      const token = sign('alice-ext', TTL_SEC);
      tokens.push(token);
      return token;
    };
    return { aliceId: 'alice-ext', bobId: 'bob-ext', aliceAuth: { getToken }, bobAuth: { getToken: async () => sign('bob-ext', 300) } };
  },
};

describe.each([credentials, external])('SDK token refresh: $name', (mode) => {
  let t: TestServer;
  const clients: ChatClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await t.stop();
  });

  async function setUp() {
    t = await startServerForSdk(mode.server);
    const gate = new Gate();
    const tokens: string[] = [];
    const u = await mode.users(t, gate, tokens);
    const base: Omit<ClientOptions, 'auth'> = { url: t.url, WebSocket: WebSocket as unknown as ClientOptions['WebSocket'], reconnectPolicy: fullJitterBackoff({ baseMs: 50, maxMs: 500 }) };
    const a = createClient({ ...base, auth: u.aliceAuth, ...(u.fetch ? { fetch: u.fetch } : {}) });
    const b = createClient({ ...base, auth: u.bobAuth });
    clients.push(a, b);
    const aStates: StateChange[] = [];
    a.on('connectionStateChanged', (change) => aStates.push(change));
    const bLog = recordSurfaced(b);
    await Promise.all([nextSynced(a), nextSynced(b)]);
    expect(a.userId).toBe(u.aliceId);
    return { a, b, bLog, aStates, gate, tokens, conv: a.dmWith(u.bobId) };
  }

  it('renews the token on the open socket before it expires: no drop, nothing lost', async () => {
    const { a, b, bLog, aStates, tokens, conv } = await setUp();
    const firstExpiry = expOf(tokens[0] as string);
    for (const i of range(5)) a.send(conv, `early ${i}`);
    await until(b, () => bLog.length === 5, 15_000, 'early messages');
    // Wait until the first token is dead and a token issued after it expired is in use.
    await until(a, () => tokens.some((tok) => expOf(tok) > firstExpiry + 1000) && Date.now() > firstExpiry + 200, 15_000, 'token renewed past the first expiry');
    for (const i of range(5)) a.send(conv, `late ${i}`);
    await until(b, () => bLog.length === 10, 15_000, 'late messages');

    expect(seqTexts(bLog, conv)).toEqual([...range(5).map((i) => `${i}:early ${i}`), ...range(5).map((i) => `${i + 5}:late ${i}`)]);
    expect(ownItems(a, conv).every((m) => m.state !== 'pending')).toBe(true);
    // The session was renewed in place: alice's socket never dropped.
    expect(aStates.filter((s) => s.newState !== 'connected' && s.oldState === 'connected')).toEqual([]);
    expect(a.connectionState).toBe('connected');
  });

  it('when renewal comes too late the server closes with 4003; the SDK refreshes and reconnects by itself, losing nothing', async () => {
    const { a, b, bLog, aStates, gate, tokens, conv } = await setUp();
    for (const i of range(3)) a.send(conv, `before ${i}`);
    await until(b, () => bLog.length === 3, 15_000, 'messages before expiry');

    // Token requests stall (a slow auth backend): the renewal misses the expiry.
    gate.close();
    const issued = tokens.length;
    await until(a, () => aStates.some((s) => s.closeCode === 4003), 15_000, 'session closed with 4003');
    expect(a.connectionState).not.toBe('connected');
    for (const i of range(3)) a.send(conv, `while expired ${i}`);
    gate.open();

    await until(b, () => bLog.length === 6, 15_000, 'messages sent while expired');
    await until(a, () => a.connectionState === 'connected', 15_000, 'alice back');
    for (const i of range(3)) a.send(conv, `after ${i}`);
    await until(b, () => bLog.length === 9, 15_000, 'messages after reconnect');

    expect(seqTexts(bLog, conv)).toEqual([
      ...range(3).map((i) => `${i}:before ${i}`),
      ...range(3).map((i) => `${i + 3}:while expired ${i}`),
      ...range(3).map((i) => `${i + 6}:after ${i}`),
    ]);
    // A fresh token was obtained after the gate opened, and no state change said "give up".
    expect(tokens.length).toBeGreaterThan(issued);
    expect(aStates.some((s) => s.newState === 'disconnected')).toBe(false);
    await until(a, () => ownItems(a, conv).every((m) => m.state !== 'pending'), 15_000, 'all acked');
  });
});
