import type { PresenceState } from '@quickchat/protocol';

/** What a `changed` event tells: one user's presence, as you may see it, now and before. */
export interface PresenceChangedContext {
  userId: string;
  /** The state now. `unknown`: you may not see it (not a friend or co-member, or they hide it). */
  state: PresenceState;
  /** The state before, or undefined when nothing was known of the user yet. */
  previous: PresenceState | undefined;
}

/**
 * The events of a `PresenceManager` (`presenceOf(client).on(name, listener)`). Each listener
 * receives one context object. The manager's `states` store is updated before they fire.
 */
export interface PresenceEvents {
  /**
   * A user's presence changed as you see it: they came online, went offline (with `lastSeenAt`),
   * hid it or showed it again, or you started or stopped being allowed to see it. Pushed by the
   * server (coalesced, several users at a time) or answered to `watch`.
   */
  changed: (context: PresenceChangedContext) => void;
}
