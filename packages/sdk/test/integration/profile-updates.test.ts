import { describe, expect, it } from 'vitest';
import type { PublicUser } from '@quickchat/protocol';
import { Rest, type TestServer, type TestUser, clientMaker, until, usePair } from '../support/sdk-server.js';
import type { ChatClient, ClientOptions, FetchLike } from '../../src/index.js';
import { friendsOf } from '../../src/friends/index.js';
import { connected } from './helpers.js';

/** Issue 9: a friend's rename reaches the SDK's stores live and on sync, without a reload or a refetch. */
describe('SDK profile updates against the real server', () => {
  let t: TestServer;
  let rest: Rest;
  let alice: TestUser;
  let bob: TestUser;
  const clients: ChatClient[] = [];
  const open = clientMaker(clients, () => t);

  usePair(clients, (p) => ({ t, rest, alice, bob } = p));

  /** A fetch that counts requests to the friend lists. */
  const counting = () => {
    const counter = { lists: 0, fetch: ((input, init) => {
      if (/\/api\/(friends|friend-requests|blocks)/.test(input)) counter.lists++;
      return globalThis.fetch(input, init);
    }) as FetchLike };
    return counter;
  };
  const friendOf = (c: ChatClient, id: string) => friendsOf(c).store.getState().friends.find((f) => f.user.id === id)?.user;

  it("a friend's rename updates friendsOf(client).store live (no refetch) and emits userUpdated; the user's other device updates client.user", async () => {
    const counter = counting();
    const b = open(bob, { fetch: counter.fetch } as Partial<ClientOptions>);
    const a1 = open(alice);
    const a2 = open(alice);
    await Promise.all([connected(b, 'bob'), connected(a1, 'alice 1'), connected(a2, 'alice 2')]);
    await until(b, () => friendsOf(b).store.getState().loaded && friendOf(b, alice.id)?.displayName === 'alice', 15_000, 'bob loaded his friends');
    await until(a2, () => a2.user.getState()?.id === alice.id, 15_000, 'alice 2 knows who she is');
    const listsBefore = counter.lists;
    const updates: PublicUser[] = [];
    b.on('userUpdated', ({ user }) => updates.push(user));
    const relations: unknown[] = [];
    b.on('relationChanged', ({ event }) => relations.push(event));

    const renamed = await a1.rest.updateMe({ displayName: 'Alice Liddell', avatarUrl: 'https://example.com/alice.png' });
    await until(b, () => friendOf(b, alice.id)?.displayName === 'Alice Liddell', 15_000, "bob's store shows the new name");
    expect(friendOf(b, alice.id)).toEqual(renamed);
    expect(updates).toEqual([renamed]);
    expect(relations).toEqual([]); // a profile change is not a relation change
    expect(counter.lists).toBe(listsBefore); // patched in place: no list was fetched again
    await until(a2, () => a2.user.getState()?.displayName === 'Alice Liddell', 15_000, "alice's other device shows her new name");
    expect(a2.user.getState()).toEqual(renamed);
    await until(a1, () => a1.user.getState()?.displayName === 'Alice Liddell', 15_000, 'and so does the device that made the change');
  });

  it('a rename while the friend is offline reaches their store on sync', async () => {
    const b = open(bob);
    await connected(b, 'bob');
    await until(b, () => friendOf(b, alice.id)?.displayName === 'alice', 15_000, 'bob loaded his friends');
    const updates: PublicUser[] = [];
    b.on('userUpdated', ({ user }) => updates.push(user));
    b.disconnect();

    const renamed = (await rest.call<PublicUser>('PATCH', '/api/me', { token: alice.token, body: { displayName: 'Alice (away)', signature: 'back soon' } })).body;
    expect(renamed.displayName).toBe('Alice (away)');
    expect(friendOf(b, alice.id)?.displayName).toBe('alice');

    b.connect();
    await until(b, () => friendOf(b, alice.id)?.displayName === 'Alice (away)', 15_000, "bob's store caught up on sync");
    expect(friendOf(b, alice.id)).toEqual(renamed);
    expect(updates).toEqual([renamed]);
  });
});
