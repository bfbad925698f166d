import { createContext } from 'preact';
import { useContext, useLayoutEffect } from 'preact/hooks';
import type { PresenceManager, PresenceState } from '@quickchat/sdk/presence';
import { useStore } from './use-store.js';

/** What presence dots need of the client's `presenceOf(client)`: its states, and watching users it doesn't push. */
export type WidgetPresence = Pick<PresenceManager, 'states' | 'watch'>;

/**
 * The signed-in client's presence manager, provided where the chat is signed in (null: no
 * presence, and no dots). Created right after the client (the SDK pushes states after `ready`
 * only to a manager that already exists).
 */
export const PresenceContext = createContext<WidgetPresence | null>(null);

/**
 * One user's presence as the client knows it (`unknown` when the server said nothing or you may
 * not see it), re-rendering when it changes. The manager is `presence`, else the one in
 * {@link PresenceContext}. Friends and co-members of small groups are pushed unasked; for anyone
 * else on screen (a large group's member) pass `watch: true`, which follows them while mounted.
 */
export function usePresence(userId: string | null, options: { watch?: boolean; presence?: WidgetPresence | null } = {}): PresenceState {
  const fromContext = useContext(PresenceContext);
  const presence = options.presence === undefined ? fromContext : options.presence;
  const watch = options.watch === true;
  useLayoutEffect(() => (presence && userId && watch ? presence.watch([userId]) : undefined), [presence, userId, watch]);
  const state = useStore(presence?.states ?? NO_STATES, (all) => (userId ? all[userId] : undefined), [userId]);
  return state ?? { userId: userId ?? '', status: 'unknown' };
}

/**
 * Follows these users' presence while mounted (a large group's member list): one `watch` for the
 * list, renewed when it changes. Dots then read their states with {@link usePresence}.
 */
export function useWatchPresence(userIds: readonly string[], presence?: WidgetPresence | null): void {
  const fromContext = useContext(PresenceContext);
  const manager = presence === undefined ? fromContext : presence;
  const key = userIds.join('\n');
  useLayoutEffect(() => (manager && userIds.length ? manager.watch(userIds) : undefined), [manager, key]);
}

/** Stands in for a missing manager: nobody's state is known. */
const NO_STATES: WidgetPresence['states'] = { getState: () => ({}), subscribe: () => () => undefined };
