import type { ServerFrame } from '@quickchat/protocol';
import type { Bus } from '../bus/types.js';
import { groupTopic, userTopic } from '../bus/topics.js';
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

/**
 * Publishes an already-serialized frame to every session of `userId` but `exceptSessionId`, on
 * whichever nodes hold them (a call's state as the user's other devices see it).
 */
export function publishJsonToOtherSessions(bus: Bus, userId: string, exceptSessionId: string, json: string): void {
  bus.publish(userTopic(userId), { kind: 'frame', json, except: exceptSessionId });
}

/** Ends sessions of `userId` on every node (see {@link Revocation}). */
export function publishRevocation(bus: Bus, userId: string, familyId?: string): void {
  const message: Revocation = familyId === undefined ? { kind: 'revoke' } : { kind: 'revoke', familyId };
  bus.publish(userTopic(userId), message);
}

/**
 * Publishes an already-serialized frame ONCE on a group's topic; each node forwards it to the
 * sessions of the members it holds, skipping `except` (a user whose copy travels on their own
 * topic). `seq`: the stored message's, for a frame that carries one (nodes holding the frames of a
 * leaving member keep those up to the member's removal).
 */
export function publishJsonToGroup(bus: Bus, conversationId: string, json: string, { except, seq }: { except?: string; seq?: number } = {}): void {
  bus.publish(groupTopic(conversationId), { kind: 'group-frame', json, ...(except !== undefined ? { except } : {}), ...(seq !== undefined ? { seq } : {}) });
}

/** Tells the nodes holding `userId`'s sessions to start or stop routing a group's frames to them. */
export function publishMembership(bus: Bus, userId: string, conversationId: string, joined: boolean): void {
  bus.publish(userTopic(userId), { kind: 'membership', conversationId, joined });
}
