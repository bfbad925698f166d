import type Database from 'better-sqlite3';
import type { GroupRole, Message } from '@quickchat/protocol';
import type { GroupChange, GroupChangeResult, GroupRecord, NewGroup, NewMessage, PendingKind } from '../types.js';
import type { AppendInTransaction, MessageAppender } from './append.js';
import type { UserEventLog } from './events.js';
import { NEXT_CONVERSATION_NUM } from './rows.js';
import { fromGroup, fromPending, GROUP_COLS, toGroup, type GroupRow, type PendingRow } from './group-rows.js';

const NO_GROUP: GroupChangeResult = Object.freeze({ status: 'no_group' });
const FULL: GroupChangeResult = Object.freeze({ status: 'full' });
const STALE: GroupChangeResult = Object.freeze({ status: 'stale' });

function prepare(db: Database.Database) {
  return {
    group: db.prepare<[string], GroupRow>(`SELECT ${GROUP_COLS} FROM groups WHERE id = ?`),
    /** Fails on an existing id (group ids are random: a clash is a bug, not a race to absorb). */
    insertConversation: db.prepare<[string, number]>(`INSERT INTO conversations (id, kind, created_at, num) VALUES (?, 'group', ?, ${NEXT_CONVERSATION_NUM})`),
    insertGroup: db.prepare<[GroupRow]>(
      `INSERT INTO groups (${GROUP_COLS})
       VALUES (@id, @name, @avatar_url, @description, @join_mode, @history_visible, @owner_id, @member_count, @created_at, @dissolved_at)`,
    ),
    /** Settings only: member_count and dissolved_at have their own statements. */
    updateSettings: db.prepare<[GroupRow]>(
      `UPDATE groups SET name = @name, avatar_url = @avatar_url, description = @description, join_mode = @join_mode,
         history_visible = @history_visible, owner_id = @owner_id WHERE id = @id`,
    ),
    setMemberCount: db.prepare<[number, string]>('UPDATE groups SET member_count = ? WHERE id = ?'),
    dissolve: db.prepare<[number, string]>('UPDATE groups SET dissolved_at = ?, member_count = 0 WHERE id = ?'),

    /** The member's role; undefined when not a member. */
    roleOf: db.prepare<[string, string], GroupRole>('SELECT role FROM conversation_members WHERE conversation_id = ? AND user_id = ?').pluck(),
    /** A new member, floor 0 and cursors at 0 (a joiner's are set once its notice has a seq). */
    insertMember: db.prepare<[conversationId: string, userId: string, role: GroupRole, joinedAt: number]>(
      `INSERT INTO conversation_members (conversation_id, user_id, role, joined_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    setRole: db.prepare<[GroupRole, string, string]>('UPDATE conversation_members SET role = ? WHERE conversation_id = ? AND user_id = ?'),
    /** A joiner's floor, both cursors at it, and own_after_read: their own messages after it. */
    setJoinerCursors: db.prepare<[{ floor: number; own: number; id: string; user: string }]>(
      `UPDATE conversation_members SET floor = @floor, delivered = @floor, read = @floor, own_after_read = @own
       WHERE conversation_id = @id AND user_id = @user`,
    ),
    deleteMember: db.prepare<[string, string]>('DELETE FROM conversation_members WHERE conversation_id = ? AND user_id = ?'),
    deleteMembers: db.prepare<[string]>('DELETE FROM conversation_members WHERE conversation_id = ?'),

    lastSeq: db.prepare<[string], number>('SELECT COALESCE(MAX(seq), 0) FROM messages WHERE conversation_id = ?').pluck(),
    /**
     * The user's messages in the conversation: a range of the (conversation, sender, clientMsgId)
     * index alone, so only that user's messages there are visited, whatever the history's length.
     */
    ownIn: db.prepare<[string, string], number>('SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND sender_id = ?').pluck(),

    /** The user's pending kind in the group; undefined when none. */
    pendingKindOf: db.prepare<[string, string], PendingKind>('SELECT kind FROM group_pending WHERE conversation_id = ? AND user_id = ?').pluck(),
    putPending: db.prepare<[PendingRow]>(
      `INSERT INTO group_pending (conversation_id, user_id, kind, actor_id, memo, created_at)
       VALUES (@conversation_id, @user_id, @kind, @actor_id, @memo, @created_at)
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET
         kind = excluded.kind, actor_id = excluded.actor_id, memo = excluded.memo, created_at = excluded.created_at`,
    ),
    dropPending: db.prepare<[string, string]>('DELETE FROM group_pending WHERE conversation_id = ? AND user_id = ?'),
    dropAllPending: db.prepare<[string]>('DELETE FROM group_pending WHERE conversation_id = ?'),
  };
}

/**
 * The write side of `SqliteGroups`: {@link createGroup} and {@link applyGroupChange}, each ONE
 * IMMEDIATE transaction opened by the store's {@link MessageAppender}, so the group's notice is
 * appended by the same code (seqs, idempotency, counters, tail cache) as any message, and commits
 * or rolls back with the rest of the change.
 */
export class GroupWriter {
  private readonly s: ReturnType<typeof prepare>;

  constructor(
    db: Database.Database,
    private readonly appender: MessageAppender,
    private readonly events: UserEventLog,
  ) {
    this.s = prepare(db);
  }

  /** See `GroupStore.createGroup`. */
  createGroup(group: NewGroup): GroupChangeResult {
    return this.appender.transaction((append) => this.create(group, append));
  }

  /** See `GroupStore.applyGroupChange`. */
  applyGroupChange(change: GroupChange): GroupChangeResult {
    return this.appender.transaction((append) => this.apply(change, append));
  }

  private create(group: NewGroup, append: AppendInTransaction): GroupChangeResult {
    const { id, ownerId, createdAt } = group;
    const others = [...new Set(group.members)].filter((userId) => userId !== ownerId);
    const record: GroupRecord = {
      id,
      name: group.name,
      avatarUrl: group.avatarUrl,
      description: group.description,
      joinMode: group.joinMode,
      historyVisible: group.historyVisible,
      ownerId,
      memberCount: 1 + others.length,
      createdAt,
      dissolvedAt: null,
    };
    this.s.insertConversation.run(id, createdAt);
    this.s.insertGroup.run(fromGroup(record));
    this.s.insertMember.run(id, ownerId, 'owner', createdAt);
    for (const userId of others) this.s.insertMember.run(id, userId, 'member', createdAt);
    // Seq 1, from the owner: the appender counts it in the owner's own_after_read, so it is not unread to them.
    const message = this.appendNotice(id, group.message, append);
    for (const pending of group.pending) this.s.putPending.run(fromPending(pending, id));
    const events = this.events.append(group.events);
    return { status: 'applied', group: record, message, events };
  }

  /** The change in the documented order; every refusal returns before the first write. */
  private apply(change: GroupChange, append: AppendInTransaction): GroupChangeResult {
    const id = change.conversationId;
    const row = this.s.group.get(id);
    if (row === undefined || row.dissolved_at !== null) return NO_GROUP;
    if (!this.expectHolds(id, change.expect)) return STALE;
    const joiners = this.joiners(id, change.add ?? []);
    let memberCount = row.member_count;
    if (change.maxMembers !== undefined && memberCount + joiners.length > change.maxMembers) return FULL;

    const group = withSettings(toGroup(row), change.settings);
    if (change.settings !== undefined) this.s.updateSettings.run(fromGroup(group));
    for (const { userId, role } of joiners) this.s.insertMember.run(id, userId, role, change.at);
    memberCount += joiners.length;
    for (const { userId, role } of change.roles ?? []) this.s.setRole.run(role, id, userId);
    const message = change.message === undefined ? null : this.appendNotice(id, change.message, append);
    if (joiners.length > 0) this.placeJoiners(id, joiners, group.historyVisible, message);
    for (const userId of change.remove ?? []) memberCount -= this.s.deleteMember.run(id, userId).changes;
    if (memberCount !== row.member_count) this.s.setMemberCount.run(memberCount, id);
    for (const pending of change.putPending ?? []) this.s.putPending.run(fromPending(pending, id));
    for (const userId of change.dropPending ?? []) this.s.dropPending.run(id, userId);
    const events = this.events.append(change.events ?? []);
    const after: GroupRecord = { ...group, memberCount };
    if (change.dissolve) {
      this.s.deleteMembers.run(id);
      this.s.dropAllPending.run(id);
      this.s.dissolve.run(change.at, id);
      after.dissolvedAt = change.at;
    }
    return { status: 'applied', group: after, message, events };
  }

  /**
   * Sets each joiner's floor (0 when the history is visible, else just below the change's notice,
   * or the last seq without one), both cursors at it, and own_after_read to their own messages
   * after it, so that unread counts only others' messages: with a floor at the notice that is
   * the notice itself when they sent it (their joining notice is not unread to them).
   */
  private placeJoiners(id: string, joiners: readonly { userId: string }[], historyVisible: boolean, message: Message | null): void {
    const floor = historyVisible ? 0 : message !== null ? message.seq - 1 : this.s.lastSeq.get(id)!;
    for (const { userId: user } of joiners) {
      // Above a hidden history's floor lies only this change's notice, if any.
      const own = historyVisible ? this.s.ownIn.get(id, user)! : message?.senderId === user ? 1 : 0;
      this.s.setJoinerCursors.run({ floor, own, id, user });
    }
  }

  /** Whether every expected role and pending kind holds now (null: not a member / none pending). */
  private expectHolds(id: string, expect: GroupChange['expect']): boolean {
    for (const [userId, role] of Object.entries(expect?.roles ?? {})) {
      if ((this.s.roleOf.get(id, userId) ?? null) !== role) return false;
    }
    for (const [userId, kind] of Object.entries(expect?.pending ?? {})) {
      if ((this.s.pendingKindOf.get(id, userId) ?? null) !== kind) return false;
    }
    return true;
  }

  /** The additions that are not members yet, first mention of each user only. */
  private joiners(id: string, add: readonly { userId: string; role: GroupRole }[]): { userId: string; role: GroupRole }[] {
    const seen = new Set<string>();
    return add.filter(({ userId }) => !seen.has(userId) && seen.add(userId) && this.s.roleOf.get(id, userId) === undefined);
  }

  /**
   * Appends the change's notice to group `id`. It must be storable: a refusal (the sender is not
   * a member, a repeated clientMsgId) is the caller's bug, so it throws and nothing is written.
   */
  private appendNotice(id: string, notice: NewMessage, append: AppendInTransaction): Message {
    if (notice.conversationId !== id) throw new Error(`group notice for ${notice.conversationId} in a change of ${id}`);
    const [result] = append([notice]);
    if (result?.status !== 'stored') throw new Error(`group notice in ${id} was not stored: ${result?.status ?? 'no result'}`);
    return result.message;
  }
}

/** The group with the change's settings applied (undefined fields unchanged; a null avatar clears it). */
function withSettings(group: GroupRecord, settings: GroupChange['settings']): GroupRecord {
  if (settings === undefined) return group;
  const next = { ...group };
  if (settings.name !== undefined) next.name = settings.name;
  if (settings.avatarUrl !== undefined) next.avatarUrl = settings.avatarUrl;
  if (settings.description !== undefined) next.description = settings.description;
  if (settings.joinMode !== undefined) next.joinMode = settings.joinMode;
  if (settings.historyVisible !== undefined) next.historyVisible = settings.historyVisible;
  if (settings.ownerId !== undefined) next.ownerId = settings.ownerId;
  return next;
}
