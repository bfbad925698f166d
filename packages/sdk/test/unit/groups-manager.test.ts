/**
 * `@quickchat/sdk/groups`: every action goes to its REST route (method, path with encoded ids,
 * body, bearer token) and answers what the server said; failures are `ApiError`s; group user
 * events come back as typed events; read-by is local when the client's cursors cover every member.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { http, HttpResponse, type DefaultBodyType } from 'msw';
import { setupServer } from 'msw/node';
import type { GroupChange, GroupInfo, Message, UserEvent } from '@quickchat/protocol';
import { ApiError, type FetchLike } from '../../src/index.js';
import { groupsOf, type GroupEventContext, type GroupEvents } from '../../src/groups/index.js';
import { C, closeAll, testClient } from '../support/client.js';
import { flush, message, syncedFrame, user } from '../support/fakes.js';

const BASE = 'http://chat.test';
const G = 'g:climb_ers-1';
const ENC = encodeURIComponent(G);

const info: GroupInfo = { id: G, name: 'Climbers', avatarUrl: null, description: '', joinMode: 'invite', historyVisible: false, ownerId: 'alice', memberCount: 3, createdAt: 1, myRole: 'owner' };
const outcome = { added: ['bob'], invited: ['carol'], skipped: [], refused: ['zed'] };
const pending = { user: user('dave'), kind: 'request' as const, memo: 'hi', actorId: 'dave', at: 5 };

/** Every request msw saw: method, path with query, bearer, body. */
let seen: { method: string; path: string; auth: string | null; body: unknown }[];
/** What the next request answers (status and body); default 204. */
let answer: { status: number; body?: DefaultBodyType };

