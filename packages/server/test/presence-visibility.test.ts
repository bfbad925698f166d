import { afterEach, describe, expect, it } from 'vitest';
import type { PresenceState } from '@quickchat/protocol';
import { GroupsHarness } from './support/groups.js';
import { NOBODY } from './support/friends.js';
import type { TestUser } from './support/rest.js';
import { isPresence, presenceFrames, statesOf, subscribe, waitForState } from './support/presence.js';
import type { ServerOptions } from '../src/config.js';

/** Short windows, so changes arrive fast; nothing here waits for them to pass. */
const FAST = { limits: { presenceBatchMs: 10, presenceGraceMs: 30 } } satisfies Partial<ServerOptions>;

const started: GroupsHarness[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((h) => h.close()));
});
async function start(overrides: Partial<ServerOptions> = FAST): Promise<GroupsHarness> {
  const h = await GroupsHarness.start(overrides);
  started.push(h);
  return h;
}

/** Makes `members` co-members of a group owned by `owner` (invited, then accepting), none of them friends. */
async function groupOf(h: GroupsHarness, owner: TestUser, members: TestUser[]): Promise<string> {
  const g = await h.createGroup(owner, { name: 'Climbers' });
  await h.add(owner, g, members.map((m) => m.id));
  for (const m of members) expect((await h.acceptInvite(m, g)).status).toBe(204);
  return g;
}

const hide = (h: GroupsHarness, u: TestUser, showPresence: boolean) => h.rest.call('PATCH', '/api/me', { token: u.token, body: { showPresence } });

describe('presence: who sees what', () => {
  it('friends see online, then offline with lastSeenAt, aggregated over two devices', async () => {
    const h = await start();
    const { alice, bob } = await h.users(['alice', 'bob'], [['alice', 'bob']]);
    const a = await h.connect(alice);
    // After `ready`, one frame with the friends' current state.
    expect(await waitForState(a, bob.id, 'offline')).toEqual({ userId: bob.id, status: 'offline' });
    const b1 = await h.connect(bob);
    await waitForState(a, bob.id, 'online');
    const b2 = await h.connect(bob);
    await b1.close();
    const before = Date.now();
    await b2.close();
    const after = Date.now();
    const offline = await waitForState(a, bob.id, 'offline');
    expect(offline.lastSeenAt).toBeGreaterThanOrEqual(before - 1);
    expect(offline.lastSeenAt).toBeLessThanOrEqual(after);
    // b1 leaving while b2 stayed changed nothing anyone could see.
    expect(statesOf(a, bob.id).map((s) => s.status)).toEqual(['offline', 'online', 'offline']);
    // A new session of alice starts with bob's last seen.
    const a2 = await h.connect(alice);
    expect(await waitForState(a2, bob.id, 'offline')).toEqual(offline);
  });

  it('a reconnect within the grace period shows watchers no offline-online flap', async () => {
    const h = await start({ limits: { presenceBatchMs: 10, presenceGraceMs: 60_000 } });
    const { alice, bob, carol } = await h.users(['alice', 'bob', 'carol'], [['alice', 'bob'], ['alice', 'carol']]);
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    await waitForState(a, bob.id, 'online');
    await b.close();
    await h.connect(bob);
    // Carol's arrival comes after bob's departure and return; had either been pushed, it would be in this frame or an earlier one.
    await h.connect(carol);
    await waitForState(a, carol.id, 'online');
    expect(statesOf(a, bob.id).map((s) => s.status)).toEqual(['offline', 'online']);
  });

  it('small-group co-members see each other; strangers and ids of nobody get unknown and never a push', async () => {
    const h = await start();
    const { alice, carol, mallory, zed } = await h.users(['alice', 'carol', 'mallory', 'zed'], [['mallory', 'zed']]);
    await groupOf(h, alice, [carol]);
    const c = await h.connect(carol);
    expect(await waitForState(c, alice.id, 'offline')).toEqual({ userId: alice.id, status: 'offline' });
    const m = await h.connect(mallory);
    const asked = [alice.id, carol.id, NOBODY, zed.id, mallory.id];
    expect(await subscribe(m, asked)).toEqual([
      { userId: alice.id, status: 'unknown' },
      { userId: carol.id, status: 'unknown' },
      { userId: NOBODY, status: 'unknown' },
      { userId: zed.id, status: 'offline' },
      { userId: mallory.id, status: 'online' },
    ]);
    const a = await h.connect(alice);
    await waitForState(c, alice.id, 'online');
    await a.close();
    await waitForState(c, alice.id, 'offline');
    // Zed's arrival is pushed to mallory after alice's changes: nothing about alice or carol came before it.
    await h.connect(zed);
    await waitForState(m, zed.id, 'online');
    const told = presenceFrames(m).flatMap((f) => f.users);
    expect(told.filter((s) => s.userId === alice.id || s.userId === carol.id || s.userId === NOBODY)).toEqual([
      { userId: alice.id, status: 'unknown' },
      { userId: carol.id, status: 'unknown' },
      { userId: NOBODY, status: 'unknown' },
    ]);
  });

  it('a user who hides is unknown to everyone, with no last seen, until they show again', async () => {
    const h = await start();
    const { alice, bob, carol } = await h.users(['alice', 'bob', 'carol'], [['alice', 'bob'], ['alice', 'carol']]);
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    await waitForState(a, bob.id, 'online');
    expect((await hide(h, bob, false)).status).toBe(200);
    await waitForState(a, bob.id, 'unknown');
    await b.close();
    // Carol's arrival follows bob's departure (past its grace): no offline, no last seen for bob.
    const c = await h.connect(carol);
    await waitForState(a, carol.id, 'online');
    await c.close();
    await waitForState(a, carol.id, 'offline');
    const a2 = await h.connect(alice);
    await waitForState(a2, carol.id, 'offline');
    expect(statesOf(a2, bob.id)).toEqual([{ userId: bob.id, status: 'unknown' }]);
    expect(await subscribe(a2, [bob.id])).toEqual([{ userId: bob.id, status: 'unknown' }]);
    // A session that opens and closes while hidden tells nobody anything either.
    const b2 = await h.connect(bob);
    await b2.close();
    const c2 = await h.connect(carol);
    await waitForState(a, carol.id, 'online');
    await c2.close();
    expect(statesOf(a, bob.id).map((s) => s.status)).toEqual(['offline', 'online', 'unknown']);
    expect(presenceFrames(a).flatMap((f) => f.users).some((s: PresenceState) => s.userId === bob.id && s.lastSeenAt !== undefined)).toBe(false);
    // Showing again: bob is offline, and his last seen is shown again.
    expect((await hide(h, bob, true)).status).toBe(200);
    const shown = await waitForState(a, bob.id, 'offline');
    expect(shown.lastSeenAt).toEqual(expect.any(Number));
  });

  it('a friendship that ends turns the former friend unknown at once; a new one shows their state', async () => {
    const h = await start();
    const { alice, bob } = await h.users(['alice', 'bob'], [['alice', 'bob']]);
    const a = await h.connect(alice);
    await h.connect(bob);
    await waitForState(a, bob.id, 'online');
    expect((await h.rest.call('DELETE', `/api/friends/${bob.id}`, { token: alice.token })).status).toBe(204);
    await waitForState(a, bob.id, 'unknown');
    await h.rest.befriend(alice, bob);
    await waitForState(a, bob.id, 'online');
    expect(a.frames.filter(isPresence).length).toBeGreaterThanOrEqual(3);
  });
});
