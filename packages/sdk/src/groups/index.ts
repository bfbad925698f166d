/**
 * `@quickchat/sdk/groups`: group actions and typed group events for a `ChatClient`, an entry of
 * its own so that apps without groups don't load it.
 *
 * ```ts
 * import { createClient } from '@quickchat/sdk';
 * import { groupsOf } from '@quickchat/sdk/groups';
 * const groups = groupsOf(client);
 * const { group } = await groups.create({ name: 'Climbing', members: [friendId] });
 * client.send(group.id, 'hello all');
 * groups.on('invited', ({ groupId, group }) => showInvite(groupId, group));
 * ```
 */
export { groupsOf, GroupsManager, type MembersPage, type MyInvite } from './manager.js';
export type { GroupEvents, GroupEventContext } from './events.js';
/** Whose messages each group role may delete besides its own: the roles it outranks, for roles that may remove members. */
export { MESSAGE_MODERATION } from '@quickchat/protocol';
/** The role policy the server enforces (who may do what), for showing only the controls a member's role allows. */
export { groupRefusal, minimumRole, outranks, type GroupOperation } from '@quickchat/protocol';
export type {
  CreateGroupBody,
  CreateGroupResponse,
  EditGroupBody,
  GroupBrief,
  GroupChange,
  GroupInfo,
  GroupMember,
  GroupMembersResponse,
  GroupRole,
  JoinMode,
  JoinRequestResponse,
  MembershipOutcome,
  PendingJoin,
  ReadByResponse,
} from '@quickchat/protocol';
