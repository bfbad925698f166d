import type { GroupRole, JoinMode } from './types.js';

/**
 * The group role policy: who may do what in a group. The one copy, shared by the server (which
 * enforces it: `services/access/`) and clients (the widget shows only the controls a member's
 * role allows). docs/groups.md renders it.
 */

/**
 * Every group operation a member may attempt. Operations of non-members (asking to join,
 * answering an invite) are decided by pending entries, not roles.
 */
export type GroupOperation =
  /** Read history, info and members; send; receipts; typing. */
  | 'participate'
  /** Add friends directly and invite anyone else. */
  | 'add'
  /** Change name, avatar, description and join mode. */
  | 'edit'
  /** Change whether new members see the history from before they joined. */
  | 'editHistoryVisibility'
  /** See and answer join requests; see and withdraw invites. */
  | 'moderate'
  /** Remove a member of a lower role. */
  | 'remove'
  /** Make a member an admin, or an admin a member. */
  | 'setRole'
  /** Hand ownership to another member. */
  | 'transfer'
  /** End the group for everyone. */
  | 'dissolve'
  /** Leave the group (an owner must transfer first). */
  | 'leave';

const RANK: Readonly<Record<GroupRole, number>> = { member: 1, admin: 2, owner: 3 };

/**
 * The lowest role allowed each operation. `add` depends on the join mode: in an `invite` group
 * every member may add and invite; in `request` and `closed` groups only owners and admins.
 * This table is the whole role policy.
 */
export function minimumRole(operation: GroupOperation, joinMode: JoinMode): GroupRole {
  switch (operation) {
    case 'participate':
    case 'leave':
      return 'member';
    case 'add':
      return joinMode === 'invite' ? 'member' : 'admin';
    case 'edit':
    case 'moderate':
    case 'remove':
      return 'admin';
    case 'editHistoryVisibility':
    case 'setRole':
    case 'transfer':
    case 'dissolve':
      return 'owner';
  }
}

/** Why a member of `role` may not do `operation` in a group of `joinMode`, or null when they may. */
export function groupRefusal(operation: GroupOperation, role: GroupRole, joinMode: JoinMode): string | null {
  if (operation === 'leave' && role === 'owner') return 'the owner cannot leave; transfer ownership first (or dissolve the group)';
  const needed = minimumRole(operation, joinMode);
  if (RANK[role] >= RANK[needed]) return null;
  return `only ${needed === 'owner' ? 'the owner' : 'owners and admins'} may do this in this group`;
}

/** Whether a member of role `actor` may remove one of role `target`: only from a strictly lower role. */
export function outranks(actor: GroupRole, target: GroupRole): boolean {
  return RANK[actor] > RANK[target];
}

const ROLES: readonly GroupRole[] = ['member', 'admin', 'owner'];

/**
 * Whose messages each role may delete besides its own: the authors it could remove, that is
 * those of a strictly lower role, for the roles allowed to remove members at all. Derived from
 * {@link minimumRole} and {@link outranks}, so deleting and removing follow one rule.
 */
export const MESSAGE_MODERATION: Readonly<Record<GroupRole, readonly GroupRole[]>> = {
  member: /* @__PURE__ */ deletableBy('member'),
  admin: /* @__PURE__ */ deletableBy('admin'),
  owner: /* @__PURE__ */ deletableBy('owner'),
};

function deletableBy(actor: GroupRole): readonly GroupRole[] {
  return RANK[actor] >= RANK[minimumRole('remove', 'invite')] ? ROLES.filter((author) => outranks(actor, author)) : [];
}
