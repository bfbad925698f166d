import type { ErrorFrame, PresenceEventFrame, PresenceState, ServerFrame } from '@quickchat/protocol';
import { parseServerFrame, ProtocolError } from '@quickchat/protocol/validate';
import type { RawClient } from './ws-client.js';

/** Matches `presence` frames. */
export const isPresence = (f: ServerFrame): f is PresenceEventFrame => f.type === 'presence';

/** The `presence` frames a client received so far, each checked against the protocol schema. */
export function presenceFrames(client: RawClient): PresenceEventFrame[] {
  return client.frames.filter(isPresence).map((f) => {
    const parsed = parseServerFrame(JSON.stringify(f));
    if (parsed instanceof ProtocolError || parsed.type !== 'presence') throw new Error(`invalid presence frame: ${JSON.stringify(f)}`);
    return parsed;
  });
}

/** Every state about `userId` the client was told so far, in order. */
export function statesOf(client: RawClient, userId: string): PresenceState[] {
  return presenceFrames(client).flatMap((f) => f.users.filter((u) => u.userId === userId));
}

/** Waits until the client is told `userId` has `status` (in a frame received after the ones `next` consumed). */
export async function waitForState(client: RawClient, userId: string, status: PresenceState['status']): Promise<PresenceState> {
  const frame = await client.next<PresenceEventFrame>((f) => isPresence(f) && f.users.some((u) => u.userId === userId && u.status === status));
  return frame.users.find((u) => u.userId === userId && u.status === status)!;
}

let requestId = 0;

/** Sends a `presence` frame and resolves with its reply (the `presence` frame or `error` with the same id). */
export async function presenceRequest(client: RawClient, body: { subscribe?: unknown; unsubscribe?: unknown }): Promise<PresenceEventFrame | ErrorFrame> {
  const id = `pr-${++requestId}`;
  client.send({ type: 'presence', id, ...body });
  return client.next<PresenceEventFrame | ErrorFrame>((f) => (f.type === 'presence' || f.type === 'error') && f.id === id);
}

/** Subscribes and returns the states of the reply; throws on an error reply. */
export async function subscribe(client: RawClient, userIds: string[]): Promise<PresenceState[]> {
  const reply = await presenceRequest(client, { subscribe: userIds });
  if (reply.type !== 'presence') throw new Error(`subscribe failed: ${JSON.stringify(reply)}`);
  return reply.users;
}
