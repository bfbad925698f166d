import type { ChatClient, RestClient } from '@quickchat/sdk';
import type { FriendsManager } from '@quickchat/sdk/friends';

/**
 * The part of the SDK client that the signed-in widget uses: stores to read, the chat actions,
 * `connect` (the banner's retry) and profile lookups. Screens, components and per-client state
 * depend on this rather than the whole {@link ChatClient}, so the tests' fake client implements
 * exactly this and the compiler catches drift on either side. Only `Session` (which creates,
 * signs in and closes clients), the chat root (which attaches the friends manager) and the
 * host-facing options deal in the full `ChatClient`.
 */
export interface WidgetClient
  extends Pick<ChatClient, 'userId' | 'connectionState' | 'conversations' | 'messages' | 'user' | 'limits' | 'on' | 'connect' | 'dmWith' | 'send' | 'retry' | 'markRead' | 'setTyping' | 'loadOlder'> {
  /** Profile lookups and edits. */
  readonly rest: Pick<RestClient, 'user' | 'userByHandle' | 'updateMe'>;
}

/**
 * The part of the client's friends manager (`friendsOf(client)` from `@quickchat/sdk/friends`)
 * that the widget uses: the store of friends, requests and blocks, and the friend actions.
 */
export type WidgetFriends = Pick<FriendsManager, 'store' | 'request' | 'accept' | 'decline' | 'cancel' | 'remove' | 'block' | 'unblock'>;
