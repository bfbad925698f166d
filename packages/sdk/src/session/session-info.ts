import type { PublicUser, ReadyFrame } from '@quickchat/protocol';
import type { RestClient } from '../api/rest.js';
import type { FrameHook } from '../extension/frame-hook.js';
import { createStore, type ReadableStore } from '../stores/store.js';

/** The limits a server announces in `ready`: largest frame (bytes), longest text (UTF-16 units), messages per second. */
export type ServerLimits = ReadyFrame['limits'];

/** What the server said about the session, and who is signed in: see {@link createSessionInfo}. */
export interface SessionInfo {
  /** See `ChatClient.limits`. */
  readonly limits: ReadableStore<ServerLimits | null>;
  /** See `ChatClient.user`. */
  readonly user: ReadableStore<PublicUser | null>;
  /** The protocol version of the last `ready`; null before the first. */
  protocol(): number | null;
  /** The longest text the server accepts; unknown (Infinity: the server decides) before the first `ready`. */
  maxTextLength(): number;
}

/**
 * Takes `ready` frames: records the limits and protocol version the server announced, and
 * fetches the signed-in user's profile once per user; later changes arrive as `userUpdated`.
 */
export function createSessionInfo(hook: FrameHook, rest: RestClient, fail: (err: unknown) => void): SessionInfo {
  const limits = createStore<ServerLimits | null>(null);
  const user = createStore<PublicUser | null>(null);
  let protocol: number | null = null;
  hook.onFrame('ready', (frame) => {
    protocol = frame.protocol;
    limits.update(() => frame.limits);
    if (user.getState()?.id !== frame.userId) void rest.me().then((u) => user.update(() => u), fail);
  });
  // Your profile changed on another device (or this one): `profile` user events.
  hook.on('userUpdated', ({ user: u }) => u.id == hook.userId && user.update(() => u));
  return { limits, user, protocol: () => protocol, maxTextLength: () => limits.getState()?.maxTextLength ?? Infinity };
}
