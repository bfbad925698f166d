import { useLayoutEffect, useMemo } from 'preact/hooks';
import type { ChatClient, ConversationsState } from '@quickchat/sdk';
import { friendsOf } from '@quickchat/sdk/friends';
import { ChatContext, useEnv } from '../state/context.js';
import { Drafts } from '../state/drafts.js';
import { Profiles } from '../state/profiles.js';
import { DeclinedRequests } from '../state/declined-requests.js';
import { safely } from '../state/session.js';
import { usePageVisible } from '../state/use-connection.js';
import { useStore } from '../state/use-store.js';
import { Shell } from './shell.js';

/** Total unread messages across conversations. */
export function totalUnread(conversations: ConversationsState): number {
  let total = 0;
  for (const c of Object.values(conversations)) total += c.unread;
  return total;
}

/**
 * Everything behind sign-in, for one client: per-client state (its friends manager, drafts,
 * profiles) and the shell.
 */
export function ChatRoot({ client }: { client: ChatClient }) {
  const { open, options } = useEnv();
  const friends = useMemo(() => friendsOf(client), [client]);
  const drafts = useMemo(() => new Drafts(), [client]);
  const profiles = useMemo(() => new Profiles(client, friends), [client]);
  useLayoutEffect(() => () => profiles.dispose(), [profiles]);
  const declined = useMemo(() => new DeclinedRequests(client, friends), [client]);
  useLayoutEffect(() => () => declined.dispose(), [declined]);
  const isOpen = useStore(open, (o) => o);
  const pageVisible = usePageVisible();

  useLayoutEffect(() => {
    const notify = options.onUnreadChange;
    if (!notify) return;
    safely(() => notify(totalUnread(client.conversations.getState())));
    return client.conversations.subscribe(totalUnread, (n) => safely(() => notify(n)));
  }, [client]);

  return (
    <ChatContext.Provider value={{ client, friends, drafts, profiles, declined, visible: isOpen && pageVisible }}>
      <Shell />
    </ChatContext.Provider>
  );
}
