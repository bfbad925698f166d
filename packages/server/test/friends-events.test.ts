import { describe, expect, it } from 'vitest';
import type { UserEvent } from '@quickchat/protocol';
import type { RawClient } from './support/ws-client.js';
import { events, shape, sync, useFriendsServer, waitForEvents } from './support/friends.js';

type Shape = Record<string, unknown>;
const fs = (peerId: string, status: string, actorId: string, memo?: string): Shape =>
  memo === undefined ? { kind: 'friendship', peerId, status, actorId } : { kind: 'friendship', peerId, status, actorId, memo };
const blk = (peerId: string, blocked: boolean, actorId: string): Shape => ({ kind: 'block', peerId, blocked, actorId });

function expectIncreasing(list: UserEvent[]): void {
  for (let i = 1; i < list.length; i++) expect(list[i]!.seq).toBeGreaterThan(list[i - 1]!.seq);
}

/** Waits for `expected.length` events on every client and checks content, order and that sessions agree. */
async function expectLive(clients: RawClient[], expected: Shape[]): Promise<UserEvent[]> {
  const lists = await Promise.all(clients.map((c) => waitForEvents(c, expected.length)));
  for (const list of lists) {
    expect(list.map(shape)).toEqual(expected);
    expectIncreasing(list);
    expect(list).toEqual(lists[0]); // same seq and timestamps in every session
  }
  return lists[0]!;
}

