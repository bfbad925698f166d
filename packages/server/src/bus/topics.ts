/** Topic carrying serialized server frames for every session of a user. */
export const userTopic = (userId: string): string => `u:${userId}`;
/** Topic carrying control messages (e.g. revocation) for a user's sessions. */
export const controlTopic = (userId: string): string => `c:${userId}`;

/** Control messages sent on {@link controlTopic}. */
export type ControlMessage =
  /** Close sessions authenticated with this refresh-token family (logout, reuse). Omit to close all. */
  { op: 'revoke'; familyId?: string };
/**
 * Topic every node subscribes to at startup: a relation (friendship or block) changed between
 * the listed pairs of users, so cached DM permissions for them must be dropped. Payload:
 * {@link RelationInvalidation} as JSON.
 */
export const RELATION_TOPIC = 'rel';

/** Payload of {@link RELATION_TOPIC}: unordered pairs of user ids whose relation changed. */
export interface RelationInvalidation {
  pairs: [string, string][];
}
