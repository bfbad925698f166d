import type { MemberCursor, UserEvent } from '@quickchat/protocol';
import type {
  AppendResult,
  ConversationState,
  FriendshipRow,
  GroupChange,
  GroupChangeResult,
  GroupMemberRecord,
  GroupRecord,
  NewGroup,
  PendingKind,
  PendingRecord,
  HistoryPage,
  HistoryRange,
  NewConversation,
  NewExternalUser,
  NewMessage,
  NewUser,
  NewUserEvent,
  ProfilePatch,
  RefreshTokenRecord,
  RelationChange,
  Store,
  StoredFriendshipStatus,
  UserRecord,
} from '../types.js';
import { SqliteDatabase, type SqliteStoreOptions } from './database.js';
import { SqliteUsers } from './users.js';
import { SqliteTokens } from './tokens.js';
import { SqliteRelations } from './relations.js';
import { SqliteConversations } from './conversations.js';
import { SqliteGroups } from './groups.js';
import { MessageAppender } from './append.js';
import { RichWrites } from './rich-writes.js';
import { SqliteSearch } from './search.js';
import { SearchIndexer } from './search-index.js';
import type { SearchPage, SearchRequest } from '../search.js';
import { UserEventLog } from './events.js';
import { SqliteAttachments } from './attachments.js';
import { prepareAttachmentClaims } from './attachment-claims.js';
import type { AttachmentRecord, NewUpload } from '../attachments.js';
import type { NewOpenCall, OpenCalls } from '../types.js';
import { SqliteCallJournal, lastWriteOf } from './calls.js';

export type { SqliteStoreOptions } from './database.js';

/**
 * The embedded default {@link Store}: one better-sqlite3 connection in WAL mode, shared by one
 * part per entity interface (`users.ts`, `tokens.ts`, `relations.ts`, `conversations.ts`,
 * `groups.ts`, `calls.ts`, …); this class only composes them. The parts that write messages (conversations,
 * groups) share one {@link MessageAppender}, and those that write user events (relations,
 * groups) one {@link UserEventLog}. Work is synchronous under the async facade; every method is one
 * statement or one transaction, so each is atomic. Read-modify-write transactions begin
 * IMMEDIATE so they take the write lock up front and never fail with a stale snapshot.
 *
 * **One writer, or shared-writer mode.** By default a `SqliteStore` is the only writer of its
 * file: it remembers each recently written conversation's newest message, so an append is a
 * single INSERT with no read. (If another connection commits anyway, the next append notices
 * through `PRAGMA data_version` and forgets what it remembered, so seqs stay gap-free; but a
 * search would not see another writer's newest messages, see {@link SearchIndexer}.) Several
 * processes on one host may write one file when every one of them opens it with
 * `sharedWriter: true` (see {@link SqliteStoreOptions.sharedWriter}). Readers, such as
 * `sqlite3 .backup` or the checkpoint worker, are fine in both modes.
 */
export class SqliteStore implements Store {
  private readonly database: SqliteDatabase;
  private readonly users: SqliteUsers;
  private readonly tokens: SqliteTokens;
  private readonly relations: SqliteRelations;
  private readonly conversations: SqliteConversations;
  private readonly groups: SqliteGroups;
  private readonly search: SqliteSearch;
  private readonly attachments: SqliteAttachments;
  private readonly calls: SqliteCallJournal;
  private readonly indexer: SearchIndexer;

  constructor(options: SqliteStoreOptions) {
    const shared = options.sharedWriter === true;
    // Before opening: what the previous run last wrote (the call journal's lower bound of its end).
    // Meaningless when other processes write the file too: they move its modification times.
    const lastWriteAt = shared ? null : lastWriteOf(options.file);
    this.database = new SqliteDatabase(options);
    const db = this.database.db;
    const indexer = (this.indexer = new SearchIndexer(db));
    indexer.catchUp();
    const appender = new MessageAppender(db, new RichWrites(db, prepareAttachmentClaims(db), indexer), indexer, shared);
    const events = new UserEventLog(db);
    this.users = new SqliteUsers(db);
    this.tokens = new SqliteTokens(db);
    this.relations = new SqliteRelations(db, events);
    this.conversations = new SqliteConversations(db, appender);
    this.groups = new SqliteGroups(db, appender, events);
    this.search = new SqliteSearch(db, indexer, shared);
    this.attachments = new SqliteAttachments(db);
    this.calls = new SqliteCallJournal(db, appender, lastWriteAt);
  }

