import { describe, expect, it, vi } from 'vitest';
import { FakeClock, fakeFetch, fakeSockets, flush, jwt, readyFrame } from '../support/fakes.js';

/** Browser globals an SSR-safe module must not read at import or construction. */
const TRAPPED = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'indexedDB', 'location', 'self', 'WebSocket', 'fetch', 'addEventListener', 'removeEventListener'] as const;

/** Replaces the globals with getters that record the access and throw; returns the restore function. */
function trapGlobals(touched: string[]): () => void {
  const g = globalThis as Record<string, unknown>;
  const saved = TRAPPED.map((name) => [name, Object.getOwnPropertyDescriptor(g, name)] as const);
  for (const name of TRAPPED) {
    Object.defineProperty(g, name, {
      configurable: true,
      get() {
        touched.push(name);
        throw new Error(`the SDK touched globalThis.${name}`);
      },
    });
  }
  return () => {
    for (const [name, descriptor] of saved) {
      if (descriptor) Object.defineProperty(g, name, descriptor);
      else delete g[name];
    }
  };
}

describe('SSR safety', () => {
  it('imports and creates a client (autoConnect: false) without touching browser globals', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    const clock = new FakeClock();
    const ws = fakeSockets();
    const rest = fakeFetch(() => undefined);
    const touched: string[] = [];
    vi.resetModules();
    const restore = trapGlobals(touched);
    let state: string;
    let constructed: unknown;
    try {
      const sdk = await import('../../src/index.js');
      const client = sdk.createClient({
        url: 'https://chat.example.com',
        auth: { token: jwt('alice', clock.nowMs + 3_600_000) },
        WebSocket: ws.WebSocket,
        fetch: rest.fetch,
        environment: clock.env,
        autoConnect: false,
      });
      constructed = client;
      state = client.connectionState;
      client.on('message', () => undefined)();
      void client.messages.getState();
      client.close();
    } finally {
      restore();
    }
    expect(touched).toEqual([]);
    expect(constructed).toBeDefined();
    expect(state).toBe('idle');
    expect(ws.sockets).toHaveLength(0);
    expect(rest.calls).toHaveLength(0);
    expect(clock.pending()).toBe(0);
  });

  it('the default environment works where window/document do not exist (Node): connect() reaches connected', async () => {
    vi.resetModules();
    const sdk = await import('../../src/index.js');
    const ws = fakeSockets();
    const rest = fakeFetch(() => ({ body: { items: [] } }));
    const client = sdk.createClient({ url: 'http://chat.test', auth: { token: 'static' }, WebSocket: ws.WebSocket, fetch: rest.fetch, autoConnect: false });
    try {
      client.connect();
      await flush();
      ws.last().open();
      ws.last().deliver(readyFrame('alice'));
      expect(client.connectionState).toBe('connected');
    } finally {
      client.close();
    }
    expect(client.connectionState).toBe('closed');
  });

  it('without an injected WebSocket in Node 20 the client explains what to pass', async () => {
    const sdk = await import('../../src/index.js');
    const hasWebSocket = typeof (globalThis as { WebSocket?: unknown }).WebSocket !== 'undefined';
    const create = () => sdk.createClient({ url: 'http://chat.test', auth: { token: 't' }, fetch: fakeFetch(() => undefined).fetch, autoConnect: false });
    if (hasWebSocket) {
      create().close();
      return;
    }
    expect(create).toThrow(/WebSocket/);
    try {
      create();
    } catch (err) {
      expect(err).toBeInstanceOf(sdk.QuickchatError);
      expect((err as InstanceType<typeof sdk.QuickchatError>).code).toBe('validation');
    }
  });
});