const server = setupServer(
  // What a connected client fetches by itself (not recorded).
  http.get(`${BASE}/api/me`, () => HttpResponse.json(user('alice'))),
  http.all(`${BASE}/api/*`, async ({ request }) => {
    const url = new URL(request.url);
    const text = await request.text();
    seen.push({ method: request.method, path: url.pathname + url.search, auth: request.headers.get('authorization'), body: text ? JSON.parse(text) : undefined });
    return answer.body === undefined ? new HttpResponse(null, { status: answer.status }) : HttpResponse.json(answer.body, { status: answer.status });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
beforeEach(() => {
  seen = [];
  answer = { status: 204 };
});
afterEach(closeAll);

const viaMsw: FetchLike = (input, init) => fetch(input, init);
const setup = () => {
  const t = testClient({ fetch: viaMsw, url: BASE });
  return { ...t, groups: groupsOf(t.client) };
};

describe('groupsOf', () => {
  it('returns one manager per client', () => {
    const a = testClient({ fetch: viaMsw });
    const b = testClient({ fetch: viaMsw });
    expect(groupsOf(a.client)).toBe(groupsOf(a.client));
    expect(groupsOf(a.client)).not.toBe(groupsOf(b.client));
  });
});

describe('group actions over REST', () => {
  const cases: [string, (g: ReturnType<typeof groupsOf>) => Promise<unknown>, { status: number; body?: DefaultBodyType }, string, string, unknown, unknown][] = [
    ['create', (g) => g.create({ name: 'Climbers', members: ['bob', 'carol'], joinMode: 'request' }), { status: 201, body: { group: info, outcome } }, 'POST', '/api/groups', { name: 'Climbers', members: ['bob', 'carol'], joinMode: 'request' }, { group: info, outcome }],
    ['get', (g) => g.get(G), { status: 200, body: info }, 'GET', `/api/groups/${ENC}`, undefined, info],
    ['edit', (g) => g.edit(G, { name: 'Boulderers' }), { status: 200, body: info }, 'PATCH', `/api/groups/${ENC}`, { name: 'Boulderers' }, info],
    ['dissolve', (g) => g.dissolve(G), { status: 204 }, 'DELETE', `/api/groups/${ENC}`, undefined, undefined],
    ['members', (g) => g.members(G), { status: 200, body: { items: [], next: null } }, 'GET', `/api/groups/${ENC}/members`, undefined, { items: [], next: null }],
    ['members (a later page)', (g) => g.members(G, { after: 'u/b', limit: 2 }), { status: 200, body: { items: [], next: null } }, 'GET', `/api/groups/${ENC}/members?after=u%2Fb&limit=2`, undefined, { items: [], next: null }],
    ['addMembers', (g) => g.addMembers(G, ['bob', 'carol']), { status: 200, body: outcome }, 'POST', `/api/groups/${ENC}/members`, { userIds: ['bob', 'carol'] }, outcome],
    ['remove', (g) => g.remove(G, 'u:b@x'), { status: 204 }, 'DELETE', `/api/groups/${ENC}/members/u%3Ab%40x`, undefined, undefined],
    ['leave', (g) => g.leave(G), { status: 204 }, 'POST', `/api/groups/${ENC}/leave`, undefined, undefined],
    ['setRole', (g) => g.setRole(G, 'bob', 'admin'), { status: 204 }, 'PUT', `/api/groups/${ENC}/members/bob/role`, { role: 'admin' }, undefined],
    ['transfer', (g) => g.transfer(G, 'bob'), { status: 204 }, 'POST', `/api/groups/${ENC}/transfer`, { userId: 'bob' }, undefined],
    ['requestToJoin', (g) => g.requestToJoin(G, 'let me in'), { status: 200, body: { status: 'requested' } }, 'POST', `/api/groups/${ENC}/requests`, { memo: 'let me in' }, 'requested'],
    ['requestToJoin (no memo, held an invite)', (g) => g.requestToJoin(G), { status: 200, body: { status: 'joined' } }, 'POST', `/api/groups/${ENC}/requests`, {}, 'joined'],
    ['cancelRequest', (g) => g.cancelRequest(G), { status: 204 }, 'DELETE', `/api/groups/${ENC}/requests`, undefined, undefined],
    ['requests', (g) => g.requests(G), { status: 200, body: { items: [pending] } }, 'GET', `/api/groups/${ENC}/requests`, undefined, [pending]],
    ['approve', (g) => g.approve(G, 'dave'), { status: 204 }, 'POST', `/api/groups/${ENC}/requests/dave/approve`, undefined, undefined],
    ['decline', (g) => g.decline(G, 'dave'), { status: 204 }, 'POST', `/api/groups/${ENC}/requests/dave/decline`, undefined, undefined],
    ['invites', (g) => g.invites(G), { status: 200, body: { items: [{ ...pending, kind: 'invite', memo: null, actorId: 'alice' }] } }, 'GET', `/api/groups/${ENC}/invites`, undefined, [{ ...pending, kind: 'invite', memo: null, actorId: 'alice' }]],
    ['cancelInvite', (g) => g.cancelInvite(G, 'dave'), { status: 204 }, 'DELETE', `/api/groups/${ENC}/invites/dave`, undefined, undefined],
    ['acceptInvite', (g) => g.acceptInvite(G), { status: 204 }, 'POST', `/api/groups/${ENC}/invites/accept`, undefined, undefined],
    ['declineInvite', (g) => g.declineInvite(G), { status: 204 }, 'POST', `/api/groups/${ENC}/invites/decline`, undefined, undefined],
    ['myInvites', (g) => g.myInvites(), { status: 200, body: { items: [{ group: { ...info, myRole: null }, inviterId: 'bob', at: 9 }] } }, 'GET', '/api/group-invites', undefined, [{ group: { ...info, myRole: null }, inviterId: 'bob', at: 9 }]],
  ];

  it.each(cases)('%s', async (_name, act, reply, method, path, body, result) => {
    const { groups } = setup();
    answer = reply;
    await expect(act(groups)).resolves.toEqual(result);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method, path, body });
    expect(seen[0]!.auth).toMatch(/^Bearer .+/);
  });

  it('a refusal is an ApiError with the server\'s code, status and message', async () => {
    const { groups } = setup();
    answer = { status: 403, body: { error: { code: 'forbidden', message: 'only admins may edit this group' } } };
    const err = await groups.edit(G, { name: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'forbidden', status: 403, retryable: false, message: 'only admins may edit this group' });
    answer = { status: 429, body: { error: { code: 'rate_limited', message: 'too many invites', retryAfterMs: 5000 } } };
    await expect(groups.addMembers(G, ['x'])).rejects.toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 5000 });
  });
});

