import type { ChatClient, Friends, RestClient } from '@quickchat/sdk';

/**
 * The part of the SDK client that the signed-in widget uses: stores to read, the chat actions,
 * `connect` (the banner's retry), friend actions and profile lookups. Screens, components and
 * per-client state depend on this rather than the whole {@link ChatClient}, so the tests' fake
 * client implements exactly this and the compiler catches drift on either side. Only `Session`
 * (which creates, signs in and closes clients) and the host-facing options deal in the full
 * `ChatClient`.
 */
export interface WidgetClient
  extends Pick<ChatClient, 'userId' | 'connectionState' | 'conversations' | 'messages' | 'user' | 'limits' | 'on' | 'connect' | 'dmWith' | 'send' | 'retry' | 'markRead' | 'setTyping' | 'loadOlder'> {
  /** The friends store and the friend actions. */
  readonly friends: Pick<Friends, 'store' | 'request' | 'accept' | 'decline' | 'cancel' | 'remove' | 'block' | 'unblock'>;
  /** Profile lookups and edits. */
  readonly rest: Pick<RestClient, 'user' | 'userByHandle' | 'updateMe'>;
}
