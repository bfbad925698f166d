import type { CallEventFrame, PublicUser, UserEvent } from '@quickchat/protocol';
import type { QuickchatError } from './errors.js';
import type { StateChange } from './connection/state.js';
import type { LocalMessage } from './stores/state.js';

/**
 * Every event a `ChatClient` emits. Each listener receives one context object.
 * Subscribe with `client.on(name, listener)`; it returns the function that unsubscribes.
 */
export interface ClientEvents {
  /** The connection changed state (see `ConnectionState`). */
  connectionStateChanged: (context: StateChange) => void;
  /**
   * The session is authenticated and catch-up finished; `backfilled` counts messages fetched over
   * REST. `eventsLimited`: the server had more user events than it sends at once and skipped some
   * (what they changed must be fetched again, as `friendsOf(client)` does with its lists).
   */
  synced: (context: { userId: string; conversations: number; backfilled: number; eventsLimited: boolean }) => void;
  /**
   * A stored message surfaced: each message exactly once per client, in seq order within its
   * conversation (own messages included, once the server stored them). History loaded with
   * `loadOlder()` is not re-announced.
   */
  message: (context: { message: LocalMessage }) => void;
  /** A loaded message changed (own message acked, delivered, read, or failed). */
  messageUpdated: (context: { message: LocalMessage }) => void;
  /** A member's delivered/read cursor moved. */
  receipt: (context: { conversationId: string; userId: string; delivered: number; read: number }) => void;
  /** A member started or stopped typing. */
  typing: (context: { conversationId: string; userId: string; active: boolean }) => void;
  /** Your friendships or blocks changed (live or replayed by sync). `friendsOf(client)` refetches its lists. */
  relationChanged: (context: { event: Exclude<UserEvent, { kind: 'profile' | 'group' }> }) => void;
  /**
   * Something happened to you about a group, or (for its owner and admins) to a join request,
   * live or replayed by sync: see `GroupChange`. The conversation store is already updated (a
   * group you left, were removed from, or that was dissolved is `left`; one you joined is being
   * loaded). `groupsOf(client)` from `@quickchat/sdk/groups` re-emits these as typed events.
   */
  groupChanged: (context: { event: GroupUserEvent }) => void;
  /**
   * Someone whose profile you see (a friend, a pending request, or you on another device)
   * changed it, live or replayed by sync. `client.user` is already updated, and so is
   * `friendsOf(client).store` (from `@quickchat/sdk/friends`) when the app uses it.
   */
  userUpdated: (context: { user: PublicUser }) => void;
  /**
   * A call you are part of changed: it rings (on every device of the callee), was answered (on
   * this device when `here`, else elsewhere), connected, or ended (`outcome`). The core emits it
   * so an app can show an incoming call before it loads the calls code; answering needs that code.
   */
  call: (context: { call: CallEventFrame }) => void;
  /** Something failed in the background (auth refused, a send failed for good, a backfill failed). */
  error: (context: { error: QuickchatError }) => void;
}

/** A `group` user event: what happened to you about a group (see `GroupChange` in the protocol). */
export type GroupUserEvent = Extract<UserEvent, { kind: 'group' }>;

/** Emits one client event (how managers report to the client's listeners). */
export type EmitEvent = <E extends keyof ClientEvents>(event: E, context: Parameters<ClientEvents[E]>[0]) => void;
