import { describe, expect, it } from 'vitest';
import { CloseCode, PROTOCOL_VERSION } from '@quickchat/protocol';
import { Connection } from '../../src/connection/connection.js';
import { ConnectionReason, ConnectionState, type StateChange } from '../../src/connection/state.js';
import type { ReconnectContext, ReconnectPolicy } from '../../src/connection/reconnect-policy.js';
import { createTokenSource, REFRESH_MARGIN_MS, type AccountApi, type AuthOption } from '../../src/auth/token-source.js';
import { silentLogger } from '../../src/logger.js';
import { QuickchatError } from '../../src/errors.js';
import { FakeClock, fakeSockets, flush, jwt, readyFrame } from '../support/fakes.js';

const noAccounts: AccountApi = {
  login: () => Promise.reject(new Error('no login in this test')),
  refresh: () => Promise.reject(new Error('no refresh in this test')),
  logout: () => Promise.resolve(),
};

/** A policy that records its inputs and answers with `delays` in turn (last one repeats). */
function recordingPolicy(...delays: (number | null)[]): ReconnectPolicy & { calls: ReconnectContext[] } {
  const calls: ReconnectContext[] = [];
  return {
    calls,
    nextRetryDelayMs(ctx) {
      calls.push(ctx);
      return (delays[Math.min(calls.length - 1, delays.length - 1)] ?? null) as number | null;
    },
  };
}

function setup(options: { auth?: AuthOption | ((clock: FakeClock) => AuthOption); policy?: ReconnectPolicy; pingIntervalMs?: number; pongTimeoutMs?: number } = {}) {
  const clock = new FakeClock();
  const ws = fakeSockets();
  const auth = typeof options.auth === 'function' ? options.auth(clock) : (options.auth ?? { token: jwt('alice', clock.nowMs + 3_600_000) });
  const policy = options.policy ?? recordingPolicy(1000);
  const conn = new Connection({
    url: 'ws://chat.test/ws',
    WebSocket: ws.WebSocket,
    tokens: createTokenSource(auth, noAccounts, clock.env.now),
    policy,
    env: clock.env,
    logger: silentLogger,
    pingIntervalMs: options.pingIntervalMs ?? 600_000,
    pongTimeoutMs: options.pongTimeoutMs ?? 10_000,
  });
  const changes: StateChange[] = [];
  const errors: QuickchatError[] = [];
  conn.on('state', (c) => changes.push(c));
  conn.on('error', (e) => errors.push(e));
  const states = () => changes.map((c) => c.newState);
  /** connect() (if idle) → socket → open → ready. */
  const establish = async () => {
    if (conn.state === ConnectionState.Idle) conn.connect();
    await flush();
    ws.last().open();
    ws.last().deliver(readyFrame('alice'));
  };
  return { clock, ws, conn, changes, errors, states, establish, policy };
}

/** getToken() that hands out tok-1, tok-2, … with the given lifetime and counts calls. */
function countingGetToken(clock: FakeClock, lifetimeMs = 3_600_000) {
  const issued: string[] = [];
  const getToken = () => {
    const token = jwt('alice', clock.nowMs + lifetimeMs, { n: issued.length + 1 });
    issued.push(token);
    return Promise.resolve(token);
  };
  return { issued, auth: { getToken } as AuthOption };
}

