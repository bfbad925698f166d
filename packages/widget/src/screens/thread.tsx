import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createStore, dmPeer } from '@quickchat/sdk';
import { Avatar } from '../components/avatar.js';
import { CallButtons } from '../components/call-buttons.js';
import { Composer } from '../components/composer.js';
import { Header } from '../components/header.js';
import { MessageLog, type UnreadMark } from '../components/message-log.js';
import { WithName } from '../components/with-name.js';
import { RichThreadContext, type RichThread } from '../state/rich-thread.js';
import type { ComposeMode } from '../state/widget-client.js';
import { useChat, useEnv } from '../state/context.js';
import { useDisplayName, useProfile } from '../state/use-profile.js';
import { useStore } from '../state/use-store.js';
import type { ScreenProps } from './navigation.js';

/**
 * One conversation: history, typing indicator and composer (in a group you left, a note instead:
 * its messages stay readable). Marks messages read while on screen. Its messages and composer
 * share the reply or edit under way, and a refused change is said above the composer. A route
 * naming a message (`seq`) shows it.
 */
export function Thread({ route: { conversationId, seq }, go, focus }: ScreenProps<'thread'>) {
  const { t } = useEnv();
  const { client, visible, rich } = useChat();
  const conv = useStore(client.conversations, (s) => s[conversationId], [conversationId]);
  // Before the list has an entry: the other member, from the DM id.
  const peerId = conv?.peerId ?? dmPeer(conversationId, client.userId);
  const peerName = useDisplayName(peerId);
  const peer = useProfile(conv?.group ? null : peerId);
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

  // Whose messages you may delete: yours; a group's owner and admins also those of members they
  // outrank (the SDK's rule), which needs the members' roles: fetched for them only.
  const role = conv?.group?.role ?? null;
  const [moderated, setModerated] = useState<ReadonlySet<string> | null>(null);
  useEffect(() => {
    if (role === 'owner' || role === 'admin') rich().then((r) => r.moderated(conversationId, role)).then(setModerated, () => undefined); // your own stay deletable
    else setModerated(null);
  }, [role]);
  const [problem, setProblem] = useState<string | null>(null);
  const [compose] = useState(() => createStore<ComposeMode>(null));
  const thread: RichThread = useMemo(() => ({ compose, report: setProblem, mayDelete: (m) => m.senderId === client.userId || !!moderated?.has(m.senderId) }), [moderated]);

  return (
    <RichThreadContext.Provider value={thread}>
      <Header title={name} back={() => go({ name: 'chats' })} focus={focus} presence={conv?.peerId ?? undefined} avatar={<Avatar user={conv?.group ?? peer} name={name} />}>
        <CallButtons conversationId={conversationId} />
      </Header>
      <MessageLog key={conversationId} conversationId={conversationId} peerName={name} unread={mark} showSeq={seq} />
      <Typing userIds={conv?.typing ?? []} />
      {problem && (
        <p class="qc-banner qc-error" role="alert">
          <span>{problem}</span>
          <button type="button" class="qc-icon" aria-label={t('contacts.dismiss')} onClick={() => setProblem(null)}>
            <span aria-hidden="true">×</span>
          </button>
        </p>
      )}
      {conv?.left ? (
        <p class="qc-note qc-left" role="status">
          {t('thread.left')}
        </p>
      ) : (
        <Composer key={conversationId} conversationId={conversationId} peerName={name} />
      )}
    </RichThreadContext.Provider>
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