describe('group events', () => {
  const event = (seq: number, change: GroupChange, extra: Record<string, unknown> = {}): UserEvent =>
    ({ kind: 'group', seq, at: 100 + seq, conversationId: G, change, actorId: 'carol', subjectId: 'alice', ...extra }) as UserEvent;

  it('re-emits every `group` user event, live or replayed by sync, under its own name with a typed context', async () => {
    const { client, groups, online } = setup();
    const got: [keyof GroupEvents, GroupEventContext][] = [];
    const names: (keyof GroupEvents)[] = ['invited', 'inviteDeclined', 'inviteCancelled', 'requested', 'requestCancelled', 'requestApproved', 'requestDeclined', 'joined', 'left', 'removed', 'roleChanged', 'dissolved'];
    for (const name of names) groups.on(name, (context) => got.push([name, context]));
    const brief = { name: 'Climbers', avatarUrl: null, memberCount: 3, role: null };
    const changes: GroupChange[] = ['invited', 'invite_declined', 'invite_cancelled', 'requested', 'request_cancelled', 'request_approved', 'request_declined', 'joined', 'left', 'removed', 'role', 'dissolved'];
    // The first two come in the sync reply, the rest live.
    const socket = await online(syncedFrame([{ conversationId: C }], { events: [event(4, 'invited', { group: brief }), event(5, 'invite_declined')], eventsCursor: 5 }));
    changes.slice(2).forEach((change, i) => {
      const extra = change === 'requested' ? { subjectId: 'dave', memo: 'hi', group: brief } : change === 'role' ? { role: 'admin' } : {};
      socket.deliver({ type: 'event', event: event(6 + i, change, extra) });
    });
    await flush();
    expect(got.map(([name]) => name)).toEqual(names);
    expect(got[0]![1]).toEqual({ groupId: G, subjectId: 'alice', actorId: 'carol', at: 104, group: brief, event: event(4, 'invited', { group: brief }) });
    expect(got[3]![1]).toMatchObject({ subjectId: 'dave', memo: 'hi' });
    expect(got[10]![1]).toMatchObject({ role: 'admin' });
    expect(got[10]![1]).not.toHaveProperty('memo');
    client.close();
  });

  it('on() returns its unsubscribe function; closing the client drops every listener', async () => {
    const { client, groups, online } = setup();
    const got: string[] = [];
    const off = groups.on('removed', () => got.push('a'));
    groups.on('removed', () => got.push('b'));
    const socket = await online();
    off();
    socket.deliver({ type: 'event', event: event(1, 'removed') });
    expect(got).toEqual(['b']);
    client.close();
    socket.deliver({ type: 'event', event: event(2, 'removed') });
    expect(got).toEqual(['b']);
  });
});

