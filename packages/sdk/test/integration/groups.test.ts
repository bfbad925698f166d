/**
 * Groups end to end, SDK against the real server: create and add, messages and system notices
 * in order on every member, a late joiner who starts at their floor (and never asks below it),
 * read-by, removal and dissolution (the conversation is kept, marked left, and refuses sends).
 */
import { describe, expect, it } from 'vitest';
import { groupsOf, type GroupEventContext } from '../../src/groups/index.js';
import type { ChatClient, FetchLike } from '../../src/index.js';
import { type TestServer, type TestUser, Rest, clientFor, until, usePair } from '../support/sdk-server.js';
import { recordSurfaced, seqTexts } from './helpers.js';

/** A fetch that records the path of every history request. */
function recordingFetch(): { fetch: FetchLike; history: string[] } {
  const history: string[] = [];
  const fetch: FetchLike = (input, init) => {
    const url = new URL(input);
    if (url.pathname.endsWith('/messages')) history.push(url.search);
    return globalThis.fetch(input, init);
  };
  return { fetch, history };
}

describe('groups through the SDK', () => {
  let t: TestServer;
  let rest: Rest;
  let alice: TestUser;
  let bob: TestUser;
  const clients: ChatClient[] = [];
  usePair(clients, (p) => ({ t, rest, alice, bob } = p));
  const connect = (user: TestUser, fetch?: FetchLike) => {
    const c = clientFor(t, user, fetch ? { fetch } : {});
    clients.push(c);
    return c;
  };
  const online = (c: ChatClient, what: string) => until(c, () => c.connectionState === 'connected', 15_000, what);

  it('members get messages and notices in order; a late joiner starts at the floor; removal keeps what was read and refuses sends', async () => {
    const a = connect(alice);
    const b = connect(bob);
    await Promise.all([online(a, 'alice'), online(b, 'bob')]);
    const bobJoined: GroupEventContext[] = [];
    groupsOf(b).on('joined', (e) => bobJoined.push(e));
    const bobLog = recordSurfaced(b);

    const { group, outcome } = await groupsOf(a).create({ name: 'Climbers', members: [bob.id] });
    expect(outcome).toMatchObject({ added: [bob.id], invited: [], refused: [] });
    const G = group.id;
    await until(b, () => b.conversations.getState()[G]?.group?.name === 'Climbers', 15_000, 'bob has the group');
    expect(bobJoined.map((e) => e.groupId)).toEqual([G]);
    expect(b.conversations.getState()[G]).toMatchObject({ kind: 'group', left: false });

    for (let i = 1; i <= 20; i++) a.send(G, `m${i}`);
    await until(b, () => seqTexts(bobLog, G).filter((s) => s.includes(':m')).length === 20, 20_000, 'bob got 20 messages');
    const bobSeqs = bobLog.filter((m) => m.conversationId === G).map((m) => m.seq as number);
    expect(bobSeqs).toEqual([...bobSeqs].sort((x, y) => x - y));
    expect(bobLog.some((m) => m.conversationId === G && m.content.type === 'system')).toBe(true);

    // Carol joins late (history not visible): her floor is her joining notice minus one.
    const carol = await rest.register('carol');
    await rest.befriend(alice, carol);
    const recorded = recordingFetch();
    const c = connect(carol, recorded.fetch);
    await online(c, 'carol');
    const carolLog = recordSurfaced(c);
    await groupsOf(a).addMembers(G, [carol.id]);
    await until(c, () => c.conversations.getState()[G]?.group !== null && c.conversations.getState()[G] !== undefined, 15_000, 'carol has the group');
    const floor = c.conversations.getState()[G]!.floor;
    expect(floor).toBeGreaterThan(20);
    a.send(G, 'welcome carol');
    await until(c, () => seqTexts(carolLog, G).some((s) => s.endsWith(':welcome carol')), 15_000, 'carol got the welcome');
    expect(carolLog.filter((m) => m.conversationId === G).every((m) => (m.seq as number) > floor)).toBe(true);
    expect(await c.loadOlder(G)).toBe(false);
    expect(c.messages.getState()[G]?.items.every((m) => (m.seq as number) > floor)).toBe(true);
    for (const query of recorded.history) {
      const params = new URLSearchParams(query);
      if (params.has('after')) expect(Number(params.get('after'))).toBeGreaterThanOrEqual(floor);
      if (params.has('before')) expect(Number(params.get('before'))).toBeGreaterThan(floor + 1);
    }

    // Read-by, computed from live cursors in a small group: bob reads everything.
    const last = a.conversations.getState()[G]!.lastSeq;
    b.markRead(G);
    await until(a, () => a.conversations.getState()[G]!.cursors.some((x) => x.userId === bob.id && x.read >= last), 15_000, 'bob read');
    const readBy = await groupsOf(a).readBy(G, last);
    expect(readBy).toMatchObject({ seq: last, of: 2 });
    expect(readBy.read).toBeGreaterThanOrEqual(1);

    // Carol is removed: what she holds stays, the conversation is left, sending fails at once.
    const carolRemoved: GroupEventContext[] = [];
    groupsOf(c).on('removed', (e) => carolRemoved.push(e));
    const held = c.messages.getState()[G]!.items.length;
    await groupsOf(a).remove(G, carol.id);
    await until(c, () => c.conversations.getState()[G]?.left === true, 15_000, 'carol left');
    expect(carolRemoved.map((e) => e.groupId)).toEqual([G]);
    expect(c.messages.getState()[G]!.items.length).toBeGreaterThanOrEqual(held);
    expect(() => c.send(G, 'hello?')).toThrow(expect.objectContaining({ code: 'not_found', retryable: false }));
    await expect(groupsOf(c).get(G)).rejects.toMatchObject({ code: 'not_found', status: 404 });

    // Dissolved: every member's conversation is left, its messages kept.
    await groupsOf(a).dissolve(G);
    await until(b, () => b.conversations.getState()[G]?.left === true, 15_000, 'bob sees it dissolved');
    expect(b.messages.getState()[G]!.items.filter((m) => m.content.type === 'text').length).toBeGreaterThanOrEqual(21);
    expect(() => b.send(G, 'anyone?')).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});
