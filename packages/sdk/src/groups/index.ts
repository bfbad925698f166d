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
