import type { BusMessage, BusMessageKind, CallForward, CallSessionClosed, FrameDelivery, GroupChanged, GroupFrame, GroupLeaving, GroupLeft, MembershipChanged, RelationsChanged, Revocation } from './messages.js';

/**
 * A bus topic and the messages it may carry. The type parameter ties `publish` and `subscribe`
 * to the right message types; `kinds` lets a bus that receives serialized messages refuse a
 * message of the wrong kind for its topic.
 */
export interface Topic<M extends BusMessage> {
  readonly name: string;
  readonly kinds: readonly M['kind'][];
}

/** What travels on a user's topic. */
export type UserTopicMessage = FrameDelivery | Revocation | MembershipChanged;

const USER_KINDS: readonly UserTopicMessage['kind'][] = ['frame', 'revoke', 'membership'];

/**
 * Everything for one user's sessions: frames to forward, revocations and group membership
 * changes. One topic per user, so these are ordered with the frames around them, and a node
 * subscribes only while it holds at least one of that user's sessions.
 */
export function userTopic(userId: string): Topic<UserTopicMessage> {
  return { name: `u:${userId}`, kinds: USER_KINDS };
}

/** What travels on a group's topic: its frames, and the leaving of members, in order with them. */
export type GroupTopicMessage = GroupFrame | GroupLeaving | GroupLeft;

const GROUP_KINDS: readonly GroupTopicMessage['kind'][] = ['group-frame', 'group-leaving', 'group-left'];

/**
 * A group's frames, published once per frame whatever its size. A node subscribes while it holds
 * a session of at least one member, and forwards each frame to its local members' sessions.
 */
export function groupTopic(conversationId: string): Topic<GroupTopicMessage> {
  return { name: `g:${conversationId}`, kinds: GROUP_KINDS };
}

/** What travels on a node's own topic. */
export type NodeTopicMessage = CallForward | CallSessionClosed;

const NODE_KINDS: readonly NodeTopicMessage['kind'][] = ['call-forward', 'call-session-closed'];

/**
 * What one node must handle itself: frames about the calls it runs, from sessions on other nodes.
 * Each node subscribes to its own at start.
 */
export function nodeTopic(nodeId: string): Topic<NodeTopicMessage> {
  return { name: `n:${nodeId}`, kinds: NODE_KINDS };
}

/** Every node subscribes at start: group changes that invalidate cached memberships and settings. */
export const GROUPS_TOPIC: Topic<GroupChanged> = { name: 'grp', kinds: ['group-changed'] };

/** Every node subscribes at start: relation changes that invalidate cached DM permissions. */
export const RELATIONS_TOPIC: Topic<RelationsChanged> = { name: 'rel', kinds: ['relations'] };

/** Whether a message of `kind` may travel on `topic`. */
export function topicCarries(topic: Topic<BusMessage>, kind: BusMessageKind): boolean {
  return (topic.kinds as readonly BusMessageKind[]).includes(kind);
}
