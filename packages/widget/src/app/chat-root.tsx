import { useLayoutEffect, useMemo } from 'preact/hooks';
import type { ChatClient } from '@quickchat/sdk';
import { friendsOf } from '@quickchat/sdk/friends';
import { presenceOf } from '@quickchat/sdk/presence';
import { ChatContext, useEnv } from '../state/context.js';
import { PresenceContext } from '../state/presence.js';
import { Drafts } from '../state/drafts.js';
import { Profiles } from '../state/profiles.js';
import { DeclinedRequests } from '../state/declined-requests.js';
import { safely } from '../state/session.js';
import { usePageVisible } from '../state/use-connection.js';
import { useStore } from '../state/use-store.js';
import { lazyChunk } from '../util/lazy.js';
import { CallLayer } from '../components/call-layer.js';
import { Shell } from './shell.js';
import { totalUnread } from './unread.js';
import { useUnreadSignals } from './unread-signals.js';


/**
 * Everything behind sign-in, for one client: per-client state (its friends manager, drafts,
 * profiles) and the shell.
 */
export function ChatRoot({ client }: { client: ChatClient }) {
  const { open, options } = useEnv();
  const friends = useMemo(() => friendsOf(client), [client]);
  const drafts = useMemo(() => new Drafts(), [client]);
  // The SDK's messages entry (uploads, file links, edits, reactions), fetched on first use; one manager for all of them.
  const messages = useMemo(() => lazyChunk(() => import('@quickchat/sdk/messages').then((m) => m.messagesOf(client))), [client]);
  // Rich messages' on-use part, fetched on first use (features/rich/rich.tsx), around that manager.
  const rich = useMemo(() => lazyChunk(() => Promise.all([import('../features/rich/rich.js'), messages()]).then(([m, manager]) => m.richFor(client, manager))), [client]);
  // Made when the client was (state/session.ts): the SDK pushes states only to a manager that exists before `ready`.
  const presence = useMemo(() => presenceOf(client), [client]);
  const profiles = useMemo(() => new Profiles(client, friends), [client]);
  useLayoutEffect(() => () => profiles.dispose(), [profiles]);
  const declined = useMemo(() => new DeclinedRequests(client, friends), [client]);
  useLayoutEffect(() => () => declined.dispose(), [declined]);
  const isOpen = useStore(open, (o) => o);
  const pageVisible = usePageVisible();
  useUnreadSignals(client, options, isOpen && pageVisible);

  useLayoutEffect(() => {
    const notify = options.onUnreadChange;
    if (!notify) return;
    safely(() => notify(totalUnread(client.conversations.getState())));
    return client.conversations.subscribe(totalUnread, (n) => safely(() => notify(n)));
  }, [client]);

  return (
    <ChatContext.Provider value={{ client, friends, drafts, profiles, declined, messages, rich, visible: isOpen && pageVisible }}>
      <PresenceContext.Provider value={presence}>
        <Shell />
        <CallLayer client={client} />
      </PresenceContext.Provider>
    </ChatContext.Provider>
  );
}
