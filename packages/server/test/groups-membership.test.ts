import { afterEach, describe, expect, it } from 'vitest';
import type { EventFrame, MessageFrame, ServerFrame, UserEvent } from '@quickchat/protocol';
import type { TestUser } from './support/rest.js';
import { errorOf, GroupsHarness } from './support/groups.js';
import { sync } from './support/friends.js';
import { messageIn, sendTo } from './support/messaging.js';

const groupEvents = (frames: ServerFrame[]): Extract<UserEvent, { kind: 'group' }>[] =>
  frames.filter((f): f is EventFrame => f.type === 'event').flatMap((f) => (f.event.kind === 'group' ? [f.event] : []));

describe('group membership', () => {
  let h: GroupsHarness;
  let alice: TestUser, bob: TestUser, carol: TestUser, dave: TestUser;

  const start = async (limits: Record<string, number> = {}) => {
    h = await GroupsHarness.start({ limits });
    ({ alice, bob, carol, dave } = await h.users(['alice', 'bob', 'carol', 'dave'], [['alice', 'bob']]));
  };
  afterEach(async () => {
    await h?.close();
  });

  it('creates a group: friends are added, others invited, unknown users refused, and a `created` notice is seq 1', async () => {
    await start();
    const b1 = await h.connect(bob);
    const res = await h.create(alice, { name: '  Hikers  ', description: 'Weekend walks', members: [bob.id, carol.id, 'u_nobody'] });
    expect(res.status).toBe(201);
    expect(res.body.outcome).toEqual({ added: [bob.id], invited: [carol.id], skipped: [], refused: ['u_nobody'] });
    const g = res.body.group.id;
    expect(res.body.group).toMatchObject({ name: 'Hikers', description: 'Weekend walks', joinMode: 'invite', historyVisible: false, ownerId: alice.id, memberCount: 2, myRole: 'owner' });
    expect(g).toMatch(/^g:/);
    const joined = await b1.next<EventFrame>((f) => f.type === 'event');
    expect(joined.event).toMatchObject({ kind: 'group', change: 'joined', conversationId: g, actorId: alice.id, subjectId: bob.id, role: 'member', group: { name: 'Hikers', memberCount: 2, role: 'member' } });
    const history = await h.history(bob, g);
    expect(history.body.messages).toHaveLength(1);
    expect(history.body.messages[0]).toMatchObject({ seq: 1, senderId: alice.id, content: { type: 'system', action: 'created', targetIds: [bob.id], changes: { name: 'Hikers' } } });
    // Carol holds an invite: she sees the group's info and her invite, but is not a member.
    expect((await h.info(carol, g)).body).toMatchObject({ id: g, myRole: null });
    expect((await h.myInvites(carol)).body.items.map((i) => [i.group.id, i.inviterId])).toEqual([[g, alice.id]]);
    expect((await h.history(carol, g)).status).toBe(404);
  });

  it('an invitee accepts on one device and every device hears of it; a declined invite is gone', async () => {
    await start();
    const g = await h.createGroup(alice, { members: [carol.id, dave.id] });
    const [c1, c2] = [await h.connect(carol), await h.connect(carol)];
    expect((await h.acceptInvite(carol, g)).status).toBe(204);
    for (const c of [c1, c2]) {
      const ev = await c.next<EventFrame>((f) => f.type === 'event' && f.event.kind === 'group' && f.event.change === 'joined');
      expect(ev.event).toMatchObject({ conversationId: g, actorId: carol.id, subjectId: carol.id, role: 'member' });
    }
    expect((await h.members(alice, g)).body.items.map((m) => [m.user.id, m.role]).sort()).toEqual([[alice.id, 'owner'], [carol.id, 'member']].sort());
    const notice = (await h.history(carol, g)).body.messages.at(-1);
    expect(notice).toMatchObject({ senderId: carol.id, content: { type: 'system', action: 'joined' } });
    expect((await h.declineInvite(dave, g)).status).toBe(204);
    expect((await h.acceptInvite(dave, g)).status).toBe(404);
    expect((await h.myInvites(dave)).body.items).toEqual([]);
  });

  it('a join request with a memo reaches every admin; approved while the requester is offline, they find the group on sync', async () => {
    await start();
    const g = await h.createGroup(alice, { members: [bob.id], joinMode: 'request' });
    expect((await h.setRole(alice, g, bob.id, 'admin')).status).toBe(204);
    const [a1, b1] = [await h.connect(alice), await h.connect(bob)];
    const asked = await h.requestToJoin(carol, g, 'I walk a lot');
    expect(asked.body).toEqual({ status: 'requested' });
    for (const c of [a1, b1]) {
      const ev = await c.next<EventFrame>((f) => f.type === 'event' && f.event.kind === 'group' && f.event.change === 'requested');
      expect(ev.event).toMatchObject({ conversationId: g, subjectId: carol.id, memo: 'I walk a lot' });
    }
    expect((await h.requests(bob, g)).body.items.map((r) => [r.user.id, r.memo])).toEqual([[carol.id, 'I walk a lot']]);
    // Asking again changes nothing.
    expect((await h.requestToJoin(carol, g, 'again')).body).toEqual({ status: 'requested' });
    expect((await h.approve(bob, g, carol.id)).status).toBe(204);
    // Alice (another admin) hears the request was answered.
    await a1.next((f) => f.type === 'event' && f.event.kind === 'group' && f.event.change === 'request_approved');
    // Carol was offline: her first sync lists the group with its summary, and the `joined` event.
    const c1 = await h.connect(carol);
    const synced = await sync(c1, { eventsAfter: 0 });
    expect(synced.conversations.find((c) => c.conversationId === g)).toMatchObject({ kind: 'group', group: { role: 'member', memberCount: 3 } });
    expect(synced.events.filter((e) => e.kind === 'group').map((e) => (e as { change: string }).change)).toEqual(['requested', 'joined']);
    const notice = (await h.history(carol, g)).body.messages.at(-1);
    expect(notice).toMatchObject({ senderId: bob.id, content: { action: 'approved', targetIds: [carol.id] } });
    // A declined request is gone, and the requester is told.
    await h.requestToJoin(dave, g);
    const d1 = await h.connect(dave);
    expect((await h.decline(alice, g, dave.id)).status).toBe(204);
    await d1.next((f) => f.type === 'event' && f.event.kind === 'group' && f.event.change === 'request_declined');
    expect((await h.requests(alice, g)).body.items).toEqual([]);
  });

  it('a group that is not open to requests reads as missing to a requester', async () => {
    await start();
    const g = await h.createGroup(alice);
    const missing = await h.requestToJoin(carol, 'g:nosuchgroup');
    const refused = await h.requestToJoin(carol, g);
    expect(refused.status).toBe(404);
    expect(refused.body).toEqual(missing.body);
  });

  it('the owner cannot leave until they transfer; a member leaves with a notice', async () => {
    await start();
    const g = await h.createGroup(alice, { members: [bob.id] });
    const left = await h.leave(alice, g);
    expect(left.status).toBe(403);
    expect(errorOf(left).message).toMatch(/transfer ownership/);
    expect((await h.transfer(alice, g, bob.id)).status).toBe(204);
    expect((await h.info(alice, g)).body).toMatchObject({ ownerId: bob.id, myRole: 'admin' });
    expect((await h.leave(alice, g)).status).toBe(204);
    expect((await h.info(alice, g)).status).toBe(404);
    const actions = (await h.history(bob, g)).body.messages.map((m) => (m.content as { action?: string }).action);
    expect(actions).toEqual(['created', 'owner_changed', 'left']);
  });

  it('roles: the owner promotes and demotes; an admin removes members but not admins', async () => {
    await start();
    await h.rest.befriend(alice, carol);
    await h.rest.befriend(alice, dave);
    const g = await h.createGroup(alice, { members: [bob.id, carol.id, dave.id], joinMode: 'closed' });
    expect((await h.setRole(alice, g, bob.id, 'admin')).status).toBe(204);
    expect((await h.setRole(alice, g, carol.id, 'admin')).status).toBe(204);
    expect((await h.remove(bob, g, carol.id)).status).toBe(403);
    expect((await h.setRole(alice, g, carol.id, 'member')).status).toBe(204);
    expect((await h.remove(bob, g, carol.id)).status).toBe(204);
    expect((await h.setRole(bob, g, dave.id, 'admin')).status).toBe(403);
    expect((await h.setRole(alice, g, alice.id, 'member')).status).toBe(409);
    const roles = (await h.members(alice, g)).body.items.map((m) => [m.user.handle, m.role]);
    expect(roles.sort()).toEqual([['alice', 'owner'], ['bob', 'admin'], ['dave', 'member']]);
  });

  it('edits announce only what changed; history visibility is the owner’s', async () => {
    await start();
    const g = await h.createGroup(alice, { members: [bob.id] });
    await h.setRole(alice, g, bob.id, 'admin');
    const edited = await h.edit(bob, g, { name: 'Hill walkers', description: 'Weekend walks' });
    expect(edited.body).toMatchObject({ name: 'Hill walkers', description: 'Weekend walks', myRole: 'admin' });
    expect((await h.edit(bob, g, { historyVisible: true })).status).toBe(403);
    expect((await h.edit(bob, g, { name: 'Hill walkers' })).status).toBe(200);
    const last = (await h.history(alice, g)).body.messages.at(-1);
    expect(last).toMatchObject({ content: { action: 'edited', changes: { name: 'Hill walkers', description: 'Weekend walks' } } });
    expect((await h.history(alice, g)).body.messages).toHaveLength(3); // created, role_changed, edited
  });

  it('a dissolved group accepts nothing and reads as not found; every member is told', async () => {
    await start();
    const g = await h.createGroup(alice, { members: [bob.id, carol.id] });
    const b1 = await h.connect(bob);
    expect((await h.dissolve(bob, g)).status).toBe(403);
    expect((await h.dissolve(alice, g)).status).toBe(204);
    const notice = await b1.next<MessageFrame>((f) => messageIn(g)(f) && f.message.content.type === 'system');
    expect(notice.message.content).toMatchObject({ action: 'dissolved' });
    await b1.next((f) => f.type === 'event' && f.event.kind === 'group' && f.event.change === 'dissolved');
    expect((await h.info(alice, g)).status).toBe(404);
    expect((await h.history(alice, g)).status).toBe(404);
    expect(((await sendTo(b1, g, 'anyone?')) as { code: string }).code).toBe('not_found');
    expect((await h.acceptInvite(carol, g)).status).toBe(404);
    expect((await sync(b1, { eventsAfter: 0 })).conversations.map((c) => c.conversationId)).not.toContain(g);
  });

  it('caps: members per group, groups owned, pending requests and invites per hour', async () => {
    await start({ maxGroupMembers: 2, maxOwnedGroups: 1, maxPendingJoinRequests: 1, groupInvitesPerHour: 2 });
    await h.rest.befriend(alice, carol);
    const g = await h.createGroup(alice, { members: [bob.id], joinMode: 'request' });
    const full = await h.add(alice, g, [carol.id]);
    expect(full.status).toBe(409);
    expect(errorOf(full).message).toMatch(/at most 2 members/);
    expect((await h.create(alice, { name: 'second' })).status).toBe(409);
    expect((await h.requestToJoin(carol, g)).status).toBe(200);
    const crowded = await h.requestToJoin(dave, g);
    expect(crowded.status).toBe(409);
    expect(errorOf(crowded).message).toMatch(/join requests waiting/);
    const eve = await h.rest.register('eve');
    const g2 = await h.createGroup(bob, { members: [carol.id, dave.id] }); // two invites: the hour's budget
    const limited = await h.add(bob, g2, [eve.id]);
    expect(limited.status).toBe(429);
    expect(errorOf(limited).retryAfterMs).toBeGreaterThan(0);
    expect((await h.myInvites(eve)).body.items).toEqual([]);
    // The caps are announced.
    const c1 = await h.connect(carol);
    const ready = c1.frames.find((f) => f.type === 'ready');
    expect(ready).toMatchObject({ limits: { groups: { maxMembers: 2, maxOwned: 1, maxPendingRequests: 1, invitesPerHour: 2, typingMaxMembers: 100, liveReceiptsMaxMembers: 100 } } });
  });

  it('tells each affected user about invites, removals and role changes, including devices that were offline', async () => {
    await start();
    const g = await h.createGroup(alice, { members: [bob.id, carol.id] });
    await h.setRole(alice, g, bob.id, 'admin');
    await h.remove(alice, g, bob.id);
    const b1 = await h.connect(bob);
    const all = await sync(b1, { eventsAfter: 0 });
    const changes = all.events.flatMap((e) => (e.kind === 'group' ? [[e.change, e.role ?? null]] : []));
    expect(changes).toEqual([
      ['joined', 'member'],
      ['role', 'admin'],
      ['removed', null],
    ]);
    expect(groupEvents(b1.frames)).toEqual([]);
  });
});
