import { useMemo } from 'preact/hooks';
import type { ChatClient } from '@quickchat/sdk';
import { messagesOf, type MessagesManager } from '@quickchat/sdk/messages';
import { useChat } from '../../state/context.js';

/** What the search screen calls: `messagesOf(client).search`. */
export type WidgetSearch = Pick<MessagesManager, 'search'>;

/** The signed-in client's message search (`@quickchat/sdk/messages`), made on first use. */
export function useSearch(): WidgetSearch {
  const { client } = useChat();
  // Behind sign-in the context holds the SDK client the chat root was given (see use-groups.ts).
  return useMemo(() => messagesOf(client as unknown as ChatClient), [client]);
}
