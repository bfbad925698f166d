import { afterEach, beforeEach, expect, it } from 'vitest';
import type { NewMessage } from '@quickchat/server';
import { openMongoStore, StoreInputError, type MongoStore } from '../src/index.js';
import { describeWithMongo, freshDatabaseName, useMongo } from './support.js';

/*
 * Operator injection against a real MongoDB (runs with QUICKCHAT_TEST_MONGODB_URI): operator
 * objects where the Store's interface says string, sent through every kind of method. Each call
 * must be refused (or match nothing), and afterwards every collection must hold exactly what it
 * held before: nothing else was read out or changed.
 */

/** An operator object passed off as a string, as a caller that skipped validation would. */
const op = (operator: Record<string, unknown>): string => operator as unknown as string;
const NE_NULL = op({ $ne: null });
const GT_EMPTY = op({ $gt: '' });
const REGEX_ANY = op({ $regex: '.*' });
const WHERE = op({ $where: 'sleep(100) || true' });

describeWithMongo('MongoDB store: operator injection', () => {
  const mongo = useMongo();
  let store: MongoStore;
  let dbName: string;
  const AB = 'dm:u_alice~u_bob';
  const text = (clientMsgId: string, senderId = 'u_alice'): NewMessage => ({
    id: `m_${clientMsgId}`,
    conversationId: AB,
    senderId,
    clientMsgId,
    content: { type: 'text', text: `hello ${clientMsgId}` },
    createdAt: 1000,
  });

  /** Every document of every collection, for a before/after comparison. */
  const everything = async (): Promise<Record<string, unknown[]>> => {
    // Read with the driver itself, past everything the store and mongoose add.
    const db = mongo.admin.getClient().db(dbName);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
    const out: Record<string, unknown[]> = {};
    for (const name of names) out[name] = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    return out;
  };

  beforeEach(async () => {
    dbName = freshDatabaseName();
    store = await openMongoStore({ uri: mongo.uri, dbName });
    await store.createUser({ id: 'u_alice', handle: 'alice', displayName: 'Alice', passwordHash: 'h_a', createdAt: 1 });
    await store.createUser({ id: 'u_bob', handle: 'bob', displayName: 'Bob', passwordHash: 'h_b', createdAt: 2 });
    await store.createConversation({ id: AB, kind: 'dm', members: ['u_alice', 'u_bob'], createdAt: 3 });
    await store.appendMessages([text('c1'), text('c2', 'u_bob')]);
    await store.insertRefreshToken({ tokenHash: 'h1', familyId: 'fam1', userId: 'u_alice', createdAt: 1, expiresAt: 10_000, usedAt: null, revokedAt: null });
    await store.applyRelationChange({ upsert: [{ userId: 'u_alice', peerId: 'u_bob', status: 'friends', memo: null, updatedAt: 1 }], remove: [], events: [] });
    await store.insertUpload(
      { id: 'f_1', ownerId: 'u_alice', conversationId: AB, name: 'a.pdf', mime: 'application/pdf', size: 10, width: null, height: null, blobKey: 'b_1', thumbKey: null, createdAt: 1, expiresAt: 1 },
      1000,
    );
    await store.openCall({ callId: 'c_1', conversationId: AB, callerId: 'u_alice', calleeId: 'u_bob', media: { audio: true, video: false }, startedAt: 1, ownerNode: 'n_1' });
  });
  afterEach(async () => {
    await store.close();
    await mongo.admin.useDb(dbName).dropDatabase();
  });

  it('refuses operator objects in every string parameter, and changes nothing', async () => {
    const before = await everything();
    const attempts: [string, () => Promise<unknown>][] = [
      ['getUser', () => store.getUser(NE_NULL)],
      ['getUsers', () => store.getUsers([NE_NULL])],
      ['getUserByHandle', () => store.getUserByHandle(NE_NULL)],
      ['getUserByHandle $regex', () => store.getUserByHandle(REGEX_ANY)],
      ['updateProfile', () => store.updateProfile(GT_EMPTY, { displayName: 'pwned' })],
      ['updateProfile value', () => store.updateProfile('u_alice', { displayName: NE_NULL })],
      ['listPresenceHidden', () => store.listPresenceHidden([NE_NULL])],
      ['getRefreshToken', () => store.getRefreshToken(NE_NULL)],
      ['rotateRefreshToken', () => store.rotateRefreshToken(NE_NULL, { tokenHash: 'h2', familyId: 'fam1', userId: 'u_alice', createdAt: 2, expiresAt: 10_000, usedAt: null, revokedAt: null }, 5)],
      ['revokeRefreshFamily', () => store.revokeRefreshFamily(NE_NULL, 5)],
      ['isRefreshFamilyRevoked', () => store.isRefreshFamilyRevoked(WHERE)],
      ['getFriendship', () => store.getFriendship(NE_NULL, NE_NULL)],
      ['listFriendships', () => store.listFriendships(NE_NULL, 'friends')],
      ['applyRelationChange remove', () => store.applyRelationChange({ upsert: [], remove: [{ userId: NE_NULL, peerId: NE_NULL }], events: [] })],
      ['applyRelationChange block', () => store.applyRelationChange({ upsert: [], remove: [], block: { blockerId: NE_NULL, blockedId: NE_NULL, blocked: false }, events: [] })],
      ['listProfileViewers', () => store.listProfileViewers(NE_NULL)],
      ['getUserEvents', () => store.getUserEvents(NE_NULL, 0, 10)],
      ['appendMessages clientMsgId', () => store.appendMessages([{ ...text('x'), clientMsgId: NE_NULL }])],
      ['appendMessages conversationId', () => store.appendMessages([{ ...text('y'), conversationId: NE_NULL }])],
      ['appendMessages senderId', () => store.appendMessages([{ ...text('z'), senderId: NE_NULL }])],
      ['getMessages', () => store.getMessages(NE_NULL, { limit: 10 })],
      ['listConversations', () => store.listConversations(NE_NULL, 100)],
      ['getConversation', () => store.getConversation(AB, NE_NULL, 100)],
      ['advanceCursor', () => store.advanceCursor(AB, NE_NULL, { read: 2 })],
      ['getGroup', () => store.getGroup(NE_NULL)],
      ['getMember', () => store.getMember(NE_NULL, NE_NULL)],
      ['listMembers after', () => store.listMembers(AB, GT_EMPTY, 10)],
      ['applyGroupChange', () => store.applyGroupChange({ conversationId: NE_NULL, remove: [NE_NULL], dissolve: true, at: 9 })],
      ['searchMessages user', () => store.searchMessages(NE_NULL, { query: 'hello', limit: 10 })],
      ['searchMessages conversation', () => store.searchMessages('u_alice', { query: 'hello', conversationId: NE_NULL, limit: 10 })],
      ['getAttachment', () => store.getAttachment(NE_NULL)],
      ['deleteUpload', () => store.deleteUpload('f_1', NE_NULL)],
      ['storedBytesOf', () => store.storedBytesOf(NE_NULL)],
      ['referencedBlobKeys', () => store.referencedBlobKeys([NE_NULL])],
      ['markCallConnected', () => store.markCallConnected(NE_NULL, { acceptedAt: 2, connectedAt: 3 })],
      ['closeCall', () => store.closeCall(NE_NULL, text('rec'))],
    ];
    for (const [name, attempt] of attempts) {
      await expect(attempt(), name).rejects.toBeInstanceOf(StoreInputError);
    }
    expect(await everything()).toEqual(before);
  });

  it('the connection neutralizes an operator even where validation is bypassed (sanitizeFilter)', async () => {
    // Straight to a model of the store's own connection, as code that skipped the store would.
    const users = store.connection.model('User');
    await expect(users.findOne({ handle: { $ne: null } }).lean()).rejects.toThrow(/Cast to string failed/);
    await expect(users.updateMany({ _id: { $gt: '' } }, { $set: { displayName: 'pwned' } })).rejects.toThrow(/Cast to string failed/);
    expect((await store.getUser('u_alice'))?.displayName).toBe('Alice');
  });
});
