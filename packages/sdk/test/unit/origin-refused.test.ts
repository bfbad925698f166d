import { describe, expect, it } from 'vitest';
import { createClient, type QuickchatError } from '../../src/index.js';
import { FakeClock, defaultRoutes, eventually, fakeFetch, fakeSockets, flush, jwt } from '../support/fakes.js';

/**
 * A browser hides why a WebSocket upgrade failed (a 403 for a refused origin looks like any
 * network failure). After a socket fails to open, the client asks the server over REST, where
 * a refused origin can read `403 origin_not_allowed`, and reports that as its own error.
 */
describe('origin refused', () => {
  const setup = (answer: 'refused' | 'allowed' | 'down') => {
    const clock = new FakeClock();
    const ws = fakeSockets();
    const refused = { status: 403, body: { error: { code: 'origin_not_allowed', message: 'origin https://site.example is not allowed' } } };
    const { fetch, calls } = fakeFetch((call) => (answer === 'refused' ? refused : defaultRoutes('alice')(call)));
    const client = createClient({
      url: 'http://chat.test',
      auth: { token: jwt('alice', clock.nowMs + 3_600_000) },
      WebSocket: ws.WebSocket,
      fetch: answer === 'down' ? () => Promise.reject(new TypeError('Failed to fetch')) : fetch,
      environment: clock.env,
      reconnectPolicy: { nextRetryDelayMs: () => 1000 },
    });
    const errors: QuickchatError[] = [];
    client.on('error', ({ error }) => errors.push(error));
    return { clock, ws, client, errors, calls };
  };

  it('a socket that fails to open on a refused origin is reported as origin_not_allowed, not retryable', async () => {
    const { ws, client, errors, calls } = setup('refused');
    await eventually(() => ws.sockets.length === 1, 'a socket');
    ws.last().serverClose(1006); // what a browser reports for a 403 upgrade
    await eventually(() => errors.length === 1, 'the error');
    expect(errors[0]).toMatchObject({ code: 'origin_not_allowed', retryable: false });
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /api/me']);
    // It keeps retrying (with backoff), so a fixed server configuration is picked up by itself.
    expect(client.connectionState).toBe('reconnecting');
    client.close();
  });

  it('an allowed origin, or a server that cannot be reached, reports nothing of the kind', async () => {
    for (const answer of ['allowed', 'down'] as const) {
      const { ws, client, errors } = setup(answer);
      await eventually(() => ws.sockets.length === 1, 'a socket');
      ws.last().serverClose(1006);
      await flush(20);
      expect(errors.filter((e) => e.code === 'origin_not_allowed'), answer).toEqual([]);
      client.close();
    }
  });
});
