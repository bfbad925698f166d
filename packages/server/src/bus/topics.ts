/** Topic carrying serialized server frames for every session of a user. */
export const userTopic = (userId: string): string => `u:${userId}`;
/** Topic carrying control messages (e.g. revocation) for a user's sessions. */
export const controlTopic = (userId: string): string => `c:${userId}`;

/** Control messages sent on {@link controlTopic}. */
export type ControlMessage =
  /** Close sessions authenticated with this refresh-token family (logout, reuse). Omit to close all. */
  { op: 'revoke'; familyId?: string };
