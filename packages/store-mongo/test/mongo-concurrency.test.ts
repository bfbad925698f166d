import { afterEach, beforeEach, expect, it } from 'vitest';
import { HandleTakenError, type NewMessage, type RefreshTokenRecord } from '@quickchat/server';
import { openMongoStore, type MongoStore } from '../src/index.js';
import { describeWithMongo, freshDatabaseName, useMongo } from './support.js';

/*
 * Races against a real MongoDB replica set (runs with QUICKCHAT_TEST_MONGODB_URI): two store
 * instances on one database, as two server nodes, firing the same writes at once. They prove the
 * two safe paths of README "How it keeps the Store's guarantees": transactions that conflict and
 * are re-run (appends, rotations, event logs), and single-document writes decided by a unique
 * index or an idempotent upsert (sign-up, external users, the call journal).
 */

describeWithMongo('MongoDB store: races between nodes', () => {
  const mongo = useMongo();
  let one: MongoStore;
  let two: MongoStore;
  let dbName: string;
  /** Alternates between the two nodes. */
  const node = (i: number): MongoStore => (i % 2 === 0 ? one : two);
  const AB = 'dm:u_a~u_b';

  beforeEach(async () => {
    dbName = freshDatabaseName();
    one = await openMongoStore({ uri: mongo.uri, dbName });
    two = await openMongoStore({ uri: mongo.uri, dbName });
  });
  afterEach(async () => {
    await one.close();
    await two.close();
    await mongo.admin.useDb(dbName).dropDatabase();
  });

  it('appends racing into one conversation get gap-free seqs, and a resent key is stored once', async () => {
    await one.createConversation({ id: AB, kind: 'dm', members: ['u_a', 'u_b'], createdAt: 1 });
    const msg = (i: number, clientMsgId = `c${i}`): NewMessage => ({
      id: `m_${i}`,
      conversationId: AB,
      senderId: i % 3 === 0 ? 'u_b' : 'u_a',
      clientMsgId,
      content: { type: 'text', text: `n${i}` },
      createdAt: 1000 + i,
    });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => node(i).appendMessages([msg(i), msg(100 + i, 'same')])));
    const page = await one.getMessages(AB, { limit: 100 });
    expect(page.messages.map((m) => m.seq)).toEqual(Array.from({ length: page.messages.length }, (_, i) => i + 1));
    // 20 distinct keys, plus 'same' once per sender.
    expect(page.messages).toHaveLength(22);
    expect(results.flat().filter((r) => r.status === 'stored')).toHaveLength(22);
    expect((await two.getConversation(AB, 'u_a', 100))?.lastSeq).toBe(22);
  });

  it('a token rotates once however many nodes try', async () => {
    const token = (tokenHash: string): RefreshTokenRecord => ({ tokenHash, familyId: 'f', userId: 'u_a', createdAt: 1, expiresAt: 9_999, usedAt: null, revokedAt: null });
    await one.insertRefreshToken(token('h0'));
    const won = await Promise.all(Array.from({ length: 8 }, (_, i) => node(i).rotateRefreshToken('h0', token(`h${i + 1}`), 10)));
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('one handle, one user; an external user and an open call are created once', async () => {
    const signUps = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => node(i).createUser({ id: `u_${i}`, handle: 'taken', displayName: `N${i}`, passwordHash: 'h', createdAt: i })),
    );
    expect(signUps.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of signUps) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(HandleTakenError);

    const externals = await Promise.all(Array.from({ length: 6 }, (_, i) => node(i).upsertExternalUser({ id: 'ext:1', displayName: `E${i}`, avatarUrl: null, createdAt: i })));
    expect(new Set(externals.map((u) => u.displayName)).size).toBe(1);

    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        node(i).openCall({ callId: 'c_1', conversationId: AB, callerId: 'u_a', calleeId: 'u_b', media: { audio: true, video: false }, startedAt: i, ownerNode: `n${i}` }),
      ),
    );
    const { calls } = await one.listOpenCalls();
    expect(calls).toHaveLength(1);
  });

  it('event logs appended from both nodes at once stay consecutive', async () => {
    const user = { id: 'u_a', handle: 'a', displayName: 'A', avatarUrl: null, signature: '' };
    await Promise.all(Array.from({ length: 10 }, (_, i) => node(i).appendUserEvents([{ userId: 'u_x', kind: 'profile', at: i, user }, { userId: `u_${i}`, kind: 'profile', at: i, user }])));
    expect((await one.getUserEvents('u_x', 0, 100)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await two.latestUserEventSeq('u_x')).toBe(10);
  });
});
