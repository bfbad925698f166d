import type { ConnectOptions, Connection } from 'mongoose';
import type { Store } from '@quickchat/server';
import { Appender } from './append.js';
import { MongoAttachments } from './attachments.js';
import { MongoCallJournal } from './calls.js';
import { openConnection } from './connection.js';
import type { Ctx } from './context.js';
import { MongoConversations } from './conversations.js';
import { UserEventLog } from './events.js';
import { GroupWriter } from './group-writes.js';
import { MongoGroups } from './groups.js';
import { MongoRelations } from './relations.js';
import { RichWrites } from './rich.js';
import { MongoSearch } from './search.js';
import { MongoTokens } from './tokens.js';
import { MongoUsers } from './users.js';
import { MessageViews } from './views.js';

/** Options of {@link openMongoStore}. */
export interface MongoStoreOptions {
  /**
   * A MongoDB connection string of a replica set (a single-node replica set is fine), e.g.
   * `mongodb://127.0.0.1:27017/quickchat?replicaSet=rs0`. A standalone server is refused at open.
   */
  uri: string;
  /** The database; default: the one the URI names (or `test`, the driver's default). */
  dbName?: string;
  /**
   * Further driver options (TLS, credentials, pool size, timeouts). The store's own always win:
   * write concern `{ w: 'majority', journal: true }`, `sanitizeFilter`, primary reads.
   */
  connectOptions?: ConnectOptions;
  /** Clock deciding whether an upload expired before it was sent; injectable for tests. Default `Date.now`. */
  now?: () => number;
}

/** The `Store` on MongoDB, with its connection (for health checks and metrics). */
export interface MongoStore extends Store {
  /** The mongoose connection the store owns (closed by {@link Store.close}). */
  readonly connection: Connection;
}

/**
 * Opens the MongoDB store: connects with the store's durability and safety options, refuses a
 * standalone server (transactions need a replica set), creates the collections and indexes if
 * missing (idempotent, safe when several nodes open at once), and resolves the `Store`.
 *
 * ```ts
 * const server = createServer({ store: await openMongoStore({ uri: process.env.MONGODB_URI! }) });
 * ```
 */
export async function openMongoStore(options: MongoStoreOptions): Promise<MongoStore> {
  const { conn, models, transact } = await openConnection({
    uri: options.uri,
    ...(options.dbName !== undefined ? { dbName: options.dbName } : {}),
    ...(options.connectOptions !== undefined ? { connectOptions: options.connectOptions } : {}),
  });
  const ctx: Ctx = { models, transact, now: options.now ?? Date.now };
  const files = new MongoAttachments(ctx);
  const appender = new Appender(ctx, new RichWrites(ctx, files));
  const events = new UserEventLog(ctx);
  const views = new MessageViews(ctx);
  const parts: Parts = {
    users: new MongoUsers(ctx),
    tokens: new MongoTokens(ctx),
    relations: new MongoRelations(ctx, events),
    conversations: new MongoConversations(ctx, appender, views),
    groups: new MongoGroups(ctx, new GroupWriter(ctx, appender, events)),
    search: new MongoSearch(ctx),
    attachments: files,
    calls: new MongoCallJournal(ctx, appender),
  };
  return composeStore(conn, parts);
}

/** The parts a {@link MongoStore} is made of, one per entity interface. */
interface Parts {
  users: MongoUsers;
  tokens: MongoTokens;
  relations: MongoRelations;
  conversations: MongoConversations;
  groups: MongoGroups;
  search: MongoSearch;
  attachments: MongoAttachments;
  calls: MongoCallJournal;
}