describe('readBy', () => {
  const mine = (seq: number): Message => message(G, seq, 'alice');
  /** A client in a group of `memberCount` whose sync lists `cursors`, with messages 1-3 loaded. */
  async function inGroup(memberCount: number, cursors: { userId: string; delivered: number; read: number }[]) {
    const t = setup();
    const socket = await t.online(
      syncedFrame([{ conversationId: G, kind: 'group', peerId: undefined, group: { name: 'Climbers', avatarUrl: null, memberCount, role: 'member' }, lastSeq: 0, cursors }], { eventsCursor: 1 }),
    );
    for (const seq of [1, 2, 3]) socket.deliver({ type: 'message', message: mine(seq) });
    await flush();
    return { ...t, socket };
  }

  it('is computed from the cursors when they cover every member (no request), following receipts', async () => {
    const { groups, socket } = await inGroup(3, [
      { userId: 'alice', delivered: 3, read: 3 },
      { userId: 'bob', delivered: 3, read: 2 },
      { userId: 'carol', delivered: 1, read: 1 },
    ]);
    expect(await groups.readBy(G, 2)).toEqual({ seq: 2, read: 1, delivered: 1, of: 2 });
    expect(await groups.readBy(G, 1)).toEqual({ seq: 1, read: 2, delivered: 2, of: 2 });
    socket.deliver({ type: 'receipt', conversationId: G, userId: 'carol', delivered: 3, read: 3 });
    expect(await groups.readBy(G, 3)).toEqual({ seq: 3, read: 1, delivered: 2, of: 2 });
    expect(seen).toEqual([]);
  });

  it('asks the server once a membership notice made the member count stale, until a new summary arrives', async () => {
    const cursors = ['alice', 'bob', 'carol'].map((userId) => ({ userId, delivered: 3, read: 3 }));
    const { groups, socket } = await inGroup(3, cursors);
    expect(await groups.readBy(G, 3)).toEqual({ seq: 3, read: 2, delivered: 2, of: 2 });
    // Dave is added: the brief still says 3 members.
    socket.deliver({ type: 'message', message: { ...message(G, 4, 'bob'), content: { type: 'system', action: 'added', actorId: 'bob', targetIds: ['dave'] } } });
    await flush();
    answer = { status: 200, body: { seq: 3, read: 2, delivered: 2, of: 3 } };
    expect(await groups.readBy(G, 3)).toEqual({ seq: 3, read: 2, delivered: 2, of: 3 });
    expect(seen.map((r) => r.path)).toEqual([`/api/conversations/${ENC}/read-by?seq=3`]);
    // Any other notice (a rename) changes nothing; a new summary makes it local again.
    const brief = { name: 'Climbers', avatarUrl: null, memberCount: 4, role: 'member' as const };
    socket.deliver(syncedFrame([{ conversationId: G, kind: 'group', peerId: undefined, group: brief, lastSeq: 4, cursors: [...cursors, { userId: 'dave', delivered: 0, read: 0 }] }], { eventsCursor: 1 }));
    await flush();
    expect(await groups.readBy(G, 3)).toEqual({ seq: 3, read: 2, delivered: 2, of: 3 });
    expect(seen).toHaveLength(1);
  });

  it('asks the server for a group above liveReceiptsMaxMembers, or when the cursors do not cover every member', async () => {
    const big = await inGroup(101, [{ userId: 'alice', delivered: 3, read: 3 }]);
    answer = { status: 200, body: { seq: 2, read: 40, delivered: 70, of: 100 } };
    expect(await groupsOf(big.client).readBy(G, 2)).toEqual({ seq: 2, read: 40, delivered: 70, of: 100 });
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([`GET /api/conversations/${ENC}/read-by?seq=2`]);
    const partial = await inGroup(3, [{ userId: 'alice', delivered: 3, read: 3 }, { userId: 'bob', delivered: 3, read: 3 }]);
    answer = { status: 200, body: { seq: 1, read: 1, delivered: 2, of: 2 } };
    expect(await groupsOf(partial.client).readBy(G, 1)).toEqual({ seq: 1, read: 1, delivered: 2, of: 2 });
    // A message that is not loaded (its author unknown) is asked too.
    answer = { status: 200, body: { seq: 9, read: 0, delivered: 0, of: 2 } };
    await groupsOf(partial.client).readBy(G, 9);
    expect(seen).toHaveLength(3);
  });
});