describe('friendship events', () => {
  const startServer = useFriendsServer();

  it('every change is pushed live to every session of both users, from each viewer\'s perspective', async () => {
    const { h, alice, bob } = await startServer();
    const carol = await h.register('carol');
    const [a1, a2, b1, b2, c1] = await Promise.all([h.connect(alice), h.connect(alice), h.connect(bob), h.connect(bob), h.connect(carol)]);
    const A = alice.id;
    const B = bob.id;
    const forAlice: Shape[] = [];
    const forBob: Shape[] = [];
    const step = async (action: Promise<{ status: number }>, aliceSees: Shape[], bobSees: Shape[]) => {
      expect((await action).status).toBeLessThan(300);
      forAlice.push(...aliceSees);
      forBob.push(...bobSees);
      // Wait for this step's frames before the next, so each step is checked in isolation too.
      await Promise.all([expectLive([a1, a2], forAlice), expectLive([b1, b2], forBob)]);
    };

    await step(h.request(alice, B, 'hi bob'), [fs(B, 'outgoing', A, 'hi bob')], [fs(A, 'incoming', A, 'hi bob')]);
    await step(h.accept(bob, A), [fs(B, 'friends', B)], [fs(A, 'friends', B)]);
    await step(h.remove(alice, B), [fs(B, 'none', A)], [fs(A, 'removed', A)]);
    await step(h.remove(bob, A), [], [fs(A, 'none', B)]);
    await step(h.request(bob, A), [fs(B, 'incoming', B)], [fs(A, 'outgoing', B)]);
    await step(h.decline(alice, B), [fs(B, 'none', A)], [fs(A, 'none', A)]);
    await step(h.request(alice, B), [fs(B, 'outgoing', A)], [fs(A, 'incoming', A)]);
    await step(h.cancel(alice, B), [fs(B, 'none', A)], [fs(A, 'none', A)]);
    await step(h.request(bob, A), [fs(B, 'incoming', B)], [fs(A, 'outgoing', B)]);
    await step(h.request(alice, B), [fs(B, 'friends', A)], [fs(A, 'friends', A)]); // auto-accept
    await step(h.block(alice, B), [blk(B, true, A), fs(B, 'none', A)], [fs(A, 'removed', A)]);
    await step(h.unblock(alice, B), [blk(B, false, A)], []);
    // A final change for both: anything stray from the steps above would now show up out of place.
    await step(h.request(bob, A, 'again'), [fs(B, 'incoming', B, 'again')], [fs(A, 'outgoing', B, 'again')]);

    const aliceLive = await expectLive([a1, a2], forAlice);
    const bobLive = await expectLive([b1, b2], forBob);
    // The blocked user was never told about the block itself.
    expect(bobLive.some((e) => e.kind === 'block')).toBe(false);
    // An unrelated user saw nothing.
    await c1.roundTrip();
    expect(events(c1)).toEqual([]);

    // What was pushed is exactly what was stored: a full replay returns the same events, seq and all.
    const replayA = await sync(a1, { eventsAfter: 0 });
    expect(replayA.events).toEqual(aliceLive);
    expect(replayA).toMatchObject({ eventsCursor: aliceLive.at(-1)!.seq, eventsLimited: false });
    const replayB = await sync(b2, { eventsAfter: 0 });
    expect(replayB.events).toEqual(bobLive);
    expect(replayB.eventsCursor).toBe(h.latestEventSeq(B));
  });

  it('a user offline during several changes gets exactly the missed events, in order, on sync', async () => {
    const { h, alice, bob } = await startServer();
    const carol = await h.register('carol');
    await h.rest.befriend(alice, carol); // some history before the cursor
    const A = alice.id;
    const B = bob.id;

    const first = await h.connect(alice);
    const before = await sync(first);
    expect(before.eventsCursor).toBe(h.latestEventSeq(A));
    expect(before.eventsCursor).toBeGreaterThan(0);
    await first.close();

    // Alice has no socket while these happen.
    await h.request(bob, A, 'remember me?');
    await h.cancel(bob, A);
    await h.request(bob, A);
    await h.accept(alice, B); // over REST: still no socket
    await h.remove(bob, A);
    await h.block(carol, A);
    const missed = [
      fs(B, 'incoming', B, 'remember me?'),
      fs(B, 'none', B),
      fs(B, 'incoming', B),
      fs(B, 'friends', A),
      fs(B, 'removed', B),
      fs(carol.id, 'removed', carol.id),
    ];

    const again = await h.connect(alice);
    const caughtUp = await sync(again, { eventsAfter: before.eventsCursor });
    expect(caughtUp.events.map(shape)).toEqual(missed);
    expect(caughtUp.events[0]!.seq).toBeGreaterThan(before.eventsCursor);
    expectIncreasing(caughtUp.events);
    expect(caughtUp.eventsLimited).toBe(false);
    expect(caughtUp.eventsCursor).toBe(caughtUp.events.at(-1)!.seq);
    expect(caughtUp.eventsCursor).toBe(h.latestEventSeq(A));
    // Those changes predate this socket: none of them arrived live.
    expect(events(again)).toEqual([]);

    // Nothing new: an empty page and the same cursor.
    const idle = await sync(again, { eventsAfter: caughtUp.eventsCursor });
    expect(idle).toMatchObject({ events: [], eventsCursor: caughtUp.eventsCursor, eventsLimited: false });

    // A later change arrives live and is the only event after the advanced cursor.
    await h.remove(alice, B);
    const [live] = await waitForEvents(again, 1);
    expect(shape(live!)).toEqual(fs(B, 'none', A));
    const next = await sync(again, { eventsAfter: caughtUp.eventsCursor });
    expect(next.events).toEqual([live]);
    expect(next.eventsCursor).toBe(live!.seq);
  });

  it('a sync past the events page size is limited and jumps the cursor to the latest event', async () => {
    const { h, alice, bob } = await startServer({ overrides: { limits: { syncEventsPageSize: 3 } } });
    const A = alice.id;
    const B = bob.id;
    const a = await h.connect(alice);
    const start = await sync(a);
    expect(start.eventsCursor).toBe(0);

    await h.request(bob, A, 'one');
    await h.cancel(bob, A);
    await h.request(bob, A, 'two');
    await h.accept(alice, B);
    await h.remove(bob, A);
    const live = await waitForEvents(a, 5);
    const latest = live.at(-1)!.seq;
    expect(latest).toBe(h.latestEventSeq(A));

    const limited = await sync(a, { eventsAfter: start.eventsCursor });
    expect(limited.events).toEqual(live.slice(0, 3)); // the oldest page, in order
    expect(limited.eventsLimited).toBe(true);
    expect(limited.eventsCursor).toBe(latest);

    // Exactly a page left: not limited.
    const exact = await sync(a, { eventsAfter: live[1]!.seq });
    expect(exact.events).toEqual(live.slice(2));
    expect(exact).toMatchObject({ eventsLimited: false, eventsCursor: latest });

    // Resuming from the jumped cursor: nothing more.
    const after = await sync(a, { eventsAfter: limited.eventsCursor });
    expect(after).toMatchObject({ events: [], eventsLimited: false, eventsCursor: latest });
  });

  it('a cursor past the newest event is not echoed back: the client gets the real cursor and must reload (eventsLimited)', async () => {
    const { h, alice, bob } = await startServer();
    await h.rest.befriend(alice, bob);
    const a = await h.connect(alice);
    const latest = h.latestEventSeq(alice.id);
    expect(latest).toBeGreaterThan(0);
    for (const bogus of [latest + 1, 1_000_000_000]) {
      expect(await sync(a, { eventsAfter: bogus })).toMatchObject({ events: [], eventsCursor: latest, eventsLimited: true });
    }
    // A user with no events at all and a bogus cursor: told 0, and to reload.
    const carol = await h.register('carol');
    expect(await sync(await h.connect(carol), { eventsAfter: 7 })).toMatchObject({ events: [], eventsCursor: 0, eventsLimited: true });
    // An up-to-date cursor is still answered plainly.
    expect(await sync(a, { eventsAfter: latest })).toMatchObject({ events: [], eventsCursor: latest, eventsLimited: false });
  });

  it('a first sync (no eventsAfter) returns no events but the current cursor', async () => {
    const { h, alice, bob } = await startServer();
    const carol = await h.register('carol');

    const fresh = await h.connect(carol);
    expect(await sync(fresh)).toMatchObject({ events: [], eventsCursor: 0, eventsLimited: false });

    await h.rest.befriend(alice, bob);
    await h.request(carol, alice.id, 'hey');
    const dave = await h.register('dave');
    await h.block(alice, dave.id);
    const a = await h.connect(alice);
    const first = await sync(a);
    expect(first.events).toEqual([]);
    expect(first.eventsLimited).toBe(false);
    expect(first.eventsCursor).toBe(h.latestEventSeq(alice.id));
    // The cursor covers everything stored so far: a full replay ends exactly there.
    const full = await sync(a, { eventsAfter: 0 });
    expect(full.events.map(shape)).toEqual([
      fs(bob.id, 'outgoing', alice.id),
      fs(bob.id, 'friends', bob.id),
      fs(carol.id, 'incoming', carol.id, 'hey'),
      blk(dave.id, true, alice.id),
    ]);
    expect(full.events.at(-1)!.seq).toBe(first.eventsCursor);
  });
});
