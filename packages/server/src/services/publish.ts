import type { ServerFrame } from '@quickchat/protocol';
import type { Bus } from '../bus/types.js';
import { userTopic, controlTopic, type ControlMessage } from '../bus/topics.js';

/** Serializes a frame once and publishes the same string to every listed user's sessions. */
export function publishToUsers(bus: Bus, userIds: Iterable<string>, frame: ServerFrame): void {
  publishJsonToUsers(bus, userIds, JSON.stringify(frame));
}

/** Publishes an already-serialized frame to every listed user's sessions, each user once. */
export function publishJsonToUsers(bus: Bus, userIds: Iterable<string>, payload: string): void {
  for (const userId of new Set(userIds)) bus.publish(userTopic(userId), payload);
}

/** Sends a control message to every node holding sessions of `userId`. */
export function publishControl(bus: Bus, userId: string, message: ControlMessage): void {
  bus.publish(controlTopic(userId), JSON.stringify(message));
}
