import type Database from 'better-sqlite3';
import type {
  GroupChange,
  GroupChangeResult,
  GroupMemberRecord,
  GroupRecord,
  GroupStore,
  NewGroup,
  PendingKind,
  PendingRecord,
} from '../types.js';
import type { MessageAppender } from './append.js';
import type { UserEventLog } from './events.js';
import { GroupWriter } from './group-writes.js';
import {
  GROUP_COLS,
  GROUP_MEMBER_COLS,
  PENDING_COLS,
  toGroup,
  toGroupMember,
  toPending,
  type GroupMemberRow,
  type GroupRow,
  type PendingRow,
} from './group-rows.js';

/** Where a user's group memberships sit in `conversation_members_by_user`: ids from 'g:' up to (not including) 'g;'. */
const GROUP_IDS = `m.conversation_id >= 'g:' AND m.conversation_id < 'g;'`;

function prepare(db: Database.Database) {
  return {
    group: db.prepare<[string], GroupRow>(`SELECT ${GROUP_COLS} FROM groups WHERE id = ?`),
    member: db.prepare<[string, string], GroupMemberRow>(
      `SELECT m.conversation_id, m.user_id, m.role, m.floor, m.joined_at FROM conversation_members m JOIN groups g ON g.id = m.conversation_id
       WHERE m.conversation_id = ? AND m.user_id = ? AND g.dissolved_at IS NULL AND m.role IS NOT NULL`,
    ),
    /** A primary-key range of the group's member rows. */
    members: db.prepare<[string, string, number], GroupMemberRow>(
      `SELECT ${GROUP_MEMBER_COLS} FROM conversation_members
       WHERE conversation_id = ? AND user_id > ? AND role IS NOT NULL ORDER BY user_id LIMIT ?`,
    ),
    memberIds: db.prepare<[string], string>('SELECT user_id FROM conversation_members WHERE conversation_id = ? ORDER BY user_id').pluck(),
    /**
     * The partial index conversation_members_admins holds only owners and admins. Without
     * statistics the planner would rather walk the group's whole primary-key range, hence
     * INDEXED BY (which also fails loudly should the index ever stop matching this WHERE).
     */
    adminIds: db.prepare<[string], string>(
      `SELECT user_id FROM conversation_members INDEXED BY conversation_members_admins
       WHERE conversation_id = ? AND role IN ('owner', 'admin') ORDER BY user_id`,
    ).pluck(),
    /** The 'g:' range of the user's memberships (dissolved groups have no members left; the join is a guard). */
    groupsOf: db.prepare<[string], string>(
      `SELECT m.conversation_id FROM conversation_members m JOIN groups g ON g.id = m.conversation_id
       WHERE m.user_id = ? AND ${GROUP_IDS} AND g.dissolved_at IS NULL ORDER BY m.conversation_id`,
    ).pluck(),
    /** Served by the partial index groups_by_owner. */
    ownedCount: db.prepare<[string], number>('SELECT COUNT(*) FROM groups WHERE owner_id = ? AND dissolved_at IS NULL').pluck(),

    pending: db.prepare<[string, string], PendingRow>(`SELECT ${PENDING_COLS} FROM group_pending WHERE conversation_id = ? AND user_id = ?`),
    pendingOfKind: db.prepare<[string, PendingKind, number], PendingRow>(
      `SELECT ${PENDING_COLS} FROM group_pending WHERE conversation_id = ? AND kind = ? ORDER BY created_at, user_id LIMIT ?`,
    ),
    pendingCount: db.prepare<[string, PendingKind], number>('SELECT COUNT(*) FROM group_pending WHERE conversation_id = ? AND kind = ?').pluck(),
    /** Dissolving a group drops its pending entries, so every invite left is to a live group. */
    invitesOf: db.prepare<[string, number], PendingRow>(
      `SELECT ${PENDING_COLS} FROM group_pending WHERE user_id = ? AND kind = 'invite'
       ORDER BY created_at DESC, conversation_id DESC LIMIT ?`,
    ),

    /** One pass over the group's member rows: receipts of a large group are counted on demand, never listed. */
    readBy: db.prepare<{ id: string; seq: number; except: string }, { read: number; delivered: number; of: number }>(
      `SELECT COALESCE(SUM(read >= @seq), 0) AS read, COALESCE(SUM(delivered >= @seq), 0) AS delivered, COUNT(*) AS of
       FROM conversation_members WHERE conversation_id = @id AND user_id <> @except`,
    ),
  };
}

/**
 * {@link GroupStore} on SQLite: reads here, changes in {@link GroupWriter} (one IMMEDIATE
 * transaction each, appending notices through the store's message appender).
 */
export class SqliteGroups implements GroupStore {
  private readonly s: ReturnType<typeof prepare>;
  private readonly writer: GroupWriter;

  /** `appender` and `events`: the store's own, shared with the conversations and relations parts. */
  constructor(db: Database.Database, appender: MessageAppender, events: UserEventLog) {
    this.s = prepare(db);
    this.writer = new GroupWriter(db, appender, events);
  }

  async getGroup(conversationId: string): Promise<GroupRecord | null> {
    const row = this.s.group.get(conversationId);
    return row ? toGroup(row) : null;
  }

  async getMember(conversationId: string, userId: string): Promise<GroupMemberRecord | null> {
    const row = this.s.member.get(conversationId, userId);
    return row ? toGroupMember(row) : null;
  }

  async listMembers(conversationId: string, afterUserId: string | null, limit: number): Promise<GroupMemberRecord[]> {
    return this.s.members.all(conversationId, afterUserId ?? '', limit).map(toGroupMember);
  }

  async listMemberIds(conversationId: string): Promise<string[]> {
    return this.s.memberIds.all(conversationId);
  }

  async listAdminIds(conversationId: string): Promise<string[]> {
    return this.s.adminIds.all(conversationId);
  }

  async listGroupsOf(userId: string): Promise<string[]> {
    return this.s.groupsOf.all(userId);
  }

  async countOwnedGroups(userId: string): Promise<number> {
    return this.s.ownedCount.get(userId) ?? 0;
  }

  async getPending(conversationId: string, userId: string): Promise<PendingRecord | null> {
    const row = this.s.pending.get(conversationId, userId);
    return row ? toPending(row) : null;
  }

  async listPending(conversationId: string, kind: PendingKind, limit: number): Promise<PendingRecord[]> {
    return this.s.pendingOfKind.all(conversationId, kind, limit).map(toPending);
  }

  async countPending(conversationId: string, kind: PendingKind): Promise<number> {
    return this.s.pendingCount.get(conversationId, kind) ?? 0;
  }

  async listInvitesOf(userId: string, limit: number): Promise<PendingRecord[]> {
    return this.s.invitesOf.all(userId, limit).map(toPending);
  }

  async countReadBy(conversationId: string, seq: number, exceptUserId: string): Promise<{ read: number; delivered: number; of: number }> {
    const { read, delivered, of } = this.s.readBy.get({ id: conversationId, seq, except: exceptUserId })!;
    return { read, delivered, of };
  }

  async createGroup(group: NewGroup): Promise<GroupChangeResult> {
    return this.writer.createGroup(group);
  }

  async applyGroupChange(change: GroupChange): Promise<GroupChangeResult> {
    return this.writer.applyGroupChange(change);
  }
}
