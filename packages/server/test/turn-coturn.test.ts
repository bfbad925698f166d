import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IceServer, TurnCredentialsResponse } from '@quickchat/protocol';
import { turnCredential } from '../src/turn/credentials.js';
import { startTestServer, type TestServer } from './support/server.js';
import { Rest, type TestUser } from './support/rest.js';
import { coturnMissing, freeTurnPort, startCoturn, type Coturn } from './support/coturn.js';
import { notLoopbackOnly } from './support/loopback-only.js';
import { gatherRelay, relayDataChannel } from './support/webrtc.js';

// Peer connections gather on every interface: this file runs only where loopback is all there is.
const skipReason = coturnMissing() ?? notLoopbackOnly();
if (skipReason) console.warn(`[turn-coturn.test.ts] skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('credentials from GET /api/turn-credentials against a real coturn', () => {
  let t: TestServer;
  let coturn: Coturn;
  let rest: Rest;
  let alice: TestUser;
  let bob: TestUser;
  let secret: string;

  const iceServersFor = async (user: TestUser): Promise<IceServer[]> => {
    const res = await rest.call<TurnCredentialsResponse>('GET', '/api/turn-credentials', { token: user.token });
    expect(res.status).toBe(200);
    expect(res.body.turn).toBe(true);
    return res.body.iceServers;
  };
  /** The same TURN entry with its credential replaced. */
  const withCredential = (servers: IceServer[], username: string, credential: string): IceServer[] =>
    servers.map((s) => (s.username ? { ...s, username, credential } : s));

  beforeAll(async () => {
    const port = await freeTurnPort();
    t = await startTestServer({ turn: { urls: [`turn:127.0.0.1:${port}?transport=udp`], ttlSec: 300 } });
    rest = new Rest(t.url);
    [alice, bob] = await Promise.all([rest.register('alice'), rest.register('bob')]);
    // coturn shares the secret the server generated for this install, as docs/deploy.md says to set it up.
    secret = (JSON.parse(readFileSync(join(t.dataDir, 'secrets.json'), 'utf8')) as { turnSecret: string }).turnSecret;
    coturn = await startCoturn(secret, port);
  }, 20_000);
  afterAll(async () => {
    await coturn?.stop();
    await t?.stop();
  });

  it('they get a real TURN allocation: a relay candidate on the coturn relay address, no errors', { timeout: 15_000 }, async () => {
    const gathered = await gatherRelay(await iceServersFor(alice));
    expect(gathered.errors.filter((e) => e.url.startsWith('turn:')), coturn.log()).toEqual([]);
    expect(gathered.candidates.length, coturn.log()).toBeGreaterThan(0);
    for (const line of gathered.candidates) expect(line).toMatch(/ 127\.0\.0\.1 \d+ typ relay /);
  });

  it('two users connect through the relay only and a data-channel message arrives', { timeout: 20_000 }, async () => {
    const result = await relayDataChannel(await iceServersFor(alice), await iceServersFor(bob), 'hello through coturn');
    expect(result.received).toBe('hello through coturn');
    expect(result.selected).toEqual([
      { local: 'relay', remote: 'relay' },
      { local: 'relay', remote: 'relay' },
    ]);
  });

  it('a credential signed with a wrong secret gets no allocation: coturn answers 401', { timeout: 15_000 }, async () => {
    const servers = await iceServersFor(alice);
    const username = servers.find((s) => s.username)!.username!;
    const forged = createHmac('sha1', `${secret}-wrong`).update(username).digest('base64');
    const gathered = await gatherRelay(withCredential(servers, username, forged));
    expect(gathered.candidates).toEqual([]);
    expect(gathered.errors).toContainEqual(expect.objectContaining({ errorCode: 401, url: expect.stringMatching(/^turn:/) }));
  });

  it("a credential with the username changed to another user's id gets no allocation", { timeout: 15_000 }, async () => {
    const servers = await iceServersFor(alice);
    const turn = servers.find((s) => s.username)!;
    const gathered = await gatherRelay(withCredential(servers, turn.username!.replace(alice.id, bob.id), turn.credential!));
    expect(gathered.candidates).toEqual([]);
    expect(gathered.errors.map((e) => e.errorCode)).toContain(401);
  });

  it('an expired credential, though signed with the right secret, gets no allocation', { timeout: 15_000 }, async () => {
    const servers = await iceServersFor(alice);
    const expired = turnCredential(secret, alice.id, 60, Date.now() - 120_000);
    const gathered = await gatherRelay(withCredential(servers, expired.username, expired.credential));
    expect(gathered.candidates).toEqual([]);
    expect(gathered.errors.map((e) => e.errorCode)).toContain(401);
  });
});
