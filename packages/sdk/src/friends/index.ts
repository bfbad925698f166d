/**
 * `@quickchat/sdk/friends`: friends, friend requests and blocks for a `ChatClient` (actions, and
 * a store kept current by the client's events), an entry of its own so that apps without a
 * friend list don't load it.
 *
 * ```ts
 * import { createClient } from '@quickchat/sdk';
 * import { friendsOf } from '@quickchat/sdk/friends';
 * const friends = friendsOf(client); // one per client; the lists load on first use
 * friends.store.subscribe((s) => s.incoming, (incoming) => showRequests(incoming));
 * await friends.request(userId, 'hi, it’s Bo');
 * ```
 */
export { friendsOf, FriendsManager } from './manager.js';
export type { FriendsState } from '../stores/state.js';
export type { FriendEntry, FriendshipStatus } from '@quickchat/protocol';
