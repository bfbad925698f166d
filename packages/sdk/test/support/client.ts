/**
 * A client wired to the fakes (manual clock, scriptable sockets, routing fetch), not yet
 * connected, for unit tests of the client as a whole. Close it with `closeAll()` in `afterEach`.
 */
import type { SyncedFrame } from '@quickchat/protocol';
import { createClient, type ChatClient, type ClientOptions, type QuickchatError } from '../../src/index.js';
import { defaultRoutes, FakeClock, fakeFetch, fakeSockets, flush, handshake, jwt, syncedFrame, type FakeSocket } from './fakes.js';

/** The DM the helpers sync by default. */
export const C = 'dm:alice~bob';

const open: ChatClient[] = [];

/** Closes every client made by {@link testClient}. */
export function closeAll(): void {
  for (const c of open.splice(0)) c.close();
}

/** A client for `alice` (static token), `autoConnect: false`; `options` override the defaults. */
export function testClient(options: Partial<ClientOptions> = {}) {
  const clock = new FakeClock();
  const ws = fakeSockets();
  const rest = fakeFetch(defaultRoutes('alice'));
  const client = createClient({
    url: 'http://chat.test',
    auth: { token: jwt('alice', clock.nowMs + 3_600_000) },
    WebSocket: ws.WebSocket,
    fetch: rest.fetch,
    environment: clock.env,
    reconnectPolicy: { nextRetryDelayMs: () => 1000 },
    pingIntervalMs: 100_000_000,
    autoConnect: false,
    ...options,
  });
  open.push(client);
  const errors: QuickchatError[] = [];
  client.on('error', ({ error }) => errors.push(error));
  /** Connects and finishes the handshake (ready, sync, synced) on a new socket. */
  const online = async (synced: SyncedFrame = syncedFrame([{ conversationId: C }])): Promise<FakeSocket> => {
    client.connect();
    await flush();
    await handshake(ws.last(), 'alice', synced);
    return ws.last();
  };
  return { clock, ws, rest, client, errors, online };
}