/** One object with every method of every part (bound), and `close`, idempotent. */
function composeStore(conn: Connection, p: Parts): MongoStore {
  let closing: Promise<void> | null = null;
  const { users: u, tokens: t, relations: r, conversations: c, groups: g, search, attachments: a, calls } = p;
  return {
    connection: conn,
    createUser: (user) => u.createUser(user),
    upsertExternalUser: (user) => u.upsertExternalUser(user),
    getUser: (id) => u.getUser(id),
    getUsers: (ids) => u.getUsers(ids),
    getUserByHandle: (handle) => u.getUserByHandle(handle),
    updateProfile: (id, patch) => u.updateProfile(id, patch),
    listPresenceHidden: (ids) => u.listPresenceHidden(ids),

    insertRefreshToken: (token) => t.insertRefreshToken(token),
    getRefreshToken: (hash) => t.getRefreshToken(hash),
    rotateRefreshToken: (oldHash, next, now) => t.rotateRefreshToken(oldHash, next, now),
    revokeRefreshFamily: (familyId, now) => t.revokeRefreshFamily(familyId, now),
    isRefreshFamilyRevoked: (familyId) => t.isRefreshFamilyRevoked(familyId),

    getFriendship: (userId, peerId) => r.getFriendship(userId, peerId),
    listFriendships: (userId, status) => r.listFriendships(userId, status),
    isBlocked: (blockerId, blockedId) => r.isBlocked(blockerId, blockedId),
    listBlocked: (blockerId) => r.listBlocked(blockerId),
    applyRelationChange: (change) => r.applyRelationChange(change),
    appendUserEvents: (events) => r.appendUserEvents(events),
    listProfileViewers: (userId) => r.listProfileViewers(userId),
    getUserEvents: (userId, afterSeq, limit) => r.getUserEvents(userId, afterSeq, limit),
    latestUserEventSeq: (userId) => r.latestUserEventSeq(userId),

    createConversation: (conversation) => c.createConversation(conversation),
    appendMessages: (batch) => c.appendMessages(batch),
    getMessages: (conversationId, range) => c.getMessages(conversationId, range),
    listConversations: (userId, upTo) => c.listConversations(userId, upTo),
    getConversation: (conversationId, userId, upTo) => c.getConversation(conversationId, userId, upTo),
    advanceCursor: (conversationId, userId, to) => c.advanceCursor(conversationId, userId, to),

    getGroup: (id) => g.getGroup(id),
    getMember: (id, userId) => g.getMember(id, userId),
    listMembers: (id, after, limit) => g.listMembers(id, after, limit),
    listMemberIds: (id) => g.listMemberIds(id),
    listAdminIds: (id) => g.listAdminIds(id),
    listGroupsOf: (userId) => g.listGroupsOf(userId),
    countOwnedGroups: (userId) => g.countOwnedGroups(userId),
    getPending: (id, userId) => g.getPending(id, userId),
    listPending: (id, kind, limit) => g.listPending(id, kind, limit),
    countPending: (id, kind) => g.countPending(id, kind),
    listInvitesOf: (userId, limit) => g.listInvitesOf(userId, limit),
    countReadBy: (id, seq, except) => g.countReadBy(id, seq, except),
    createGroup: (group) => g.createGroup(group),
    applyGroupChange: (change) => g.applyGroupChange(change),

    searchMessages: (userId, request) => search.searchMessages(userId, request),

    insertUpload: (upload, quota) => a.insertUpload(upload, quota),
    getAttachment: (id) => a.getAttachment(id),
    storedBytesOf: (ownerId) => a.storedBytesOf(ownerId),
    deleteUpload: (id, ownerId) => a.deleteUpload(id, ownerId),
    deleteExpiredUploads: (now, limit) => a.deleteExpiredUploads(now, limit),
    referencedBlobKeys: (keys) => a.referencedBlobKeys(keys),

    openCall: (call) => calls.openCall(call),
    markCallConnected: (callId, at) => calls.markCallConnected(callId, at),
    closeCall: (callId, record) => calls.closeCall(callId, record),
    listOpenCalls: () => calls.listOpenCalls(),

    // Connection#close resolves with the connection; the Store's close resolves with nothing.
    close: () => (closing ??= conn.close().then(() => undefined)),
  };
}
