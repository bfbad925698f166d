import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, ErrorCode, PROTOCOL_VERSION, type ErrorFrame, type ReadyFrame } from '@quickchat/protocol';
import { startTestServer, type TestServer } from './support/server.js';
import { Rest, type TestUser } from './support/rest.js';
import { RawClient } from './support/ws-client.js';

let t: TestServer | null = null;
const clients: RawClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await t?.stop();
  t = null;
});

async function setup(): Promise<{ server: TestServer; alice: TestUser }> {
  t = await startTestServer();
  const alice = await new Rest(t.url).register('alice');
  return { server: t, alice };
}

/** Opens a socket, sends `auth` with `protocol` (omitted when undefined) and returns the first answer. */
async function authenticate(server: TestServer, token: string, protocol: number | undefined) {
  const client = await RawClient.open(server.wsUrl);
  clients.push(client);
  client.send(protocol === undefined ? { type: 'auth', token } : { type: 'auth', token, protocol });
  const first = await client.next((f) => f.type === 'ready' || f.type === 'error');
  return { client, first };
}

describe('protocol version negotiation (auth → ready)', () => {
  it('treats an auth frame without `protocol` as version 1', async () => {
    const { server, alice } = await setup();
    const { first } = await authenticate(server, alice.token, undefined);
    expect(first).toMatchObject({ type: 'ready', userId: alice.id, protocol: 1 });
  });

  it('answers a client of the current version in that version', async () => {
    const { server, alice } = await setup();
    const { first } = await authenticate(server, alice.token, PROTOCOL_VERSION);
    expect((first as ReadyFrame).protocol).toBe(PROTOCOL_VERSION);
  });

  it('answers a newer client in the server version, and the session works', async () => {
    const { server, alice } = await setup();
    const { client, first } = await authenticate(server, alice.token, PROTOCOL_VERSION + 1);
    expect(first).toMatchObject({ type: 'ready', protocol: PROTOCOL_VERSION });
    await client.roundTrip();
  });

  it('refuses a client older than the minimum with protocol_unsupported and close code 4008', async () => {
    const { server, alice } = await setup();
    const { client, first } = await authenticate(server, alice.token, 0);
    expect(first.type).toBe('error');
    expect((first as ErrorFrame).code).toBe(ErrorCode.ProtocolUnsupported);
    expect((first as ErrorFrame).message).toMatch(/protocol 0 is not supported.*upgrade/);
    const closed = await client.closed;
    expect(closed.code).toBe(CloseCode.ProtocolUnsupported);
    expect(client.frames.some((f) => f.type === 'ready')).toBe(false);
  });

  it('checks the version before the token: an old client with a bad token still learns it must upgrade', async () => {
    const { server } = await setup();
    const { client, first } = await authenticate(server, 'not-a-token', 0);
    expect((first as ErrorFrame).code).toBe(ErrorCode.ProtocolUnsupported);
    expect((await client.closed).code).toBe(CloseCode.ProtocolUnsupported);
  });
});
