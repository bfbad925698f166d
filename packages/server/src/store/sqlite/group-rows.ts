import type { GroupRole, JoinMode } from '@quickchat/protocol';
import type { GroupMemberRecord, GroupRecord, PendingKind, PendingRecord } from '../types.js';

/* The groups tables' rows as SQLite returns them, and their mappers (see `rows.ts` for the rest). */

/** A `groups` row. */
export interface GroupRow {
  id: string;
  name: string;
  avatar_url: string | null;
  description: string;
  join_mode: JoinMode;
  history_visible: 0 | 1;
  owner_id: string;
  member_count: number;
  created_at: number;
  dissolved_at: number | null;
}

/** A group member's `conversation_members` columns (role is never NULL in a group). */
export interface GroupMemberRow { conversation_id: string; user_id: string; role: GroupRole; floor: number; joined_at: number; }

/** A `group_pending` row. */
export interface PendingRow { conversation_id: string; user_id: string; kind: PendingKind; actor_id: string; memo: string | null; created_at: number; }

/** The `groups` columns, in {@link GroupRow} order. */
export const GROUP_COLS = 'id, name, avatar_url, description, join_mode, history_visible, owner_id, member_count, created_at, dissolved_at';
/** A group member's columns, in {@link GroupMemberRow} order. */
export const GROUP_MEMBER_COLS = 'conversation_id, user_id, role, floor, joined_at';
/** The `group_pending` columns, in {@link PendingRow} order. */
export const PENDING_COLS = 'conversation_id, user_id, kind, actor_id, memo, created_at';

/** A group row as a record. */
export function toGroup(r: GroupRow): GroupRecord {
  return {
    id: r.id,
    name: r.name,
    avatarUrl: r.avatar_url,
    description: r.description,
    joinMode: r.join_mode,
    historyVisible: r.history_visible === 1,
    ownerId: r.owner_id,
    memberCount: r.member_count,
    createdAt: r.created_at,
    dissolvedAt: r.dissolved_at,
  };
}

/** A group record as a row. */
export function fromGroup(g: GroupRecord): GroupRow {
  return {
    id: g.id,
    name: g.name,
    avatar_url: g.avatarUrl,
    description: g.description,
    join_mode: g.joinMode,
    history_visible: g.historyVisible ? 1 : 0,
    owner_id: g.ownerId,
    member_count: g.memberCount,
    created_at: g.createdAt,
    dissolved_at: g.dissolvedAt,
  };
}

/** A member row as a record. */
export function toGroupMember(r: GroupMemberRow): GroupMemberRecord {
  return { conversationId: r.conversation_id, userId: r.user_id, role: r.role, floor: r.floor, joinedAt: r.joined_at };
}

/** A pending row as a record. */
export function toPending(r: PendingRow): PendingRecord {
  return { conversationId: r.conversation_id, userId: r.user_id, kind: r.kind, actorId: r.actor_id, memo: r.memo, createdAt: r.created_at };
}

/** A pending record as a row of group `conversationId` (the group being changed, whatever the record says). */
export function fromPending(p: PendingRecord, conversationId: string): PendingRow {
  return { conversation_id: conversationId, user_id: p.userId, kind: p.kind, actor_id: p.actorId, memo: p.memo, created_at: p.createdAt };
}
