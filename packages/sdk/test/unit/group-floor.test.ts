/**
 * A group member sees only messages after their floor (where they joined, unless the history is
 * visible to new members). The SDK must never ask for anything at or below it: catch-up starts a
 * joiner's cursor at the floor, the message at floor + 1 is no gap, and `loadOlder()` stops there.
 * The fake server here stores the group's whole history and answers whatever it is asked, so any
 * request below the floor shows up in `history`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message, UserEvent } from '@quickchat/protocol';
import { C, closeAll, testClient } from '../support/client.js';
import { defaultRoutes, eventually, fakeFetch, flush, message, syncedFrame, type FakeSocket } from '../support/fakes.js';

afterEach(closeAll);

const G = 'g:climbers';
const FLOOR = 40;
const brief = { name: 'Climbers', avatarUrl: null, memberCount: 3, role: 'member' as const };

/** A client whose REST history comes from `stored` (all of it, floor or not), recording every history request. */
function setup() {
  const stored: Message[] = Array.from({ length: 60 }, (_, i) => message(G, i + 1, 'carol'));
  const history: Record<string, number>[] = [];
  const defaults = defaultRoutes('alice');
  const rest = fakeFetch((call) => {
    const url = new URL(`http://x${call.path}`);
    if (!url.pathname.startsWith(`/api/conversations/${encodeURIComponent(G)}/messages`)) return defaults(call);
    const q = Object.fromEntries([...url.searchParams].map(([k, v]) => [k, Number(v)]));
    history.push(q);
    const limit = q['limit'] ?? 50;
    const rows = stored.filter((m) => m.seq > (q['after'] ?? 0) && m.seq < (q['before'] ?? Infinity));
    const page = q['after'] !== undefined ? rows.slice(0, limit) : rows.slice(-limit);
    return { body: { messages: page, hasMore: rows.length > page.length } };
  });
  const t = testClient({ fetch: rest.fetch });
  const seen: number[] = [];
  t.client.on('message', ({ message: m }) => m.conversationId === G && seen.push(m.seq as number));
  return { ...t, stored, history, seen };
}

const joined = (seq: number): UserEvent => ({ kind: 'group', seq, at: 1, conversationId: G, change: 'joined', actorId: 'carol', subjectId: 'alice', role: 'member', group: brief });
const groupSync = (extra: Record<string, unknown>) => ({ conversationId: G, kind: 'group' as const, group: brief, floor: FLOOR, lastSeq: 45, ...extra });

/** Answers the client's latest `sync` frame with `frame` (its id copied). */
function answerSync(socket: FakeSocket, frame: ReturnType<typeof syncedFrame>): void {
  const sync = socket.frames('sync').at(-1) as Record<string, unknown>;
  socket.deliver({ ...frame, id: sync['id'] as string });
}

