import { useEffect, useRef } from 'preact/hooks';
import { dmPeer } from '@quickchat/sdk';
import { Composer } from '../components/composer.js';
import { Header } from '../components/header.js';
import { MessageLog, type UnreadMark } from '../components/message-log.js';
import { WithName } from '../components/with-name.js';
import { useChat, useEnv } from '../state/context.js';
import { useDisplayName } from '../state/use-profile.js';
import { useStore } from '../state/use-store.js';
import type { ScreenProps } from './navigation.js';

/**
 * One conversation: history, typing indicator and composer (in a group you left, a note instead:
 * its messages stay readable). Marks messages read while on screen.
 */
export function Thread({ route: { conversationId }, go, focus }: ScreenProps<'thread'>) {
  const { t } = useEnv();
  const { client, visible } = useChat();
  const conv = useStore(client.conversations, (s) => s[conversationId], [conversationId]);
  // Before the list has an entry: the other member, from the DM id.
  const peerId = conv?.peerId ?? dmPeer(conversationId, client.userId);
  const peerName = useDisplayName(peerId);
  const name = conv?.group?.name ?? peerName;
  const unread = conv?.unread ?? 0;
  // Where the unread messages began when the thread opened (before it marks them read): the log
  // offers a jump there and marks the spot.
  const opened = useRef<{ conversationId: string; mark: UnreadMark | null } | null>(null);
  if (conv && opened.current?.conversationId !== conversationId) {
    const read = conv.cursors.find((c) => c.userId === client.userId)?.read ?? 0;
    opened.current = { conversationId, mark: unread > 0 ? { read, count: unread } : null };
  }
  const mark = opened.current?.conversationId === conversationId ? opened.current.mark : null;

  useEffect(() => {
    if (visible && unread > 0) client.markRead(conversationId);
  }, [visible, unread, conv?.lastSeq, conversationId]);

  return (
    <>
      <Header title={name} back={() => go({ name: 'chats' })} focus={focus} />
      <MessageLog key={conversationId} conversationId={conversationId} peerName={name} unread={mark} />
      <Typing userIds={conv?.typing ?? []} />
      {conv?.left ? (
        <p class="qc-note qc-left" role="status">
          {t('thread.left')}
        </p>
      ) : (
        <Composer key={conversationId} conversationId={conversationId} peerName={name} />
      )}
    </>
  );
}

/** Who is typing: one name, two names, or the first name and how many others (groups). */
function Typing({ userIds }: { userIds: string[] }) {
  const name = useDisplayName(userIds[0] ?? null);
  const other = useDisplayName(userIds[1] ?? null);
  const n = userIds.length;
  return (
    <div class="qc-typing" aria-live="polite">
      {n === 1 && <WithName k="thread.typing" name={name} />}
      {n === 2 && <WithName k="thread.typingTwo" name={name} other={other} />}
      {n > 2 && <WithName k="thread.typingMany" name={name} count={n - 1} />}
    </div>
  );
}
