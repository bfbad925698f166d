import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalBus } from '../src/bus/local.js';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { TestUser } from './support/rest.js';
import { Rest } from './support/rest.js';
import { startTestServer, type TestServer } from './support/server.js';
import { RawClient } from './support/ws-client.js';
import { sendDm, useFriendsServer, type FriendsHarness } from './support/friends.js';

// DM permissions are cached per ordered pair. Each test first makes the server answer (and so
// cache) a permission, then changes the relation and checks that the very next DM gets the new
// answer: a cache that outlived a relation change would fail here.

describe('DM permission cache on one node', () => {
  const startServer = useFriendsServer();
  let h: FriendsHarness;
  let alice: TestUser;
  let bob: TestUser;

  describe('friends policy', () => {
    beforeEach(async () => ({ h, alice, bob } = await startServer()));

    it('a block refuses the next DM of a pair whose permission was cached, both ways', async () => {
      await h.rest.befriend(alice, bob);
      const a = await h.connect(alice);
      const b = await h.connect(bob);
      for (let i = 0; i < 3; i++) {
        expect((await sendDm(a, alice.id, bob.id)).type).toBe('ack');
        expect((await sendDm(b, bob.id, alice.id)).type).toBe('ack');
      }
      const stored = h.count('messages');

      expect((await h.block(bob, alice.id)).status).toBe(204);
      expect(await sendDm(a, alice.id, bob.id)).toMatchObject({ type: 'error', code: 'not_found' });
      expect(await sendDm(b, bob.id, alice.id)).toMatchObject({ type: 'error', code: 'not_found' });
      expect(h.count('messages')).toBe(stored);

      // Unblocking does not restore the friendship, so the cached refusal must also stay right.
      expect((await h.unblock(bob, alice.id)).status).toBe(204);
      expect(await sendDm(a, alice.id, bob.id)).toMatchObject({ type: 'error', code: 'not_found' });
      expect(h.count('messages')).toBe(stored);
    });

    it('a refused pair may DM right after befriending, and not after a removal', async () => {
      const a = await h.connect(alice);
      const b = await h.connect(bob);
      for (let i = 0; i < 3; i++) expect(await sendDm(a, alice.id, bob.id)).toMatchObject({ type: 'error', code: 'not_found' });
      expect(await sendDm(b, bob.id, alice.id)).toMatchObject({ type: 'error', code: 'not_found' });

      // A pending request is not enough: still refused.
      expect((await h.request(alice, bob.id)).status).toBe(200);
      expect(await sendDm(a, alice.id, bob.id)).toMatchObject({ type: 'error', code: 'not_found' });

      expect((await h.accept(bob, alice.id)).body).toEqual({ status: 'friends' });
      expect((await sendDm(a, alice.id, bob.id)).type).toBe('ack');
      expect((await sendDm(b, bob.id, alice.id)).type).toBe('ack');
      expect(h.count('messages')).toBe(2);

      expect((await h.remove(bob, alice.id)).status).toBe(204);
      expect(await sendDm(a, alice.id, bob.id)).toMatchObject({ type: 'error', code: 'not_found' });
      expect(await sendDm(b, bob.id, alice.id)).toMatchObject({ type: 'error', code: 'not_found' });
      expect(h.count('messages')).toBe(2);
    });

    it('a change to one pair leaves other pairs alone', async () => {
      const carol = await h.register('carol');
      await h.rest.befriend(alice, bob);
      await h.rest.befriend(alice, carol);
      const a = await h.connect(alice);
      expect((await sendDm(a, alice.id, bob.id)).type).toBe('ack');
      expect((await sendDm(a, alice.id, carol.id)).type).toBe('ack');

      expect((await h.block(carol, alice.id)).status).toBe(204);
      expect(await sendDm(a, alice.id, carol.id)).toMatchObject({ type: 'error', code: 'not_found' });
      expect((await sendDm(a, alice.id, bob.id)).type).toBe('ack');
    });
  });

  describe('anyone policy', () => {
    beforeEach(async () => ({ h, alice, bob } = await startServer({ overrides: { dmPolicy: 'anyone' } })));

    it('a block refuses a cached pair at once and an unblock allows it again at once', async () => {
      const a = await h.connect(alice);
      for (let i = 0; i < 3; i++) expect((await sendDm(a, alice.id, bob.id)).type).toBe('ack');
      expect((await h.block(bob, alice.id)).status).toBe(204);
      expect(await sendDm(a, alice.id, bob.id)).toMatchObject({ type: 'error', code: 'not_found' });
      expect((await h.unblock(bob, alice.id)).status).toBe(204);
      expect((await sendDm(a, alice.id, bob.id)).type).toBe('ack');
      expect(h.count('messages')).toBe(4);
    });
  });
});

describe('DM permission cache across nodes', () => {
  // Two servers sharing one store and one bus, as two nodes would. A relation changed through
  // node B must reach node A's cache over the bus: node A never sees the REST call.
  let dataDir: string;
  let store: SqliteStore;
  let nodeA: TestServer;
  let nodeB: TestServer;
  let restA: Rest;
  let restB: Rest;
  const clients: RawClient[] = [];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'quickchat-perm-cache-'));
    store = openSqliteStore({ file: join(dataDir, 'shared.db') });
    const bus = new LocalBus();
    nodeA = await startTestServer({ dataDir, store, bus });
    nodeB = await startTestServer({ dataDir, store, bus });
    restA = new Rest(nodeA.url);
    restB = new Rest(nodeB.url);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await nodeA.stop();
    await nodeB.stop();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const connect = async (url: string, user: TestUser) => {
    const client = await RawClient.connect(url, user.token);
    clients.push(client);
    return client;
  };

  it('a block made on another node refuses the next DM of a pair cached here', async () => {
    const alice = await restA.register('alice');
    const bob = await restA.register('bob');
    await restA.befriend(alice, bob);
    const a = await connect(nodeA.wsUrl, alice);
    const b = await connect(nodeB.wsUrl, bob);
    for (let i = 0; i < 3; i++) expect((await sendDm(a, alice.id, bob.id)).type).toBe('ack');
    // Node A delivered to bob on node B through the shared bus.
    await b.waitForCount((f) => f.type === 'message', 3);

    expect((await restB.call('PUT', `/api/blocks/${alice.id}`, { token: bob.token })).status).toBe(204);
    expect(await sendDm(a, alice.id, bob.id)).toMatchObject({ type: 'error', code: 'not_found' });
    expect((await store.getMessages(`dm:${[alice.id, bob.id].sort().join('~')}`, { limit: 10 })).messages).toHaveLength(3);
  });

  it('a friendship made on another node lets a pair refused here DM at once', async () => {
    const alice = await restA.register('alice');
    const bob = await restA.register('bob');
    const a = await connect(nodeA.wsUrl, alice);
    for (let i = 0; i < 3; i++) expect(await sendDm(a, alice.id, bob.id)).toMatchObject({ type: 'error', code: 'not_found' });

    await restB.befriend(alice, bob);
    expect((await sendDm(a, alice.id, bob.id)).type).toBe('ack');
  });
});
