import { afterEach, beforeEach } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../../../server/test/support/server.js';
import { Rest, type TestUser } from '../../../server/test/support/rest.js';
import { createClient, type ChatClient, type ClientOptions } from '../../src/index.js';

export { startTestServer, Rest, type TestServer, type TestUser };

/** A real server with relaxed rate limits, for SDK integration tests. */
export function startServerForSdk(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  return startTestServer({ limits: { messagesPerSecond: 5000, messageBurst: 5000, authAttemptsPerMinute: 1000 }, ...overrides });
}

/** An SDK client in Node (ws as the WebSocket), signed in with handle + password. */
export function clientFor(t: TestServer, user: TestUser, options: Partial<ClientOptions> = {}): ChatClient {
  return createClient({
    url: t.url,
    auth: { handle: user.handle, password: user.password },
    WebSocket: WebSocket as unknown as ClientOptions['WebSocket'],
    ...options,
  });
}

/** Returns `clientFor(t, user)` bound to a list: each client it makes is pushed there (for `usePair` to close). */
export function clientMaker(clients: ChatClient[], server: () => TestServer): (user: TestUser, options?: Partial<ClientOptions>) => ChatClient {
  return (user, options) => {
    const client = clientFor(server(), user, options);
    clients.push(client);
    return client;
  };
}

/** Resolves when `predicate` holds, checking on every client event and store change (bounded). */
export function until(client: ChatClient, predicate: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    const done = (err?: Error) => {
      clearTimeout(timer);
      clearInterval(poll);
      for (const off of offs) off();
      if (err) reject(err);
      else resolve();
    };
    const check = () => {
      if (predicate()) done();
    };
    const timer = setTimeout(() => done(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    const poll = setInterval(check, 20);
    offs.push(client.messages.subscribe((s) => s, check), client.conversations.subscribe((s) => s, check), client.on('connectionStateChanged', check), client.on('synced', check));
    check();
  });
}

/** A fresh server with two registered users, for one test. */
export interface Pair {
  t: TestServer;
  rest: Rest;
  alice: TestUser;
  bob: TestUser;
}

/**
 * Registers the usual hooks of an SDK integration suite: before each test a fresh server with
 * `alice` and `bob` (mutual friends unless `befriend: false`), handed to `assign`; after it,
 * every client in `clients` is closed and the server stopped.
 */
export function usePair(clients: ChatClient[], assign: (pair: Pair) => void, options: { befriend?: boolean; start?: () => Promise<TestServer> } = {}): void {
  let server: TestServer | undefined;
  beforeEach(async () => {
    server = await (options.start ?? startServerForSdk)();
    const rest = new Rest(server.url);
    const alice = await rest.register('alice');
    const bob = await rest.register('bob');
    if (options.befriend ?? true) await rest.befriend(alice, bob);
    assign({ t: server, rest, alice, bob });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server?.stop();
  });
}
