/**
 * The core's part of groups: `group` user events (left, removed, dissolved mark the conversation
 * left; joined loads it), system notices stored like any message, and typing in groups (several
 * typers; nothing sent to large groups).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { GroupChange, Message, SystemContent, UserEvent } from '@quickchat/protocol';
import { QuickchatError, type GroupUserEvent } from '../../src/index.js';
import { C, closeAll, testClient } from '../support/client.js';
import { flush, message, syncedFrame } from '../support/fakes.js';

afterEach(closeAll);

const G = 'g:climbers';
const brief = (memberCount = 3) => ({ name: 'Climbers', avatarUrl: null, memberCount, role: 'member' as const });
const group = (extra: Record<string, unknown> = {}) => ({ conversationId: G, kind: 'group' as const, group: brief(), floor: 0, lastSeq: 0, ...extra });
const event = (seq: number, change: GroupChange, extra: Partial<GroupUserEvent> = {}): UserEvent => ({ kind: 'group', seq, at: 1, conversationId: G, change, actorId: 'carol', subjectId: 'alice', ...extra });
const notice = (seq: number, content: Omit<SystemContent, 'type'>): Message => ({ ...message(G, seq, 'carol'), content: { type: 'system', ...content } });

/** A client synced with the DM and the group (messages 1 and 2 loaded). */
async function inGroup(memberCount = 3) {
  const t = testClient();
  const groupChanged: GroupUserEvent[] = [];
  const relations: unknown[] = [];
  t.client.on('groupChanged', ({ event: e }) => groupChanged.push(e));
  t.client.on('relationChanged', ({ event: e }) => relations.push(e));
  const socket = await t.online(syncedFrame([{ conversationId: C }, group({ group: brief(memberCount) })], { eventsCursor: 3 }));
  for (const seq of [1, 2]) socket.deliver({ type: 'message', message: message(G, seq, 'carol') });
  await flush();
  return { ...t, socket, groupChanged, relations };
}

