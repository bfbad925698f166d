import type { ServerFrame } from '@quickchat/protocol';
import type { Bus } from '../bus/types.js';
import { userTopic } from '../bus/topics.js';
import type { Revocation } from '../bus/messages.js';

/** Serializes a frame once and publishes the same string to every listed user's sessions. */
export function publishToUsers(bus: Bus, userIds: Iterable<string>, frame: ServerFrame): void {
  publishJsonToUsers(bus, userIds, JSON.stringify(frame));
}

/** Publishes an already-serialized frame to every listed user's sessions, each user once. */
export function publishJsonToUsers(bus: Bus, userIds: Iterable<string>, json: string): void {
  for (const userId of new Set(userIds)) bus.publish(userTopic(userId), { kind: 'frame', json });
}

/**
 * Publishes an already-serialized frame to ONE session of `userId`, on whichever node holds it.
 * It travels on the user's topic, so it stays in order with what was published to all of that
 * user's sessions before it.
 */
export function publishJsonToSession(bus: Bus, userId: string, sessionId: string, json: string): void {
  bus.publish(userTopic(userId), { kind: 'frame', json, to: sessionId });
}

/** Ends sessions of `userId` on every node (see {@link Revocation}). */
export function publishRevocation(bus: Bus, userId: string, familyId?: string): void {
  const message: Revocation = familyId === undefined ? { kind: 'revoke' } : { kind: 'revoke', familyId };
  bus.publish(userTopic(userId), message);
}