describe('group floor: catch-up never asks at or below it', () => {
  it('a `joined` event asks sync again; the joiner starts at the floor and surfaces only what follows it', async () => {
    const { client, online, history, seen } = setup();
    const socket = await online(syncedFrame([{ conversationId: C }], { eventsCursor: 3 }));
    expect(socket.frames('sync')).toHaveLength(1);
    socket.deliver({ type: 'event', event: joined(4) });
    await flush();
    expect(socket.frames('sync')).toHaveLength(2); // reloading the group through sync
    // Live messages of the new group arrive before the reply: they wait (no gap filling from 0).
    socket.deliver({ type: 'message', message: message(G, 46, 'carol') });
    await flush();
    expect(history).toEqual([]);
    answerSync(socket, syncedFrame([groupSync({ messages: [41, 42, 43, 44, 45].map((s) => message(G, s, 'carol')) })], { eventsCursor: 4 }));
    await flush();
    expect(seen).toEqual([41, 42, 43, 44, 45, 46]);
    expect(history).toEqual([]);
    expect(client.conversations.getState()[G]).toMatchObject({ kind: 'group', floor: FLOOR, group: brief, left: false, lastSeq: 46 });
  });

  it('the message at floor + 1 is not a gap: nothing is fetched', async () => {
    const { online, history, seen } = setup();
    const socket = await online(syncedFrame([{ conversationId: C }], { eventsCursor: 3 }));
    socket.deliver({ type: 'event', event: joined(4) });
    await flush();
    // Joined right now: nothing after the floor yet.
    answerSync(socket, syncedFrame([groupSync({ lastSeq: FLOOR, messages: [] })], { eventsCursor: 4 }));
    await flush();
    socket.deliver({ type: 'message', message: message(G, FLOOR + 1, 'carol') });
    await flush();
    expect(seen).toEqual([FLOOR + 1]);
    expect(history).toEqual([]);
  });

  it('a limited reply is backfilled from the floor on, never below it', async () => {
    const { online, history, seen } = setup();
    const socket = await online(syncedFrame([{ conversationId: C }], { eventsCursor: 3 }));
    socket.deliver({ type: 'event', event: joined(4) });
    await flush();
    answerSync(socket, syncedFrame([groupSync({ lastSeq: 60, messages: [41, 42].map((s) => message(G, s, 'carol')), limited: true })], { eventsCursor: 4 }));
    await eventually(() => seen.length === 20, 'backfilled');
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => FLOOR + 1 + i));
    expect(history.every((q) => (q['after'] ?? 0) >= FLOOR)).toBe(true);
    expect(history[0]).toMatchObject({ after: 42 });
  });

  it('a live message of a group the client has no summary for waits for one (asked through sync), then fills only above the floor', async () => {
    const { online, history, seen } = setup();
    const socket = await online(syncedFrame([{ conversationId: C }], { eventsCursor: 3 }));
    socket.deliver({ type: 'message', message: message(G, 44, 'carol') });
    await flush();
    expect(socket.frames('sync')).toHaveLength(2);
    expect(history).toEqual([]);
    // The summary arrives without the messages (as if sent before the client's sync was read).
    answerSync(socket, syncedFrame([groupSync({ lastSeq: 44, messages: [] })], { eventsCursor: 3 }));
    await eventually(() => seen.length === 20, 'gap above the floor filled');
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => FLOOR + 1 + i));
    expect(history).toEqual([{ after: FLOOR, limit: 100 }]);
  });

  it('a cursor saved below a new floor (left, then joined again) is raised to it', async () => {
    const { online, history, seen } = setup();
    // First session: a member up to seq 10.
    const socket = await online(syncedFrame([groupSync({ floor: 0, lastSeq: 10 })], { eventsCursor: 3 }));
    socket.deliver({ type: 'event', event: joined(4) });
    await flush();
    answerSync(socket, syncedFrame([groupSync({ lastSeq: 41, messages: [message(G, 41, 'carol')] })], { eventsCursor: 4 }));
    await flush();
    expect(seen).toEqual([41]);
    expect(history).toEqual([]);
  });
});

describe('group floor: loadOlder() stops at it', () => {
  it('asks only for what lies above the floor, and says there is nothing older once it is reached', async () => {
    const { client, online, history } = setup();
    const socket = await online(syncedFrame([{ conversationId: C }], { eventsCursor: 3 }));
    socket.deliver({ type: 'event', event: joined(4) });
    await flush();
    answerSync(socket, syncedFrame([groupSync({ lastSeq: 60, messages: [] })], { eventsCursor: 4 }));
    await flush();
    // The newest page (this naive server would return everything back to seq 11).
    expect(await client.loadOlder(G, 50)).toBe(false);
    expect(history).toEqual([{ limit: 50 }]);
    expect(client.messages.getState()[G]?.items.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => FLOOR + 1 + i));
    expect(client.messages.getState()[G]?.hasMoreBefore).toBe(false);
    // Nothing older is asked for again.
    expect(await client.loadOlder(G, 50)).toBe(false);
    expect(history).toHaveLength(1);
  });

  it('pages back normally above the floor, then stops at floor + 1 without a request', async () => {
    const { client, online, history } = setup();
    const socket = await online(syncedFrame([{ conversationId: C }], { eventsCursor: 3 }));
    socket.deliver({ type: 'event', event: joined(4) });
    await flush();
    answerSync(socket, syncedFrame([groupSync({ lastSeq: 60, messages: [] })], { eventsCursor: 4 }));
    await flush();
    expect(await client.loadOlder(G, 10)).toBe(true); // 51..60
    expect(await client.loadOlder(G, 10)).toBe(false); // 41..50: the floor is reached
    expect(history).toEqual([{ limit: 10 }, { before: 51, limit: 10 }]);
    expect(await client.loadOlder(G, 10)).toBe(false);
    expect(history).toHaveLength(2);
    expect(client.messages.getState()[G]?.items[0]?.seq).toBe(FLOOR + 1);
  });

  it('a group whose last message is at the floor has no history to page: no request', async () => {
    const { client, online, history } = setup();
    const socket = await online(syncedFrame([{ conversationId: C }], { eventsCursor: 3 }));
    socket.deliver({ type: 'event', event: joined(4) });
    await flush();
    answerSync(socket, syncedFrame([groupSync({ lastSeq: FLOOR, messages: [] })], { eventsCursor: 4 }));
    await flush();
    expect(await client.loadOlder(G)).toBe(false);
    expect(history).toEqual([]);
    expect(client.messages.getState()[G]?.hasMoreBefore).toBe(false);
  });
});