describe('Connection state machine', () => {
  it('goes idle → connecting → authenticating → connected, with reasons, and sends auth first', async () => {
    const { conn, ws, changes } = setup({ auth: { token: 'the-token' } });
    expect(conn.state).toBe(ConnectionState.Idle);
    conn.connect();
    expect(conn.state).toBe(ConnectionState.Connecting);
    await flush();
    expect(ws.sockets).toHaveLength(1);
    expect(ws.last().url).toBe('ws://chat.test/ws');
    ws.last().open();
    expect(conn.state).toBe(ConnectionState.Authenticating);
    expect(ws.last().sent).toEqual([{ type: 'auth', token: 'the-token', protocol: PROTOCOL_VERSION }]);
    ws.last().deliver(readyFrame('alice'));
    expect(conn.state).toBe(ConnectionState.Connected);
    expect(changes.map((c) => [c.oldState, c.newState])).toEqual([
      ['idle', 'connecting'],
      ['connecting', 'authenticating'],
      ['authenticating', 'connected'],
    ]);
    for (const c of changes) expect(c.reason).toMatch(/\S/);
    // no-op transitions emit nothing
    conn.connect();
    ws.last().deliver(readyFrame('alice'));
    await flush();
    expect(changes).toHaveLength(3);
    expect(ws.sockets).toHaveLength(1);
  });

  it('reconnects after a drop once the policy delay has passed', async () => {
    const policy = recordingPolicy(1000);
    const { conn, ws, changes, establish, clock } = setup({ policy });
    await establish();
    ws.last().serverClose(1006);
    expect(conn.state).toBe(ConnectionState.Reconnecting);
    expect(changes.at(-1)).toMatchObject({ oldState: 'connected', newState: 'reconnecting', closeCode: 1006 });
    expect(policy.calls).toEqual([{ retryCount: 0, elapsedMs: 0, closeCode: 1006 }]);
    clock.advance(999);
    await flush();
    expect(ws.sockets).toHaveLength(1);
    clock.advance(1);
    expect(conn.state).toBe(ConnectionState.Connecting);
    await flush();
    expect(ws.sockets).toHaveLength(2);
    ws.last().open();
    expect(ws.last().sent[0]).toMatchObject({ type: 'auth' });
    ws.last().deliver(readyFrame('alice'));
    expect(conn.state).toBe(ConnectionState.Connected);
    // a successful session resets the count
    ws.last().serverClose(1006);
    expect(policy.calls).toHaveLength(2);
    expect(policy.calls[1]).toMatchObject({ retryCount: 0 });
  });

  it('counts consecutive failures and gives up when the policy returns null', async () => {
    const policy = recordingPolicy(500, null);
    const { conn, ws, changes, establish, clock } = setup({ policy });
    await establish();
    ws.last().serverClose(1001);
    clock.advance(500);
    await flush();
    ws.last().serverClose(1006); // never opened
    expect(policy.calls.map((c) => c.retryCount)).toEqual([0, 1]);
    expect(policy.calls[1]?.elapsedMs).toBe(500);
    expect(conn.state).toBe(ConnectionState.Disconnected);
    expect(changes.at(-1)).toMatchObject({ newState: 'disconnected', closeCode: 1006 });
    expect(clock.pending()).toBe(0);
  });

  it('disconnect() stops for good: socket closed, no reconnect, connect() restarts', async () => {
    const { conn, ws, changes, establish, clock } = setup();
    await establish();
    conn.disconnect();
    expect(conn.state).toBe(ConnectionState.Disconnected);
    expect(ws.last().closedByClient?.code).toBe(CloseCode.Normal);
    expect(clock.pending()).toBe(0);
    clock.advance(3_600_000);
    await flush();
    expect(ws.sockets).toHaveLength(1);
    conn.disconnect();
    expect(changes.filter((c) => c.newState === 'disconnected')).toHaveLength(1);
    conn.connect();
    await flush();
    expect(ws.sockets).toHaveLength(2);
  });

  it('disconnect() then connect() while the token is still coming opens exactly one socket', async () => {
    let release!: (token: string) => void;
    const gate = new Promise<string>((resolve) => (release = resolve));
    const { conn, ws, clock, states } = setup({ auth: { getToken: () => gate } });
    conn.connect();
    conn.disconnect();
    conn.connect();
    release(jwt('alice', clock.nowMs + 3_600_000));
    await flush();
    expect(ws.sockets).toHaveLength(1);
    ws.last().open();
    ws.last().deliver(readyFrame('alice'));
    expect(conn.state).toBe(ConnectionState.Connected);
    expect(states()).toEqual(['connecting', 'disconnected', 'connecting', 'authenticating', 'connected']);
  });

  it('close() is terminal: closed, connect() throws, no timers or signal listeners left', async () => {
    const { conn, ws, establish, clock, states } = setup();
    await establish();
    expect(clock.pending()).toBeGreaterThan(0); // ping and re-auth timers
    conn.close();
    expect(conn.state).toBe(ConnectionState.Closed);
    expect(states().at(-1)).toBe('closed');
    expect(ws.last().closedByClient).not.toBeNull();
    expect(clock.pending()).toBe(0);
    expect(clock.onlineListeners.size + clock.visibleListeners.size + clock.offlineListeners.size).toBe(0);
    expect(() => conn.connect()).toThrow(QuickchatError);
    try {
      conn.connect();
    } catch (err) {
      expect((err as QuickchatError).code).toBe('client_closed');
    }
    ws.last().serverClose(1006);
    expect(conn.state).toBe(ConnectionState.Closed);
  });

  it('4003 forces a token refresh and reconnects at once, without backoff', async () => {
    let tokens!: ReturnType<typeof countingGetToken>;
    const policy = recordingPolicy(5000);
    const { conn, ws, establish } = setup({ auth: (clock) => (tokens = countingGetToken(clock)).auth, policy });
    await establish();
    expect(tokens.issued).toHaveLength(1);
    ws.last().serverClose(CloseCode.AuthExpired, 'token expired');
    expect(conn.state).toBe(ConnectionState.Connecting);
    await flush();
    expect(ws.sockets).toHaveLength(2);
    expect(policy.calls).toHaveLength(0);
    ws.last().open();
    expect(tokens.issued).toHaveLength(2);
    expect(ws.last().sent[0]).toEqual({ type: 'auth', token: tokens.issued[1], protocol: PROTOCOL_VERSION });
  });

  it('4003 with a static token → disconnected with an auth error', async () => {
    const { conn, ws, establish, errors, changes, clock } = setup();
    await establish();
    ws.last().serverClose(CloseCode.AuthExpired);
    expect(conn.state).toBe(ConnectionState.Disconnected);
    expect(changes.at(-1)).toMatchObject({ newState: 'disconnected', closeCode: 4003 });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('auth_failed');
    expect(errors[0]?.retryable).toBe(false);
    clock.advance(60_000);
    await flush();
    expect(ws.sockets).toHaveLength(1);
  });

  it('4002: one refresh attempt, a second 4002 → disconnected', async () => {
    let tokens!: ReturnType<typeof countingGetToken>;
    const { conn, ws, clock, errors } = setup({ auth: (c) => (tokens = countingGetToken(c)).auth, policy: recordingPolicy(100) });
    conn.connect();
    await flush();
    ws.last().open();
    ws.last().serverClose(CloseCode.AuthFailed, 'bad token');
    expect(conn.state).toBe(ConnectionState.Reconnecting);
    clock.advance(100);
    await flush();
    expect(ws.sockets).toHaveLength(2);
    ws.last().open();
    expect(tokens.issued).toHaveLength(2);
    expect(ws.last().sent[0]).toEqual({ type: 'auth', token: tokens.issued[1], protocol: PROTOCOL_VERSION });
    ws.last().serverClose(CloseCode.AuthFailed, 'bad token');
    expect(conn.state).toBe(ConnectionState.Disconnected);
    expect(errors.map((e) => e.code)).toEqual(['auth_failed']);
    clock.advance(60_000);
    await flush();
    expect(ws.sockets).toHaveLength(2);
  });

  it.each(['online', 'visible'] as const)('a %s signal while reconnecting skips the remaining backoff', async (signal) => {
    const { conn, ws, establish, clock } = setup({ policy: recordingPolicy(20_000) });
    await establish();
    ws.last().serverClose(1006);
    clock.advance(1000);
    await flush();
    expect(ws.sockets).toHaveLength(1);
    if (signal === 'online') clock.goOnline();
    else clock.becomeVisible();
    expect(conn.state).toBe(ConnectionState.Connecting);
    await flush();
    expect(ws.sockets).toHaveLength(2);
    ws.last().open();
    ws.last().deliver(readyFrame('alice'));
    clock.advance(20_000); // the old retry timer must be gone
    await flush();
    expect(ws.sockets).toHaveLength(2);
    // while connected the signal does nothing
    clock.goOnline();
    clock.becomeVisible();
    await flush();
    expect(ws.sockets).toHaveLength(2);
  });

  it('pings after pingIntervalMs; a pong keeps the socket, a missing pong drops and reconnects', async () => {
    const { conn, ws, establish, clock } = setup({ pingIntervalMs: 25_000, pongTimeoutMs: 10_000, policy: recordingPolicy(50) });
    await establish();
    clock.advance(24_999);
    expect(ws.last().frames('ping')).toHaveLength(0);
    clock.advance(1);
    const ping = ws.last().frames('ping');
    expect(ping).toHaveLength(1);
    ws.last().deliver({ type: 'pong', id: ping[0]?.['id'] as string });
    clock.advance(20_000);
    expect(conn.state).toBe(ConnectionState.Connected);
    expect(ws.last().closedByClient).toBeNull();
    clock.advance(5_000); // second ping, never answered
    expect(ws.last().frames('ping')).toHaveLength(2);
    clock.advance(9_999);
    expect(conn.state).toBe(ConnectionState.Connected);
    clock.advance(1);
    expect(ws.sockets[0]?.closedByClient).not.toBeNull();
    expect(conn.state).toBe(ConnectionState.Reconnecting);
    // the dropped socket is dead to us even if frames still trickle in
    ws.sockets[0]?.deliver(readyFrame('alice'));
    expect(conn.state).toBe(ConnectionState.Reconnecting);
    clock.advance(50);
    await flush();
    expect(ws.sockets).toHaveLength(2);
  });
  it('going offline (or coming back to the page) probes the socket at once: a dead one is dropped after the pong timeout, not at the next heartbeat', async () => {
    const { conn, ws, establish, clock } = setup({ pingIntervalMs: 25_000, pongTimeoutMs: 3_000 });
    await establish();
    clock.advance(1_000);
    for (const fn of clock.offlineListeners) fn();
    expect(ws.last().frames('ping')).toHaveLength(1);
    clock.advance(2_999);
    expect(conn.state).toBe(ConnectionState.Connected);
    clock.advance(1); // 4 s in, long before the 25 s heartbeat
    expect(conn.state).toBe(ConnectionState.Reconnecting);
    expect(ws.sockets[0]?.closedByClient).not.toBeNull();
  });

  it('a probe answered in time keeps the socket', async () => {
    const { conn, ws, establish, clock } = setup({ pingIntervalMs: 25_000, pongTimeoutMs: 3_000 });
    await establish();
    for (const fn of clock.visibleListeners) fn();
    const ping = ws.last().frames('ping');
    expect(ping).toHaveLength(1);
    ws.last().deliver({ type: 'pong', id: ping[0]?.['id'] as string });
    clock.advance(10_000);
    expect(conn.state).toBe(ConnectionState.Connected);
    expect(ws.last().closedByClient).toBeNull();
  });

  it('a silent socket is dropped even when pongTimeoutMs exceeds pingIntervalMs (later pings do not extend the deadline)', async () => {
    const { conn, ws, establish, clock } = setup({ pingIntervalMs: 5_000, pongTimeoutMs: 12_000 });
    await establish();
    clock.advance(5_000); // first unanswered ping: deadline at 17 s
    clock.advance(11_999);
    expect(conn.state).toBe(ConnectionState.Connected);
    expect(ws.last().frames('ping').length).toBeGreaterThanOrEqual(3);
    clock.advance(1);
    expect(conn.state).toBe(ConnectionState.Reconnecting);
    expect(ws.last().closedByClient).not.toBeNull();
  });

  it('a socket that never opens is given up after the connect timeout and retried', async () => {
    const policy = recordingPolicy(10);
    const { conn, ws, clock } = setup({ policy });
    conn.connect();
    await flush();
    clock.advance(14_999);
    expect(conn.state).toBe(ConnectionState.Connecting);
    clock.advance(1);
    expect(conn.state).toBe(ConnectionState.Reconnecting);
    expect(ws.sockets[0]?.closedByClient).not.toBeNull();
    clock.advance(10);
    await flush();
    expect(ws.sockets).toHaveLength(2);
  });
});

