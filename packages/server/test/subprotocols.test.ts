import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from './support/server.js';
import { Rest } from './support/rest.js';
import { RawClient } from './support/ws-client.js';
import { rawUpgrade } from './support/raw-upgrade.js';

/**
 * The server speaks no WebSocket subprotocol: an offered `Sec-WebSocket-Protocol` is ignored
 * (101 without the header), never echoed back, however long it is (docs/protocol.md, Transport).
 */
describe('WebSocket subprotocols', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.stop();
  });

  it.each<[string, string]>([
    ['one protocol', 'chat'],
    ['several protocols', 'quickchat.v1, mqtt, graphql-ws'],
    ['an 8 KB list of protocols', Array.from({ length: 1000 }, (_, i) => `p${String(i).padStart(5, '0')}`).join(',').slice(0, 8191)],
    ['an 8 KB single protocol', 'x'.repeat(8 * 1024)],
  ])('an offer of %s is answered 101 without Sec-WebSocket-Protocol', async (_label, offer) => {
    const answer = await rawUpgrade(t.wsUrl, { 'Sec-WebSocket-Protocol': offer });
    expect(answer.status).toBe(101);
    expect(answer.headers['sec-websocket-protocol']).toBeUndefined();
  });

  it('a client that requires an offered protocol fails on its side; one that offers none works', async () => {
    const failed = await new Promise<string>((resolve) => {
      const ws = new WebSocket(t.wsUrl, ['chat']);
      ws.once('open', () => resolve('opened'));
      ws.once('error', (err) => resolve(err.message));
    });
    expect(failed).toMatch(/subprotocol/i);

    const user = await new Rest(t.url).register('subproto_user');
    const client = await RawClient.connect(t.wsUrl, user.token);
    expect(client.frames[0]?.type).toBe('ready');
    await client.close();
  });
});