  /** Stops the checkpointer, checkpoints, and closes the connection. Idempotent. */
  close(): Promise<void> {
    if (this.database.db.open) this.indexer.flush();
    this.indexer.stop();
    return this.database.close();
  }

  // ---------- users ----------
  createUser(user: NewUser): Promise<UserRecord> { return this.users.createUser(user); }
  upsertExternalUser(user: NewExternalUser): Promise<UserRecord> { return this.users.upsertExternalUser(user); }
  getUser(id: string): Promise<UserRecord | null> { return this.users.getUser(id); }
  getUsers(ids: readonly string[]): Promise<UserRecord[]> { return this.users.getUsers(ids); }
  getUserByHandle(handle: string): Promise<UserRecord | null> { return this.users.getUserByHandle(handle); }
  updateProfile(id: string, patch: ProfilePatch): Promise<UserRecord | null> { return this.users.updateProfile(id, patch); }
  listPresenceHidden(ids: readonly string[]): Promise<string[]> { return this.users.listPresenceHidden(ids); }

  // ---------- refresh tokens ----------
  insertRefreshToken(token: RefreshTokenRecord): Promise<void> { return this.tokens.insertRefreshToken(token); }
  getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null> { return this.tokens.getRefreshToken(tokenHash); }
  rotateRefreshToken(oldHash: string, next: RefreshTokenRecord, now: number): Promise<boolean> { return this.tokens.rotateRefreshToken(oldHash, next, now); }
  revokeRefreshFamily(familyId: string, now: number): Promise<void> { return this.tokens.revokeRefreshFamily(familyId, now); }
  isRefreshFamilyRevoked(familyId: string): Promise<boolean> { return this.tokens.isRefreshFamilyRevoked(familyId); }

  // ---------- friendships, blocks and user events ----------
  getFriendship(userId: string, peerId: string): Promise<FriendshipRow | null> { return this.relations.getFriendship(userId, peerId); }
  listFriendships(userId: string, status: StoredFriendshipStatus): Promise<FriendshipRow[]> { return this.relations.listFriendships(userId, status); }
  isBlocked(blockerId: string, blockedId: string): Promise<boolean> { return this.relations.isBlocked(blockerId, blockedId); }
  listBlocked(blockerId: string): Promise<string[]> { return this.relations.listBlocked(blockerId); }
  applyRelationChange(change: RelationChange): Promise<UserEvent[]> { return this.relations.applyRelationChange(change); }
  appendUserEvents(events: readonly NewUserEvent[]): Promise<UserEvent[]> { return this.relations.appendUserEvents(events); }
  listProfileViewers(userId: string): Promise<string[]> { return this.relations.listProfileViewers(userId); }
  getUserEvents(userId: string, afterSeq: number, limit: number): Promise<UserEvent[]> { return this.relations.getUserEvents(userId, afterSeq, limit); }
  latestUserEventSeq(userId: string): Promise<number> { return this.relations.latestUserEventSeq(userId); }

  // ---------- conversations, messages and cursors ----------
  createConversation(conversation: NewConversation): Promise<boolean> { return this.conversations.createConversation(conversation); }
  appendMessages(batch: readonly NewMessage[]): Promise<AppendResult[]> { return this.conversations.appendMessages(batch); }
  getMessages(conversationId: string, range: HistoryRange): Promise<HistoryPage> { return this.conversations.getMessages(conversationId, range); }
  listConversations(userId: string, allCursorsUpTo: number): Promise<ConversationState[]> { return this.conversations.listConversations(userId, allCursorsUpTo); }
  getConversation(conversationId: string, userId: string, allCursorsUpTo: number): Promise<ConversationState | null> {
    return this.conversations.getConversation(conversationId, userId, allCursorsUpTo);
  }
  advanceCursor(conversationId: string, userId: string, to: { delivered?: number; read?: number }): Promise<{ cursor: MemberCursor; changed: boolean } | null> {
    return this.conversations.advanceCursor(conversationId, userId, to);
  }

