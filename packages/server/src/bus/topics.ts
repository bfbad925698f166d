import type { BusMessage, BusMessageKind, FrameDelivery, RelationsChanged, Revocation } from './messages.js';

/**
 * A bus topic and the messages it may carry. The type parameter ties `publish` and `subscribe`
 * to the right message types; `kinds` lets a bus that receives serialized messages refuse a
 * message of the wrong kind for its topic.
 */
export interface Topic<M extends BusMessage> {
  readonly name: string;
  readonly kinds: readonly M['kind'][];
}

const USER_KINDS: readonly (FrameDelivery | Revocation)['kind'][] = ['frame', 'revoke'];

/**
 * Everything for one user's sessions: frames to forward and revocations. One topic per user, so
 * a revocation is ordered with the frames around it, and a node subscribes only while it holds
 * at least one of that user's sessions.
 */
export function userTopic(userId: string): Topic<FrameDelivery | Revocation> {
  return { name: `u:${userId}`, kinds: USER_KINDS };
}

/** Every node subscribes at start: relation changes that invalidate cached DM permissions. */
export const RELATIONS_TOPIC: Topic<RelationsChanged> = { name: 'rel', kinds: ['relations'] };

/** Whether a message of `kind` may travel on `topic`. */
export function topicCarries(topic: Topic<BusMessage>, kind: BusMessageKind): boolean {
  return (topic.kinds as readonly BusMessageKind[]).includes(kind);
}