describe('Connection re-auth before expiry', () => {
  it('sends a fresh auth frame at expiry − REFRESH_MARGIN_MS on the open socket, and again for the next token', async () => {
    const lifetime = 120_000;
    let tokens!: ReturnType<typeof countingGetToken>;
    const { ws, establish, clock, conn } = setup({ auth: (c) => (tokens = countingGetToken(c, lifetime)).auth });
    await establish();
    const socket = ws.last();
    expect(socket.frames('auth')).toEqual([{ type: 'auth', token: tokens.issued[0], protocol: PROTOCOL_VERSION }]);
    clock.advance(lifetime - REFRESH_MARGIN_MS - 1000); // exp has 1 s granularity
    await flush();
    expect(socket.frames('auth')).toHaveLength(1);
    clock.advance(1000);
    await flush();
    expect(tokens.issued).toHaveLength(2);
    expect(socket.frames('auth')).toEqual([
      { type: 'auth', token: tokens.issued[0], protocol: PROTOCOL_VERSION },
      { type: 'auth', token: tokens.issued[1], protocol: PROTOCOL_VERSION },
    ]);
    expect(ws.sockets).toHaveLength(1);
    expect(conn.state).toBe(ConnectionState.Connected);
    socket.deliver(readyFrame('alice'));
    clock.advance(lifetime - REFRESH_MARGIN_MS);
    await flush();
    expect(socket.frames('auth')).toHaveLength(3);
    expect(socket.frames('auth')[2]).toEqual({ type: 'auth', token: tokens.issued[2], protocol: PROTOCOL_VERSION });
  });

  it('a token shorter-lived than the margin re-auths at half its remaining life, not in a loop on every ready', async () => {
    const { ws, establish, clock } = setup({ auth: (c) => countingGetToken(c, 20_000).auth });
    await establish();
    const socket = ws.last();
    for (let i = 0; i < 3; i++) {
      socket.deliver(readyFrame('alice'));
      clock.advance(0);
      await flush();
    }
    expect(socket.frames('auth')).toHaveLength(1);
    clock.advance(10_000);
    await flush();
    expect(socket.frames('auth')).toHaveLength(2);
  });

  it('a static token is never re-sent (it cannot be refreshed)', async () => {
    const { ws, establish, clock } = setup({ pingIntervalMs: 10_000_000 });
    await establish();
    clock.advance(3_600_000 - REFRESH_MARGIN_MS);
    await flush();
    expect(ws.sockets).toHaveLength(1);
    expect(ws.last().frames('auth')).toHaveLength(1);
  });
});

