import { useEffect } from 'preact/hooks';
import { dmPeer } from '@quickchat/sdk';
import { Composer } from '../components/composer.js';
import { Header } from '../components/header.js';
import { MessageLog } from '../components/message-log.js';
import { useChat, useEnv } from '../state/context.js';
import { useDisplayName } from '../state/use-profile.js';
import { useStore } from '../state/use-store.js';
import type { ScreenProps } from './navigation.js';

/** One conversation: history, typing indicator and composer. Marks messages read while on screen. */
export function Thread({ route: { conversationId }, go, focus }: ScreenProps<'thread'>) {
  const { client, visible } = useChat();
  const conv = useStore(client.conversations, (s) => s[conversationId], [conversationId]);
  // Before the list has an entry: the other member, from the DM id.
  const peerId = conv?.peerId ?? dmPeer(conversationId, client.userId);
  const name = useDisplayName(peerId);
  const unread = conv?.unread ?? 0;

  useEffect(() => {
    if (visible && unread > 0) client.markRead(conversationId);
  }, [visible, unread, conv?.lastSeq, conversationId]);

  return (
    <>
      <Header title={name} back={() => go({ name: 'chats' })} focus={focus} />
      <MessageLog conversationId={conversationId} peerName={name} />
      <Typing userIds={conv?.typing ?? []} />
      <Composer key={conversationId} conversationId={conversationId} peerName={name} />
    </>
  );
}

function Typing({ userIds }: { userIds: string[] }) {
  const { t } = useEnv();
  const name = useDisplayName(userIds[0] ?? null);
  return (
    <div class="qc-typing" aria-live="polite">
      {userIds.length > 0 && t('thread.typing', { name })}
    </div>
  );
}