  // ---------- search ----------
  searchMessages(userId: string, request: SearchRequest): Promise<SearchPage> { return this.search.searchMessages(userId, request); }

  // ---------- attachments ----------
  insertUpload(upload: NewUpload, quotaBytes: number): Promise<boolean> { return this.attachments.insertUpload(upload, quotaBytes); }
  getAttachment(id: string): Promise<AttachmentRecord | null> { return this.attachments.getAttachment(id); }
  storedBytesOf(ownerId: string): Promise<number> { return this.attachments.storedBytesOf(ownerId); }
  deleteUpload(id: string, ownerId: string): Promise<string[] | null> { return this.attachments.deleteUpload(id, ownerId); }
  deleteExpiredUploads(now: number, limit: number): Promise<{ deleted: number; blobKeys: string[] }> { return this.attachments.deleteExpiredUploads(now, limit); }
  referencedBlobKeys(keys: readonly string[]): Promise<Set<string>> { return this.attachments.referencedBlobKeys(keys); }

  // ---------- the journal of open calls ----------
  openCall(call: NewOpenCall): Promise<void> { return this.calls.openCall(call); }
  markCallConnected(callId: string, at: { acceptedAt: number; connectedAt: number }): Promise<void> { return this.calls.markCallConnected(callId, at); }
  closeCall(callId: string, record: NewMessage): Promise<AppendResult> { return this.calls.closeCall(callId, record); }
  listOpenCalls(): Promise<OpenCalls> { return this.calls.listOpenCalls(); }

  // ---------- groups ----------
  getGroup(conversationId: string): Promise<GroupRecord | null> { return this.groups.getGroup(conversationId); }
  getMember(conversationId: string, userId: string): Promise<GroupMemberRecord | null> { return this.groups.getMember(conversationId, userId); }
  listMembers(conversationId: string, afterUserId: string | null, limit: number): Promise<GroupMemberRecord[]> { return this.groups.listMembers(conversationId, afterUserId, limit); }
  listMemberIds(conversationId: string): Promise<string[]> { return this.groups.listMemberIds(conversationId); }
  listAdminIds(conversationId: string): Promise<string[]> { return this.groups.listAdminIds(conversationId); }
  listGroupsOf(userId: string): Promise<string[]> { return this.groups.listGroupsOf(userId); }
  countOwnedGroups(userId: string): Promise<number> { return this.groups.countOwnedGroups(userId); }
  getPending(conversationId: string, userId: string): Promise<PendingRecord | null> { return this.groups.getPending(conversationId, userId); }
  listPending(conversationId: string, kind: PendingKind, limit: number): Promise<PendingRecord[]> { return this.groups.listPending(conversationId, kind, limit); }
  countPending(conversationId: string, kind: PendingKind): Promise<number> { return this.groups.countPending(conversationId, kind); }
  listInvitesOf(userId: string, limit: number): Promise<PendingRecord[]> { return this.groups.listInvitesOf(userId, limit); }
  countReadBy(conversationId: string, seq: number, exceptUserId: string): Promise<{ read: number; delivered: number; of: number }> {
    return this.groups.countReadBy(conversationId, seq, exceptUserId);
  }
  createGroup(group: NewGroup): Promise<GroupChangeResult> { return this.groups.createGroup(group); }
  applyGroupChange(change: GroupChange): Promise<GroupChangeResult> { return this.groups.applyGroupChange(change); }
}

/**
 * Opens (creating if needed) and migrates a SQLite store; `file` may be `':memory:'`.
 * The caller must not open the same file twice unless every opener sets `sharedWriter`
 * (see {@link SqliteStore}).
 */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options);
}