describe('Connection state change codes', () => {
  const codes = (changes: StateChange[]) => changes.map((c) => [c.newState, c.code]);

  it('every transition of a session carries a stable code beside the prose reason', async () => {
    const { conn, ws, changes, establish, clock } = setup({ pingIntervalMs: 1000, pongTimeoutMs: 500 });
    await establish();
    ws.last().serverClose(CloseCode.GoingAway, 'restarting');
    clock.advance(1000); // the retry
    await flush();
    ws.last().open();
    ws.last().deliver(readyFrame('alice'));
    clock.advance(1000 + 500); // a ping goes unanswered
    clock.advance(1000);
    await flush();
    ws.last().serverClose(1006); // the network drops the new socket before it opens
    clock.becomeVisible(); // skips the backoff
    await flush();
    conn.disconnect();
    conn.close();
    expect(codes(changes)).toEqual([
      ['connecting', ConnectionReason.ConnectCalled],
      ['authenticating', ConnectionReason.SocketOpened],
      ['connected', ConnectionReason.Authenticated],
      ['reconnecting', ConnectionReason.ServerGoingAway],
      ['connecting', ConnectionReason.Retrying],
      ['authenticating', ConnectionReason.SocketOpened],
      ['connected', ConnectionReason.Authenticated],
      ['reconnecting', ConnectionReason.HeartbeatTimeout],
      ['connecting', ConnectionReason.Retrying],
      ['reconnecting', ConnectionReason.SocketClosed],
      ['connecting', ConnectionReason.NetworkBack],
      ['disconnected', ConnectionReason.DisconnectCalled],
      ['closed', ConnectionReason.CloseCalled],
    ]);
    for (const c of changes) expect(c.reason).toMatch(/\S/);
  });

  it('auth outcomes: refused → auth_failed, expired (not refreshable) → auth_expired, server heartbeat close → heartbeat_timeout', async () => {
    const refused = setup();
    await refused.establish();
    refused.ws.last().serverClose(CloseCode.HeartbeatTimeout);
    expect(refused.changes.at(-1)).toMatchObject({ newState: 'reconnecting', code: ConnectionReason.HeartbeatTimeout, closeCode: 4007 });
    refused.clock.advance(1000);
    await flush();
    refused.ws.last().open();
    refused.ws.last().serverClose(CloseCode.AuthFailed, 'bad token');
    expect(refused.changes.at(-1)).toMatchObject({ newState: 'disconnected', code: ConnectionReason.AuthFailed, closeCode: 4002 });

    const expired = setup();
    await expired.establish();
    expired.ws.last().serverClose(CloseCode.AuthExpired);
    expect(expired.changes.at(-1)).toMatchObject({ newState: 'disconnected', code: ConnectionReason.AuthExpired, closeCode: 4003 });
  });

  it('a token source that fails → token_unavailable; a socket that never opens → connect_timeout', async () => {
    const failing = setup({ auth: { getToken: () => Promise.reject(new Error('idp down')) } });
    failing.conn.connect();
    await flush();
    expect(failing.changes.at(-1)).toMatchObject({ newState: 'reconnecting', code: ConnectionReason.TokenUnavailable });

    const silent = setup();
    silent.conn.connect();
    await flush();
    silent.clock.advance(15_000);
    expect(silent.changes.at(-1)).toMatchObject({ newState: 'reconnecting', code: ConnectionReason.ConnectTimeout });
  });

  it('a server that no longer speaks this version (4008) stops for good with a protocol_unsupported error', async () => {
    const { conn, ws, changes, errors, establish, clock } = setup();
    await establish();
    ws.last().serverClose(CloseCode.ProtocolUnsupported, 'protocol 1 is not supported');
    expect(conn.state).toBe(ConnectionState.Disconnected);
    expect(changes.at(-1)).toMatchObject({ code: ConnectionReason.ProtocolUnsupported, closeCode: 4008 });
    expect(errors.at(-1)).toMatchObject({ code: 'protocol_unsupported', retryable: false, closeCode: 4008 });
    clock.advance(60_000);
    expect(ws.sockets).toHaveLength(1);
  });

  it('codes are a closed set of snake_case strings', () => {
    for (const value of Object.values(ConnectionReason)) expect(value).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(new Set(Object.values(ConnectionReason)).size).toBe(Object.values(ConnectionReason).length);
  });
});