describe('group user events: leaving', () => {
  it.each<[GroupChange, string]>([
    ['removed', 'carol'],
    ['left', 'alice'],
    ['dissolved', 'carol'],
  ])('`%s` marks the conversation left: its messages stay, send() fails fast with not_found, typing is not sent', async (change, actorId) => {
    const { client, socket, groupChanged, relations, rest } = await inGroup();
    const fetches = rest.calls.length;
    socket.deliver({ type: 'event', event: event(4, change, { actorId }) });
    await flush();
    expect(client.conversations.getState()[G]?.left).toBe(true);
    expect(groupChanged.map((e) => e.change)).toEqual([change]);
    expect(relations).toEqual([]); // not a friendship: no relationChanged…
    expect(rest.calls.slice(fetches)).toEqual([]); // …and no refetch of the friend lists
    expect(client.messages.getState()[G]?.items.map((m) => m.seq)).toEqual([1, 2]);
    const before = client.messages.getState();
    let thrown: unknown;
    try {
      client.send(G, 'still there?');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(QuickchatError);
    expect(thrown).toMatchObject({ code: 'not_found', retryable: false });
    expect((thrown as Error).message).toContain(G);
    expect(client.messages.getState()).toBe(before);
    client.setTyping(G, true);
    await flush();
    expect(socket.frames('send')).toEqual([]);
    expect(socket.frames('typing')).toEqual([]);
    // DMs are untouched.
    expect(client.send(C, 'hi').state).toBe('pending');
  });

  it('a `left` or `removed` event about someone else (an admin\'s inbox) does not mark it left', async () => {
    const { client, socket } = await inGroup();
    socket.deliver({ type: 'event', event: event(4, 'removed', { subjectId: 'dave' }) });
    await flush();
    expect(client.conversations.getState()[G]?.left).toBe(false);
  });

  it('a summary without a role for you keeps it left; one naming you a member (you joined again) clears it', async () => {
    const { client, socket } = await inGroup();
    socket.deliver({ type: 'event', event: event(4, 'removed') });
    await flush();
    socket.deliver(syncedFrame([group({ group: { ...brief(), role: null }, lastSeq: 2 })], { eventsCursor: 4 }));
    await flush();
    expect(client.conversations.getState()[G]?.left).toBe(true);
    socket.deliver(syncedFrame([group({ lastSeq: 2 })], { eventsCursor: 4 }));
    await flush();
    expect(client.conversations.getState()[G]?.left).toBe(false);
  });

  it('`joined` clears it at once, and asks sync for the group again', async () => {
    const { client, socket } = await inGroup();
    socket.deliver({ type: 'event', event: event(4, 'removed') });
    await flush();
    const syncs = socket.frames('sync').length;
    socket.deliver({ type: 'event', event: event(5, 'joined', { role: 'member', group: brief() }) });
    await flush();
    expect(client.conversations.getState()[G]?.left).toBe(false);
    expect(socket.frames('sync')).toHaveLength(syncs + 1);
    expect(client.send(G, 'back').state).toBe('pending');
  });
});

describe('group user events: joining', () => {
  it('`joined` loads the group through sync: it appears with its summary, and is emitted as groupChanged', async () => {
    const { client, online } = testClient();
    const groupChanged: GroupChange[] = [];
    client.on('groupChanged', ({ event: e }) => groupChanged.push(e.change));
    const socket = await online(syncedFrame([{ conversationId: C }], { eventsCursor: 3 }));
    expect(client.conversations.getState()[G]).toBeUndefined();
    client.send(C, 'in flight'); // not acked yet: the second sync must not send it again
    socket.deliver({ type: 'event', event: event(4, 'joined', { role: 'member', group: brief() }) });
    socket.deliver({ type: 'event', event: event(5, 'role', { role: 'admin' }) });
    await flush();
    expect(groupChanged).toEqual(['joined', 'role']);
    const syncs = socket.frames('sync');
    expect(syncs).toHaveLength(2);
    expect(syncs[1]).toMatchObject({ eventsAfter: 5 });
    socket.deliver({ ...syncedFrame([{ conversationId: C }, group({ lastSeq: 1, messages: [notice(1, { action: 'joined', actorId: 'alice' })] })], { eventsCursor: 5 }), id: syncs[1]!['id'] as string });
    await flush();
    expect(client.conversations.getState()[G]).toMatchObject({ kind: 'group', group: brief(), left: false, floor: 0, lastSeq: 1 });
    expect(client.messages.getState()[G]?.items.map((m) => m.content.type)).toEqual(['system']);
    expect(socket.frames('send')).toHaveLength(1);
  });

  it('several `joined` events in one burst ask sync once', async () => {
    const { online } = testClient();
    const socket = await online(syncedFrame([{ conversationId: C }], { eventsCursor: 3 }));
    socket.deliver({ ...syncedFrame([], { events: [event(4, 'joined'), event(5, 'joined', { conversationId: 'g:other' })], eventsCursor: 5 }) });
    await flush();
    expect(socket.frames('sync')).toHaveLength(2);
  });
});

describe('system notices', () => {
  it('are stored, surfaced and shown as the last message like any message; nothing assumes text', async () => {
    const { client, socket } = await inGroup();
    const surfaced: string[] = [];
    client.on('message', ({ message: m }) => surfaced.push(m.content.type));
    const added = notice(3, { action: 'added', actorId: 'carol', targetIds: ['dave', 'erin'] });
    socket.deliver({ type: 'message', message: added });
    await flush();
    expect(surfaced).toEqual(['system']);
    expect(client.messages.getState()[G]?.items.at(-1)).toMatchObject({ seq: 3, content: added.content, state: 'sent' });
    expect(client.conversations.getState()[G]?.lastMessage?.content).toEqual(added.content);
    // A notice ahead of a gap waits like any message, and the next text follows it.
    socket.deliver({ type: 'message', message: message(G, 4, 'dave') });
    await flush();
    expect(client.messages.getState()[G]?.items.map((m) => `${m.seq}:${m.content.type}`)).toEqual(['1:text', '2:text', '3:system', '4:text']);
  });
});

describe('typing in groups', () => {
  it('keeps several typers per conversation, each expiring on its own', async () => {
    const { client, socket, clock } = await inGroup();
    socket.deliver({ type: 'typing', conversationId: G, userId: 'carol', active: true });
    clock.advance(4000);
    socket.deliver({ type: 'typing', conversationId: G, userId: 'dave', active: true });
    expect(client.conversations.getState()[G]?.typing).toEqual(['carol', 'dave']);
    clock.advance(4500); // carol's indicator lapses (8 s), dave's not yet
    expect(client.conversations.getState()[G]?.typing).toEqual(['dave']);
    socket.deliver({ type: 'typing', conversationId: G, userId: 'dave', active: false });
    expect(client.conversations.getState()[G]?.typing).toEqual([]);
  });

  it('sends typing in a group up to limits.groups.typingMaxMembers members, and none in a larger one', async () => {
    const small = await inGroup(100);
    small.client.setTyping(G, true);
    expect(small.socket.frames('typing')).toEqual([{ type: 'typing', conversationId: G, active: true }]);
    const large = await inGroup(101);
    large.client.setTyping(G, true);
    large.client.setTyping(G, false);
    expect(large.socket.frames('typing')).toEqual([]);
    large.client.setTyping(C, true);
    expect(large.socket.frames('typing')).toEqual([{ type: 'typing', conversationId: C, active: true }]);
  });
});
