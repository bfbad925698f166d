import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { Message } from '@quickchat/protocol';
import { ApiError, RestClient, type FetchLike } from '../../src/index.js';
import { C, closeAll, testClient } from '../support/client.js';
import { eventually, FakeClock, flush, message, user } from '../support/fakes.js';

const BASE = 'http://timeout.test';

/** Stored messages of C; history requests hang (never answer) while `hang` is true. */
let stored: Message[];
let hang: boolean;
let historyCalls: number[];
/** Signals of the requests msw saw, to check that timed-out requests are aborted. */
let signals: AbortSignal[];

const server = setupServer(
  http.get(`${BASE}/api/conversations/:id/messages`, async ({ request }) => {
    const after = Number(new URL(request.url).searchParams.get('after') ?? 0);
    historyCalls.push(after);
    signals.push(request.signal);
    if (hang) await delay('infinite');
    const rows = stored.filter((m) => m.seq > after);
    return HttpResponse.json({ messages: rows, hasMore: false });
  }),
  http.get(`${BASE}/api/me`, () => HttpResponse.json(user('alice'))),
  http.get(`${BASE}/api/*`, () => HttpResponse.json({ items: [] })),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
beforeEach(() => {
  stored = [];
  hang = true;
  historyCalls = [];
  signals = [];
});
afterEach(closeAll);

const viaMsw: FetchLike = (input, init) => fetch(input, init);

describe('REST requests time out', () => {
  it('a hung request rejects with a retryable timeout error after timeoutMs (not before), and is aborted', async () => {
    const clock = new FakeClock();
    const rest = new RestClient(BASE, viaMsw, { getToken: async () => 't' }, { timeoutMs: 2000, environment: clock.env });
    let outcome: unknown = 'pending';
    rest.history(C).then(
      (v) => (outcome = v),
      (err: unknown) => (outcome = err),
    );
    await eventually(() => historyCalls.length === 1, 'the request reached the server');
    clock.advance(1999);
    await flush();
    expect(outcome).toBe('pending');
    clock.advance(1);
    await flush();
    expect(outcome).toBeInstanceOf(ApiError);
    expect(outcome).toMatchObject({ code: 'timeout', retryable: true, status: 0 });
    expect(signals[0]?.aborted).toBe(true);
  });

  it('catch-up is not stuck behind a hung backfill: parked messages surface after a later fill', async () => {
    const { client, errors, clock, online } = testClient({ url: BASE, fetch: viaMsw });
    const socket = await online();
    const surfaced: number[] = [];
    client.on('message', ({ message: m }) => surfaced.push(m.seq as number));

    stored = [1, 2, 3, 4].map((seq) => message(C, seq));
    socket.deliver({ type: 'message', message: message(C, 2) }); // a gap before it: backfill from 0
    await eventually(() => historyCalls.length === 1, 'the backfill request');
    socket.deliver({ type: 'message', message: message(C, 3) }); // waits behind the same (single-flight) backfill
    await flush();
    expect(historyCalls).toEqual([0]);
    expect(surfaced).toEqual([]);

    clock.advance(15_000); // the default requestTimeoutMs
    await eventually(() => errors.some((e) => e.code === 'timeout'), 'the timeout error');
    expect(errors.find((e) => e.code === 'timeout')).toMatchObject({ retryable: true });

    hang = false;
    socket.deliver({ type: 'message', message: message(C, 4) }); // a new gap: a new backfill runs
    await eventually(() => surfaced.length === 4, 'every message surfaced');
    expect(historyCalls).toEqual([0, 0]);
    expect(surfaced).toEqual([1, 2, 3, 4]);
  });

  it('requestTimeoutMs sets the limit for every REST call of the client', async () => {
    const { client, clock } = testClient({ url: BASE, fetch: viaMsw, requestTimeoutMs: 500 });
    let outcome: unknown = 'pending';
    client.rest.history(C).catch((err: unknown) => (outcome = err));
    await eventually(() => historyCalls.length === 1, 'the request reached the server');
    clock.advance(499);
    await flush();
    expect(outcome).toBe('pending');
    clock.advance(1);
    await eventually(() => outcome !== 'pending', 'the timeout');
    expect(outcome).toMatchObject({ code: 'timeout' });
  });
});
