import { groupRefusal, outranks, type GroupInfo, type GroupMember, type GroupOperation } from '@quickchat/sdk/groups';

/** The parts of a group's info that decide what the signed-in user may do in it. */
export type RoleContext = Pick<GroupInfo, 'myRole' | 'joinMode'>;

/**
 * Whether the signed-in user's role allows `operation` in the group, by the role policy the
 * server enforces (shared through `@quickchat/protocol`, re-exported by `@quickchat/sdk/groups`).
 * Controls a user may not use are not shown; the server still decides, and its refusals are shown.
 */
export function may(group: RoleContext, operation: GroupOperation): boolean {
  return group.myRole !== null && groupRefusal(operation, group.myRole, group.joinMode) === null;
}

/** What the signed-in user (`me`) may do to one member: change their role, make them owner, remove them. */
export interface MemberControls {
  /** Make a member an admin, or an admin a member (owner only; never the owner). */
  setRole: boolean;
  /** Hand the group to them (owner only, to someone else). */
  transfer: boolean;
  /** Remove them: allowed to remove at all, and of a strictly higher role than theirs. */
  remove: boolean;
}

/** The controls the signed-in user `me` gets on `member`'s row. Nothing on their own row. */
export function memberControls(group: RoleContext, member: GroupMember, me: string): MemberControls {
  const other = member.user.id !== me;
  return {
    setRole: other && member.role !== 'owner' && may(group, 'setRole'),
    transfer: other && may(group, 'transfer'),
    remove: other && may(group, 'remove') && group.myRole !== null && outranks(group.myRole, member.role),
  };
}
