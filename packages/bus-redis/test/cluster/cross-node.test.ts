import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Redis } from 'ioredis';
import { CloseCode } from '@quickchat/protocol';
import { createClient, type ChatClient, type ClientOptions, type LocalMessage } from '@quickchat/sdk';
import { friendsOf } from '@quickchat/sdk/friends';
import { groupsOf } from '@quickchat/sdk/groups';
import { presenceOf } from '@quickchat/sdk/presence';
import { Rest, until, type TestUser } from '../../../sdk/test/support/sdk-server.js';
import { redisMissing } from '../../../server/test/support/redis-server.js';
import { Cluster } from '../support/cluster.js';
import { RawClient } from '../../../server/test/support/ws-client.js';
import { DEFAULT_PREFIX } from '../../src/keys.js';

const missing = redisMissing();
if (missing) console.warn(`[skipped] multi-node tests: ${missing}`);

/**
 * Two real server processes (the CLI) sharing one SQLite file and one real Redis. Each user is
 * placed on a chosen node by connecting to it directly; everything between them crosses Redis.
 */
describe.skipIf(missing !== null)('two nodes on one Redis: everything works across nodes', () => {
  let cluster: Cluster;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  const clients: ChatClient[] = [];

  /** An SDK client of `user` connected to node `node` (0 or 1). */
  const open = (user: TestUser, node: number): ChatClient => {
    const client = createClient({
      url: cluster.nodes[node]!.url,
      auth: { handle: user.handle, password: user.password },
      WebSocket: WebSocket as unknown as ClientOptions['WebSocket'],
    });
    clients.push(client);
    return client;
  };
  const connected = (c: ChatClient, what: string) => until(c, () => c.connectionState === 'connected', 15_000, what);

  beforeAll(async () => {
    cluster = await Cluster.start(2);
    // Accounts made through one node sign in on the other: one store, one set of secrets.
    alice = await new Rest(cluster.nodes[0]!.url).register('alice');
    bob = await new Rest(cluster.nodes[1]!.url).register('bob');
    carol = await new Rest(cluster.nodes[1]!.url).register('carol');
    await new Rest(cluster.nodes[0]!.url).befriend(alice, bob);
  }, 60_000);
  afterAll(async () => {
    for (const c of clients.splice(0)) c.close();
    await cluster?.stop();
  });

  it('1:1 both ways with delivered and read ticks, typing, and presence online then offline', async () => {
    const a = open(alice, 0);
    const b = open(bob, 1);
    const seenByA = presenceOf(a);
    await Promise.all([connected(a, 'alice on node 0'), connected(b, 'bob on node 1')]);
    await until(a, () => seenByA.stateOf(bob.id).status === 'online', 15_000, 'alice sees bob online');

    const conv = a.dmWith(bob.id);
    const got: LocalMessage[] = [];
    b.on('message', ({ message }) => got.push(message));
    a.send(conv, 'hello from node 0 ✓ שלום 👋');
    await until(b, () => got.length === 1, 15_000, 'bob receives');
    expect(got[0]).toMatchObject({ senderId: alice.id, seq: 1, content: { type: 'text', text: 'hello from node 0 ✓ שלום 👋' } });
    b.send(conv, 'and back from node 1');
    await until(a, () => a.messages.getState()[conv]?.items.length === 2, 15_000, 'alice receives the reply');
    expect(a.messages.getState()[conv]!.items.map((m) => `${m.seq}:${m.senderId === alice.id ? 'a' : 'b'}`)).toEqual(['1:a', '2:b']);

    await until(a, () => a.messages.getState()[conv]?.items[0]?.state === 'delivered' || a.messages.getState()[conv]?.items[0]?.state === 'read', 15_000, 'delivered tick across nodes');
    b.markRead(conv);
    await until(a, () => a.messages.getState()[conv]?.items[0]?.state === 'read', 15_000, 'read tick across nodes');

    b.setTyping(conv, true);
    await until(a, () => a.conversations.getState()[conv]?.typing.includes(bob.id) === true, 15_000, 'alice sees bob typing');
    b.setTyping(conv, false);
    await until(a, () => a.conversations.getState()[conv]?.typing.length === 0, 15_000, 'bob stopped typing');

    b.close();
    await until(a, () => seenByA.stateOf(bob.id).status === 'offline', 30_000, 'alice sees bob go offline');
  });

  it('user events cross nodes: a friend request from node 1 and its acceptance on node 0', async () => {
    const a = open(alice, 0);
    const c = open(carol, 1);
    await Promise.all([connected(a, 'alice'), connected(c, 'carol')]);
    await friendsOf(c).request(alice.id, 'hi from node 1');
    await until(a, () => friendsOf(a).store.getState().incoming.some((e) => e.user.id === carol.id), 15_000, 'alice sees the request');
    await friendsOf(a).accept(carol.id);
    await until(c, () => friendsOf(c).store.getState().friends.some((e) => e.user.id === alice.id && e.status === 'friends'), 15_000, 'carol sees the friendship');
  });

  it('a group spanning both nodes: messages and notices in order on every member, and typing', async () => {
    const a = open(alice, 0);
    const b = open(bob, 1);
    const c = open(carol, 1);
    await Promise.all([connected(a, 'alice'), connected(b, 'bob'), connected(c, 'carol')]);
    const logs = new Map<ChatClient, LocalMessage[]>();
    for (const client of [a, b, c]) {
      const log: LocalMessage[] = [];
      client.on('message', ({ message }) => log.push(message));
      logs.set(client, log);
    }
    const { group } = await groupsOf(a).create({ name: 'Across nodes', members: [bob.id, carol.id] });
    const G = group.id;
    await until(c, () => c.conversations.getState()[G]?.group?.name === 'Across nodes', 15_000, 'carol has the group');
    const texts = ['from alice (node 0)', 'from bob (node 1)', 'from carol (node 1)', 'from alice again'];
    a.send(G, texts[0]!);
    await until(b, () => (logs.get(b) ?? []).some((m) => m.conversationId === G && m.content.type === 'text'), 15_000, 'bob gets alice');
    b.send(G, texts[1]!);
    await until(a, () => (logs.get(a) ?? []).filter((m) => m.conversationId === G && m.content.type === 'text').length === 2, 15_000, 'alice gets bob');
    c.send(G, texts[2]!);
    await until(a, () => (logs.get(a) ?? []).filter((m) => m.conversationId === G && m.content.type === 'text').length === 3, 15_000, 'alice gets carol');
    a.send(G, texts[3]!);
    const textsOf = (client: ChatClient) => (logs.get(client) ?? []).filter((m) => m.conversationId === G && m.content.type === 'text').map((m) => (m.content.type === 'text' ? m.content.text : ''));
    for (const client of [a, b, c]) await until(client, () => textsOf(client).length === 4, 15_000, 'four texts everywhere');
    for (const client of [a, b, c]) {
      expect(textsOf(client)).toEqual(texts);
      const seqs = (logs.get(client) ?? []).filter((m) => m.conversationId === G).map((m) => m.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => (x ?? 0) - (y ?? 0)));
      expect(new Set(seqs).size).toBe(seqs.length);
    }
    c.setTyping(G, true);
    await until(a, () => a.conversations.getState()[G]?.typing.includes(carol.id) === true, 15_000, 'alice (node 0) sees carol (node 1) typing');
  });

  it('a sign-out on one node closes the signed-out session on the other', async () => {
    const signIn = await new Rest(cluster.nodes[0]!.url).call<{ tokens: { accessToken: string; refreshToken: string } }>('POST', '/api/auth/login', { body: { handle: alice.handle, password: alice.password } });
    expect(signIn.status).toBe(200);
    const socket = await RawClient.connect(cluster.nodes[1]!.wsUrl, signIn.body.tokens.accessToken);
    const out = await new Rest(cluster.nodes[0]!.url).call('POST', '/api/auth/logout', { body: { refreshToken: signIn.body.tokens.refreshToken } });
    expect(out.status).toBeLessThan(300);
    expect((await socket.closed).code).toBe(CloseCode.AuthExpired);
  });

  it('a group message is one publish on the group\'s channel, not one per member: none reaches the members\' own channels', async () => {
    const rest = new Rest(cluster.nodes[0]!.url);
    const members = await Promise.all(Array.from({ length: 12 }, (_, i) => rest.register(`member${i}`)));
    for (const m of members) await rest.befriend(alice, m);
    const a = open(alice, 0);
    // Half of the members are online, on the other node.
    const online = members.slice(0, 6).map((m) => open(m, 1));
    await Promise.all([a, ...online].map((c, i) => connected(c, `client ${i}`)));
    const { group } = await groupsOf(a).create({ name: 'Twelve', members: members.map((m) => m.id) });
    const last = online[online.length - 1]!;
    await until(last, () => last.conversations.getState()[group.id]?.group !== undefined, 15_000, 'the members have the group');

    const probe = new Redis(cluster.redis.url);
    const seen: string[] = [];
    probe.on('pmessage', (_pattern: string, channel: string) => seen.push(channel));
    await probe.psubscribe(`${DEFAULT_PREFIX}*`);
    a.send(group.id, 'one publish for twelve');
    await until(last, () => (last.messages.getState()[group.id]?.items ?? []).some((m) => m.content.type === 'text'), 15_000, 'a member on the other node has it');
    probe.disconnect();
    const onGroup = seen.filter((c) => c === `${DEFAULT_PREFIX}g:${group.id}`);
    const onMembers = seen.filter((c) => members.some((m) => c === `${DEFAULT_PREFIX}u:${m.id}`));
    expect(onGroup).toHaveLength(1);
    expect(onMembers).toEqual([]);
  });
});

