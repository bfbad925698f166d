import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dmConversationId, type AckFrame, type HistoryResponse } from '@quickchat/protocol';
import type { TestUser } from './support/rest.js';
import { BURST_LIMITS, ChatFixture, range, sendBurst } from './support/messaging.js';

describe('history over REST', () => {
  let f: ChatFixture;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let conv: string;
  let acks: AckFrame[];

  const get = (path: string, user: TestUser = bob) => f.rest.call('GET', path, { token: user.token });
  const page = async (query: string, user: TestUser = bob) => {
    const res = await get(`/api/conversations/${conv}/messages${query}`, user);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const body = res.body as HistoryResponse;
    return { seqs: body.messages.map((m) => m.seq), hasMore: body.hasMore, body };
  };

  // 120 messages: 60 from alice and 60 from bob, interleaved.
  beforeAll(async () => {
    f = await ChatFixture.start({ limits: { ...BURST_LIMITS } });
    ({ alice, bob, carol } = await f.users(['alice', 'bob', 'carol'], [['alice', 'bob'], ['alice', 'carol']]));
    conv = dmConversationId(alice.id, bob.id);
    const a = await f.connect(alice);
    const b = await f.connect(bob);
    acks = [];
    for (let round = 1; round <= 6; round++) {
      acks.push(...(await sendBurst(a, conv, `a${round}-`, 10)));
      acks.push(...(await sendBurst(b, conv, `b${round}-`, 10)));
    }
  });
  afterAll(async () => {
    await f?.close();
  });

  it('by default returns the newest page of 50, ascending, with hasMore', async () => {
    const { seqs, hasMore, body } = await page('');
    expect(seqs).toEqual(range(71, 120));
    expect(hasMore).toBe(true);
    const bySeq = new Map(acks.map((a) => [a.seq, a]));
    for (const m of body.messages) {
      expect(m).toMatchObject({ conversationId: conv, id: bySeq.get(m.seq)!.messageId, clientMsgId: bySeq.get(m.seq)!.clientMsgId });
      expect([alice.id, bob.id]).toContain(m.senderId);
    }
    // Both members read the same history.
    expect((await page('', alice)).body).toEqual(body);
  });

  it('walks back with before until hasMore is false', async () => {
    expect(await page('?before=71')).toMatchObject({ seqs: range(21, 70), hasMore: true });
    expect(await page('?before=21')).toMatchObject({ seqs: range(1, 20), hasMore: false });
    expect(await page('?before=1')).toMatchObject({ seqs: [], hasMore: false });
    // A page that ends exactly at seq 1 has nothing older.
    expect(await page('?before=101&limit=100')).toMatchObject({ seqs: range(1, 100), hasMore: false });
    expect(await page('?before=102&limit=100')).toMatchObject({ seqs: range(2, 101), hasMore: true });
    // before beyond the end is the newest page.
    expect(await page('?before=1000&limit=5')).toMatchObject({ seqs: range(116, 120), hasMore: true });
  });

  it('walks forward with after until hasMore is false', async () => {
    expect(await page('?after=0&limit=100')).toMatchObject({ seqs: range(1, 100), hasMore: true });
    expect(await page('?after=100&limit=100')).toMatchObject({ seqs: range(101, 120), hasMore: false });
    expect(await page('?after=0')).toMatchObject({ seqs: range(1, 50), hasMore: true });
    // A page that ends exactly at the last message has nothing newer.
    expect(await page('?after=20&limit=100')).toMatchObject({ seqs: range(21, 120), hasMore: false });
    expect(await page('?after=19&limit=100')).toMatchObject({ seqs: range(20, 119), hasMore: true });
    expect(await page('?after=120')).toMatchObject({ seqs: [], hasMore: false });
    expect(await page('?after=5000')).toMatchObject({ seqs: [], hasMore: false });
  });

  it('limit: honored, capped at 100, and anything else is a 400 validation error', async () => {
    expect(await page('?limit=1')).toMatchObject({ seqs: [120], hasMore: true });
    expect(await page('?limit=100')).toMatchObject({ seqs: range(21, 120), hasMore: true });
    for (const bad of ['limit=101', 'limit=0', 'limit=-1', 'limit=2.5', 'limit=abc', 'limit=', 'limit=1e2', 'limit=5&limit=6', 'before=-1', 'after=x', 'before=10&after=5']) {
      const res = await get(`/api/conversations/${conv}/messages?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code, bad).toBe('validation');
    }
  });

  it('a non-member gets the same 404 not_found as for a conversation that does not exist', async () => {
    const asCarol = await get(`/api/conversations/${conv}/messages`, carol);
    expect(asCarol.status).toBe(404);
    expect(asCarol.body.error.code).toBe('not_found');
    // Valid ids of conversations that do not exist and do not name carol: fake users, real users with
    // a ghost, a group.
    const missing = [
      dmConversationId('u_nobody1', 'u_nobody2'),
      dmConversationId(alice.id, 'u_ghost'),
      dmConversationId(bob.id, 'u_ghost'),
      'g:nosuchgroup',
    ];
    for (const id of missing) {
      const res = await get(`/api/conversations/${id}/messages`, carol);
      expect({ status: res.status, body: res.body }, id).toEqual({ status: asCarol.status, body: asCarol.body });
    }
    // With cursors too: the same answer whatever the query.
    const withQuery = await get(`/api/conversations/${conv}/messages?after=0&limit=10`, carol);
    expect({ status: withQuery.status, body: withQuery.body }).toEqual({ status: 404, body: asCarol.body });
    // Carol's own DMs without messages answer alike whether the peer is her friend or does not exist.
    const withFriend = await get(`/api/conversations/${dmConversationId(alice.id, carol.id)}/messages`, carol);
    const withGhost = await get(`/api/conversations/${dmConversationId(carol.id, 'u_ghost')}/messages`, carol);
    expect({ status: withGhost.status, body: withGhost.body }).toEqual({ status: withFriend.status, body: withFriend.body });
    expect(withFriend.body.messages ?? []).toEqual([]);
  });

  it('a malformed conversation id is a 400 validation error', async () => {
    const [lo, hi] = [alice.id, bob.id].sort() as [string, string];
    for (const id of ['garbage', 'dm:onlyone', `dm:${hi}~${lo}`, `dm:${lo}~${lo}`, 'g:', `dm:${lo}~${hi}~x`, 'x'.repeat(201)]) {
      const res = await get(`/api/conversations/${encodeURIComponent(id)}/messages`);
      expect(res.status, id).toBe(400);
      expect(res.body.error.code, id).toBe('validation');
    }
  });

  it('requires authentication', async () => {
    const res = await f.rest.call('GET', `/api/conversations/${conv}/messages`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });
});
