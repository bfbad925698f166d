import { z } from 'zod';
import { schemas } from '@quickchat/protocol/validate';
import { route, type Route } from '../http/routes.js';
import type { GroupService } from '../services/groups/group-service.js';
import type { MembershipService } from '../services/groups/membership.js';

/** `:groupId` is the group's conversation id, `g:<id>`. */
const groupParams = z.object({ groupId: schemas.groupId });
const memberParams = z.object({ groupId: schemas.groupId, userId: schemas.userId });

/**
 * Groups: settings, members, roles, invites and join requests. Every change is also a system
 * notice in the group's history and an `event` to each user it concerns (see docs/groups.md).
 */
export function groupRoutes(groups: GroupService, membership: MembershipService): Route[] {
  const tag = 'groups';
  return [
    route(
      { method: 'post', path: '/api/groups', tag, summary: 'Create a group: your friends named in `members` are added, anyone else is invited', auth: true, body: schemas.createGroupBody, response: schemas.createGroupResponse, status: 201, errors: [409] },
      ({ identity, body }) => groups.create(identity.userId, body),
    ),
    route(
      { method: 'get', path: '/api/group-invites', tag, summary: 'Your pending group invites, newest first', auth: true, response: schemas.myInvitesResponse },
      async ({ identity }) => ({ items: await membership.myInvites(identity.userId) }),
    ),
    route(
      { method: 'get', path: '/api/groups/:groupId', tag, summary: 'A group, for its members, invitees and requesters', auth: true, params: groupParams, response: schemas.groupInfo, errors: [404] },
      ({ identity, params }) => groups.info(identity.userId, params.groupId),
    ),
    route(
      { method: 'patch', path: '/api/groups/:groupId', tag, summary: 'Change settings (owners and admins; history visibility: the owner)', auth: true, params: groupParams, body: schemas.editGroupBody, response: schemas.groupInfo, errors: [403, 404, 409] },
      ({ identity, params, body }) => groups.edit(identity.userId, params.groupId, body),
    ),
    route(
      { method: 'delete', path: '/api/groups/:groupId', tag, summary: 'Dissolve the group (the owner)', auth: true, params: groupParams, errors: [403, 404, 409] },
      async ({ identity, params }) => void (await groups.dissolve(identity.userId, params.groupId)),
    ),
    route(
      { method: 'get', path: '/api/groups/:groupId/members', tag, summary: 'Members by user id; pass `next` as `after` for the next page', auth: true, params: groupParams, query: schemas.membersQuery, response: schemas.groupMembersResponse, errors: [404] },
      ({ identity, params, query }) => groups.members(identity.userId, params.groupId, query.after, query.limit),
    ),
    route(
      { method: 'post', path: '/api/groups/:groupId/members', tag, summary: 'Add your friends and invite anyone else', auth: true, params: groupParams, body: schemas.addMembersBody, response: schemas.membershipOutcome, errors: [403, 404, 409] },
      ({ identity, params, body }) => membership.add(identity.userId, params.groupId, body.userIds),
    ),
    route(
      { method: 'delete', path: '/api/groups/:groupId/members/:userId', tag, summary: 'Remove a member of a lower role (yourself: leave)', auth: true, params: memberParams, errors: [403, 404, 409] },
      async ({ identity, params }) => void (await membership.remove(identity.userId, params.groupId, params.userId)),
    ),
    route(
      { method: 'post', path: '/api/groups/:groupId/leave', tag, summary: 'Leave the group (the owner must transfer first)', auth: true, params: groupParams, errors: [403, 404, 409] },
      async ({ identity, params }) => void (await membership.leave(identity.userId, params.groupId)),
    ),
    route(
      { method: 'put', path: '/api/groups/:groupId/members/:userId/role', tag, summary: 'Make a member an admin or an admin a member (the owner)', auth: true, params: memberParams, body: schemas.setRoleBody, errors: [403, 404, 409] },
      async ({ identity, params, body }) => void (await groups.setRole(identity.userId, params.groupId, params.userId, body.role)),
    ),
    route(
      { method: 'post', path: '/api/groups/:groupId/transfer', tag, summary: 'Hand ownership to a member; you become an admin', auth: true, params: groupParams, body: schemas.transferBody, errors: [403, 404, 409] },
      async ({ identity, params, body }) => void (await groups.transfer(identity.userId, params.groupId, body.userId)),
    ),
    route(
      { method: 'post', path: '/api/groups/:groupId/requests', tag, summary: 'Ask to join a group whose join mode is "request" (joins at once if you hold an invite)', auth: true, params: groupParams, body: schemas.joinRequestBody, response: schemas.joinRequestResponse, errors: [404, 409] },
      ({ identity, params, body }) => membership.requestToJoin(identity.userId, params.groupId, body.memo),
    ),
    route(
      { method: 'delete', path: '/api/groups/:groupId/requests', tag, summary: 'Withdraw your join request', auth: true, params: groupParams, errors: [404, 409] },
      async ({ identity, params }) => void (await membership.cancelRequest(identity.userId, params.groupId)),
    ),
    route(
      { method: 'get', path: '/api/groups/:groupId/requests', tag, summary: 'Pending join requests (owners and admins)', auth: true, params: groupParams, response: schemas.joinRequestsResponse, errors: [403, 404] },
      async ({ identity, params }) => ({ items: await membership.requests(identity.userId, params.groupId) }),
    ),
    route(
      { method: 'post', path: '/api/groups/:groupId/requests/:userId/approve', tag, summary: 'Approve a join request (owners and admins)', auth: true, params: memberParams, errors: [403, 404, 409] },
      async ({ identity, params }) => void (await membership.approve(identity.userId, params.groupId, params.userId)),
    ),
    route(
      { method: 'post', path: '/api/groups/:groupId/requests/:userId/decline', tag, summary: 'Decline a join request (owners and admins)', auth: true, params: memberParams, errors: [403, 404, 409] },
      async ({ identity, params }) => void (await membership.decline(identity.userId, params.groupId, params.userId)),
    ),
    route(
      { method: 'get', path: '/api/groups/:groupId/invites', tag, summary: 'Pending invites (owners and admins)', auth: true, params: groupParams, response: schemas.joinRequestsResponse, errors: [403, 404] },
      async ({ identity, params }) => ({ items: await membership.invitesOf(identity.userId, params.groupId) }),
    ),
    route(
      { method: 'delete', path: '/api/groups/:groupId/invites/:userId', tag, summary: 'Withdraw an invite (owners, admins, or whoever sent it)', auth: true, params: memberParams, errors: [403, 404, 409] },
      async ({ identity, params }) => void (await membership.cancelInvite(identity.userId, params.groupId, params.userId)),
    ),
    route(
      { method: 'post', path: '/api/groups/:groupId/invites/accept', tag, summary: 'Accept your invite and join', auth: true, params: groupParams, errors: [404, 409] },
      async ({ identity, params }) => void (await membership.acceptInvite(identity.userId, params.groupId)),
    ),
    route(
      { method: 'post', path: '/api/groups/:groupId/invites/decline', tag, summary: 'Decline your invite', auth: true, params: groupParams, errors: [404, 409] },
      async ({ identity, params }) => void (await membership.declineInvite(identity.userId, params.groupId)),
    ),
  ];
}
