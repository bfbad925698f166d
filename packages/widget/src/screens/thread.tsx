import { useEffect } from 'preact/hooks';
import { Composer } from '../components/composer.js';
import { Header } from '../components/header.js';
import { MessageLog } from '../components/message-log.js';
import { useChat, useEnv } from '../state/context.js';
import { useDisplayName } from '../state/use-profile.js';
import { useStore } from '../state/use-store.js';

/** The other member of a DM, from the conversation id (`dm:a~b`) when the list has no entry yet. */
function peerOf(conversationId: string, me: string): string | null {
  if (!conversationId.startsWith('dm:')) return null;
  return conversationId.slice(3).split('~').find((id) => id !== me) ?? null;
}

/** One conversation: history, typing indicator and composer. Marks messages read while on screen. */
export function Thread({ conversationId, back, focus }: { conversationId: string; back: () => void; focus?: boolean }) {
  const { client, visible } = useChat();
  const conv = useStore(client.conversations, (s) => s[conversationId], [conversationId]);
  const peerId = conv?.peerId ?? peerOf(conversationId, client.userId);
  const name = useDisplayName(peerId);
  const unread = conv?.unread ?? 0;

  useEffect(() => {
    if (visible && unread > 0) client.markRead(conversationId);
  }, [visible, unread, conv?.lastSeq, conversationId]);

  return (
    <>
      <Header title={name} back={back} focus={focus} />
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
