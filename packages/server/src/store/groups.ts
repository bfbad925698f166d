import type { GroupRole, JoinMode, Message, UserEvent } from '@quickchat/protocol';
import type { NewMessage } from './conversations.js';
import type { NewUserEvent } from './relations.js';

/**
 * The groups part of the storage seam: a group's settings, its members' roles and floors, and
 * its pending invites and join requests. A group IS a conversation (`g:<id>`): its members are
 * the conversation's members, so messages, cursors and unread counts work as for DMs. Composed
 * into `Store` (see `types.ts`) and proven by `test/store-contract/groups.ts`.
 *
 * Who may do what is decided by the conversation-access seam (`services/access/`, with the role policy from `@quickchat/protocol`'s `group-rules.ts`);
 * the store applies each change atomically and guards only the invariants documented here.
 */
export interface GroupStore {
  /** The group, or null when there is none with this id. A dissolved group is returned with `dissolvedAt` set. */
  getGroup(conversationId: string): Promise<GroupRecord | null>;
  /** One member of a live group, or null (not a member, no such group, or dissolved). */
  getMember(conversationId: string, userId: string): Promise<GroupMemberRecord | null>;
  /** Members ordered by user id, those after `afterUserId` (exclusive), at most `limit`. */
  listMembers(conversationId: string, afterUserId: string | null, limit: number): Promise<GroupMemberRecord[]>;
  /** Every member's user id, ascending (for fan-out routing tables and admin notices). */
  listMemberIds(conversationId: string): Promise<string[]>;
  /** Members whose role is owner or admin, ascending. */
  listAdminIds(conversationId: string): Promise<string[]>;
  /** The live groups `userId` is a member of, ascending by id. */
  listGroupsOf(userId: string): Promise<string[]>;
  /** How many live groups `userId` owns. */
  countOwnedGroups(userId: string): Promise<number>;
  /** A pending invite or request of `userId` for the group, or null. */
  getPending(conversationId: string, userId: string): Promise<PendingRecord | null>;
  /** The group's pending entries of one kind, oldest first, at most `limit`. */
  listPending(conversationId: string, kind: PendingKind, limit: number): Promise<PendingRecord[]>;
  /** How many entries of one kind the group has pending. */
  countPending(conversationId: string, kind: PendingKind): Promise<number>;
  /** `userId`'s pending invites to live groups, newest first, at most `limit`. */
  listInvitesOf(userId: string, limit: number): Promise<PendingRecord[]>;
  /**
   * How many members other than `exceptUserId` have a read (and a delivered) cursor at or past
   * `seq`, and how many members other than `exceptUserId` there are.
   */
  countReadBy(conversationId: string, seq: number, exceptUserId: string): Promise<{ read: number; delivered: number; of: number }>;
  /**
   * Creates the group and its conversation with its creator as owner, the other `members` as
   * members, and `message` (the `created` notice, sent by the creator) as seq 1, in ONE
   * transaction with `events` and `pending`. Everyone starts with floor 0 and both cursors at 0
   * (the creator's own notice is not unread to them).
   */
  createGroup(group: NewGroup): Promise<GroupChangeResult>;
  /**
   * Applies a change to a live group in ONE transaction: settings, members added, roles set,
   * members removed, pending entries put and dropped, `message` appended (it gets the group's
   * next seq, as any message), `events` appended to their owners' logs. Order inside: settings,
   * additions, roles, the message, removals, pending, events; so a joiner's floor can sit just
   * below its own notice, and a leaver's own notice is appended while they are still a member.
   *
   * Refuses, writing nothing, with:
   * - `no_group` when the group is missing or dissolved;
   * - `full` when the additions would take the members past `maxMembers`;
   * - `stale` when `expect` does not hold (another change won a race).
   *
   * An added member's floor is 0 when the group's history is visible to new members (as of the
   * settings after this change), else `message.seq - 1` (they see their own joining notice);
   * both cursors start at the floor. Adding an existing member or removing a non-member is
   * skipped, not an error. `dissolve` removes every member and pending entry after the message.
   */
  applyGroupChange(change: GroupChange): Promise<GroupChangeResult>;
}

/** A group's settings. */
export interface GroupSettings {
  name: string;
  avatarUrl: string | null;
  description: string;
  joinMode: JoinMode;
  historyVisible: boolean;
}

/** A stored group. */
export interface GroupRecord extends GroupSettings {
  /** The conversation id, `g:<id>`. */
  id: string;
  ownerId: string;
  memberCount: number;
  createdAt: number;
  /** Set once dissolved: the group then accepts nothing and services treat it as not found. */
  dissolvedAt: number | null;
}

/** One member of a group. */
export interface GroupMemberRecord {
  conversationId: string;
  userId: string;
  role: GroupRole;
  /** The member reads only messages with seq > floor. */
  floor: number;
  joinedAt: number;
}

/** `invite`: a member invited the user; `request`: the user asked to join. */
export type PendingKind = 'invite' | 'request';

/** A pending invite or join request; at most one per (group, user). */
export interface PendingRecord {
  conversationId: string;
  userId: string;
  kind: PendingKind;
  /** The inviter, or for a request the requester. */
  actorId: string;
  memo: string | null;
  createdAt: number;
}

/** A group to create. */
export interface NewGroup extends GroupSettings {
  /** A new `g:<id>`; an existing id is an error (ids are random). */
  id: string;
  ownerId: string;
  /** Added as members (not the owner; repeats ignored). */
  members: readonly string[];
  /** Invites to create with it. */
  pending: readonly PendingRecord[];
  /** The `created` notice, from the owner. */
  message: NewMessage;
  events: readonly NewUserEvent[];
  createdAt: number;
}

/** An atomic change to a live group; see {@link GroupStore.applyGroupChange}. */
export interface GroupChange {
  conversationId: string;
  /** Settings to change (and `ownerId` on a transfer). */
  settings?: Partial<GroupSettings> & { ownerId?: string };
  /** New members and their roles. */
  add?: readonly { userId: string; role: GroupRole }[];
  /** Members whose role changes. */
  roles?: readonly { userId: string; role: GroupRole }[];
  /** Members to remove. */
  remove?: readonly string[];
  /** Pending entries to create or replace. */
  putPending?: readonly PendingRecord[];
  /** Pending entries to delete, by user. */
  dropPending?: readonly string[];
  /** The system notice for this change. */
  message?: NewMessage;
  events?: readonly NewUserEvent[];
  /** Dissolve: after the message, every member and pending entry goes and `dissolvedAt` is set. */
  dissolve?: boolean;
  /** Refuse with `full` when additions would take the member count past this. */
  maxMembers?: number;
  /**
   * Refuse with `stale` unless, before the change: each listed user has exactly this role (null:
   * is not a member), and each listed pending entry exists with this kind (null: none exists).
   */
  expect?: {
    roles?: Readonly<Record<string, GroupRole | null>>;
    pending?: Readonly<Record<string, PendingKind | null>>;
  };
  at: number;
}

/** What a group change did. */
export type GroupChangeResult =
  | {
      status: 'applied';
      /** The group after the change (for a dissolve: as it was, with `dissolvedAt` set). */
      group: GroupRecord;
      /** The stored notice, with its seq; null when the change carried none. */
      message: Message | null;
      /** The events with their per-user seq, in the order given. */
      events: UserEvent[];
    }
  | { status: 'no_group' }
  | { status: 'full' }
  | { status: 'stale' };
