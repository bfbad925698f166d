/**
 * `@quickchat/sdk/presence`: who is online, for a `ChatClient`, an entry of its own so that apps
 * without presence don't load it.
 *
 * ```ts
 * import { presenceOf } from '@quickchat/sdk/presence';
 * const presence = presenceOf(client);
 * presence.states.subscribe((all) => all[friendId]?.status ?? 'unknown', (status) => showDot(friendId, status));
 * const stop = presence.watch(membersOnScreen); // members of a large group
 * await presence.setVisible(false); // hide: everyone sees `unknown`
 * ```
 */
export { presenceOf, PresenceManager, type PresenceStates } from './manager.js';
export type { PresenceEvents, PresenceChangedContext } from './events.js';
export type { PresenceState } from '@quickchat/protocol';
