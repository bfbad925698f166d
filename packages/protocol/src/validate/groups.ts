import { z } from 'zod';
import { PROTOCOL_LIMITS as L } from '../limits.js';
import * as p from './primitives.js';
import { publicUser } from './frames.js';

// ---------- request bodies ----------

/** Users named by one create or add request: distinct, at most 100. */
const userIds = z
  .array(p.userId)
  .max(L.maxUsersPerGroupRequest)
  .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a user');

/**
 * POST /api/groups. Initial members who are the creator's friends are added; anyone else named is
 * invited. `joinMode` defaults to `invite`, `historyVisible` to false.
 */
export const createGroupBody = z.object({
  name: p.groupName,
  avatarUrl: p.avatarUrl.optional(),
  description: p.groupDescription.optional(),
  joinMode: p.joinMode.optional(),
  historyVisible: z.boolean().optional(),
  members: userIds.optional(),
});

/** PATCH /api/groups/:groupId: any subset of the settings. */
export const editGroupBody = z
  .object({
    name: p.groupName.optional(),
    avatarUrl: p.avatarUrl.optional(),
    description: p.groupDescription.optional(),
    joinMode: p.joinMode.optional(),
    historyVisible: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'needs at least one field');

/** POST /api/groups/:groupId/members: add friends, invite anyone else. */
export const addMembersBody = z.object({ userIds: userIds.refine((ids) => ids.length > 0, 'needs at least one user') });

/** PUT /api/groups/:groupId/members/:userId/role. Ownership moves only by transfer. */
export const setRoleBody = z.object({ role: z.enum(['admin', 'member']) });

/** POST /api/groups/:groupId/transfer: hand ownership to a member (the owner becomes an admin). */
export const transferBody = z.object({ userId: p.userId });

/** POST /api/groups/:groupId/requests: ask to join a group whose join mode is `request`. */
export const joinRequestBody = z.object({ memo: p.memo.optional() });

/** GET /api/groups/:groupId/members: members ordered by user id, after `after`. */
export const membersQuery = z.object({
  after: p.userId.optional(),
  limit: p.queryNumber(z.int().min(1).max(L.maxMembersPageSize)).optional(),
});

/** GET /api/conversations/:conversationId/read-by */
export const readByQuery = z.object({ seq: p.queryNumber(p.seq.min(1)) });

// ---------- response bodies ----------

/** A group as members, invitees and requesters see it. */
export const groupInfo = z.object({
  /** The group's conversation id (`g:<id>`), used everywhere a group is named. */
  id: z.string(),
  name: z.string(),
  avatarUrl: z.string().nullable(),
  description: z.string(),
  joinMode: p.joinMode,
  /** New members read the whole history (true) or only from their joining (false). */
  historyVisible: z.boolean(),
  ownerId: z.string(),
  memberCount: z.int().nonnegative(),
  createdAt: z.number(),
  /** The viewer's role; null when the viewer is not a member (an invitee or a requester). */
  myRole: p.groupRole.nullable(),
});

/** What became of each user named by a create or add request. */
export const membershipOutcome = z.object({
  /** Added as members (the actor's friends). */
  added: z.array(z.string()),
  /** Invited (anyone else); they accept or decline. */
  invited: z.array(z.string()),
  /** Already members, or already invited. */
  skipped: z.array(z.string()),
  /** Not added: no such user, or one who blocks the actor or is blocked by them. */
  refused: z.array(z.string()),
});

export const createGroupResponse = z.object({ group: groupInfo, outcome: membershipOutcome });

/** One member. */
export const groupMember = z.object({ user: publicUser, role: p.groupRole, joinedAt: z.number() });
/** A page of members; pass `next` as `after` for the following page (null: the last page). */
export const groupMembersResponse = z.object({ items: z.array(groupMember), next: z.string().nullable() });

/** A pending join request (for owners and admins) or invite (for the invitee). */
export const pendingJoin = z.object({
  user: publicUser,
  kind: z.enum(['request', 'invite']),
  /** The requester's memo. */
  memo: z.string().nullable(),
  /** The inviter, or the requester. */
  actorId: z.string(),
  at: z.number(),
});
export const joinRequestsResponse = z.object({ items: z.array(pendingJoin) });

/** GET /api/group-invites: the viewer's pending invites, newest first. */
export const myInvitesResponse = z.object({
  items: z.array(z.object({ group: groupInfo, inviterId: z.string(), at: z.number() })),
});

/** How many members other than the author have read / received a message. */
export const readByResponse = z.object({
  seq: p.seq,
  read: z.int().nonnegative(),
  delivered: z.int().nonnegative(),
  /** Members other than the message's author. */
  of: z.int().nonnegative(),
});

/** Reply to a join request: pending, or joined at once (the requester held an invite). */
export const joinRequestResponse = z.object({ status: z.enum(['requested', 'joined']) });
