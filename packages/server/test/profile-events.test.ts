import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PublicUser } from '@quickchat/protocol';
import { events, shape, sync, useFriendsServer, waitForEvents } from './support/friends.js';
import type { TestUser } from './support/rest.js';
import type { RawClient } from './support/ws-client.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/types.js';

/**
 * Issue 9: a profile change (display name, avatar, signature) reaches everyone who sees the
 * profile in their lists — friends, peers with a `removed` row, pending requests either way —
 * and the user's own other devices: a `profile` user event, pushed live and replayed by sync.
 * Strangers and blocked users (either way) get nothing.
 */
describe('profile events', () => {
  const startServer = useFriendsServer();

  it('a rename reaches friends, removed and pending viewers and own devices live, and offline viewers on sync; strangers and blocked users get nothing', async () => {
    const { h, alice, bob } = await startServer({ befriend: true });
    const [carol, dave, erin, frank, gina, henry] = (await Promise.all(['carol', 'dave', 'erin', 'frank', 'gina', 'henry'].map((n) => h.register(n)))) as [TestUser, TestUser, TestUser, TestUser, TestUser, TestUser];
    await h.rest.befriend(alice, dave);
    await h.block(alice, dave.id); // dave keeps a `removed` row about alice, but alice blocked him
    await h.rest.befriend(alice, erin);
    await h.block(erin, alice.id); // erin blocked alice
    await h.request(frank, alice.id, 'hello'); // frank asked: pending
    await h.request(alice, carol.id); // alice asked carol: pending the other way
    await h.rest.befriend(alice, gina);
    await h.remove(alice, gina.id); // gina sees alice as `removed`
    await h.rest.befriend(alice, henry);
    const stranger = await h.register('ivan');

    const henryBefore = await sync(await h.connect(henry));
    const all = await Promise.all([alice, alice, bob, carol, dave, erin, frank, gina, stranger].map((u) => h.connect(u)));
    const [a1, a2, b1, c1, d1, e1, f1, g1, i1] = all as [RawClient, RawClient, RawClient, RawClient, RawClient, RawClient, RawClient, RawClient, RawClient];
    for (const c of all) await sync(c);
    const before = new Map(all.map((c) => [c, events(c).length]));

    const patched = await h.rest.call<PublicUser>('PATCH', '/api/me', { token: alice.token, body: { displayName: 'Alice Two', avatarUrl: 'https://example.com/a.png' } });
    expect(patched.status).toBe(200);
    const profile = patched.body;
    expect(profile).toMatchObject({ id: alice.id, displayName: 'Alice Two', avatarUrl: 'https://example.com/a.png' });

    // Live: both of alice's sessions, her friend, the pending requests both ways, the removed peer.
    for (const c of [a1, a2, b1, c1, f1, g1]) {
      const list = await waitForEvents(c, before.get(c)! + 1);
      expect(list.slice(before.get(c)!).map(shape)).toEqual([{ kind: 'profile', user: profile }]);
    }
    // Nothing for the stranger, the user alice blocked, or the user who blocked alice.
    for (const c of [d1, e1, i1]) {
      await c.roundTrip();
      expect(events(c).slice(before.get(c)!)).toEqual([]);
    }

    // Offline: henry catches up on sync, with exactly the stored event.
    const henryAgain = await h.connect(henry);
    const caughtUp = await sync(henryAgain, { eventsAfter: henryBefore.eventsCursor });
    expect(caughtUp.events.map(shape)).toEqual([{ kind: 'profile', user: profile }]);
    expect(caughtUp.eventsCursor).toBe(h.latestEventSeq(henry.id));
    // The stored events match what went out live (same seq in both of alice's sessions).
    expect(events(a1).at(-1)).toEqual(events(a2).at(-1));
    expect((await sync(a1, { eventsAfter: events(a1).at(-1)!.seq - 1 })).events).toEqual([events(a1).at(-1)]);
    // Dave and erin have nothing stored either.
    expect(h.query('SELECT user_id FROM user_events WHERE kind = ? ORDER BY user_id', 'profile').map((r) => (r as { user_id: string }).user_id).sort()).toEqual(
      [alice.id, bob.id, carol.id, frank.id, gina.id, henry.id].sort(),
    );

    // A patch that changes nothing tells nobody.
    const same = await h.rest.call('PATCH', '/api/me', { token: alice.token, body: { displayName: 'Alice Two' } });
    expect(same.status).toBe(200);
    await b1.roundTrip();
    expect(events(b1).length).toBe(before.get(b1)! + 1);

    // The signature reaches them too, and the friend's list shows the new profile.
    await h.rest.call('PATCH', '/api/me', { token: alice.token, body: { signature: 'away' } });
    const [last] = (await waitForEvents(b1, before.get(b1)! + 2)).slice(-1);
    expect(last).toMatchObject({ kind: 'profile', user: { id: alice.id, displayName: 'Alice Two', signature: 'away' } });
    expect((await h.list(bob, 'friends')).find((e) => e.user.id === alice.id)?.user).toEqual((last as { user: PublicUser }).user);
  });

  it('concurrent updates of one user leave every viewer with the newest profile last, even when a fan-out is slow', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quickchat-profile-'));
    const inner = openSqliteStore({ file: join(dir, 'quickchat.db') });
    // The first fan-out is slow: without per-user ordering, a later update's event would be
    // appended first and the slow, older one would end up last in every viewer's log.
    let appends = 0;
    const store = new Proxy(inner, {
      get(target, prop) {
        if (prop === 'appendUserEvents') {
          return async (events: Parameters<Store['appendUserEvents']>[0]) => {
            if (appends++ === 0) await new Promise((r) => setTimeout(r, 150));
            return target.appendUserEvents(events);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    try {
      const { h, alice, bob } = await startServer({ befriend: true, overrides: { store } });
      const b1 = await h.connect(bob);
      await sync(b1);
      const names = Array.from({ length: 4 }, (_, i) => `Alice ${i}`);
      const results = await Promise.all(names.map((displayName) => h.rest.call<PublicUser>('PATCH', '/api/me', { token: alice.token, body: { displayName } })));
      expect(results.every((r) => r.status === 200)).toBe(true);
      const final = (await h.rest.call<PublicUser>('GET', '/api/me', { token: alice.token })).body;
      const list = await waitForEvents(b1, names.length);
      expect(list.map((e) => (e as { user: PublicUser }).user.displayName).sort()).toEqual(names);
      expect(list.at(-1)).toMatchObject({ kind: 'profile', user: final });
      await h.close();
    } finally {
      await inner.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
