import { useContext, useMemo, useState } from 'preact/hooks';
import type { CallRecordContent, LocalMessage } from '@quickchat/sdk';
import { splitMentions } from '../util/mentions.js';
import { QuoteLine } from './quote.js';
import { Reactions } from './reactions.js';
import { RichThreadContext } from '../state/rich-thread.js';
import type { RichAct } from '../state/widget-client.js';
import { useChat, useEnv } from '../state/context.js';
import { useProfile } from '../state/use-profile.js';
import { useStore } from '../state/use-store.js';
import { isJumboEmoji, timeLabel } from '../util/format.js';
import { Avatar } from './avatar.js';
import { useDialogs } from './dialog.js';
import { MenuButton, type MenuItem } from './menu.js';
import { RichText } from './rich-text.js';
import { SystemNotice } from './system-notice.js';
import { callRecordText } from '../util/call-record.js';
import { Ticks } from './ticks.js';
import { fileUrlVia } from '../state/attachments-via.js';
import { attachmentsOf } from '../util/attachments.js';
import { LazyAttachments } from './lazy-attachments.js';

/** Messages longer than this are shown cut, with "Show more". */
export const LONG_TEXT = 1200;
const CUT = 800;

/** How a message sits in its thread. */
export interface MessagePlace {
  /** Sent by the reader. */
  own: boolean;
  /** Who sent it, as shown (in a group: left out, their profile's name). */
  senderName?: string;
  /** In a group, the first of a run of messages from one sender: it shows their avatar and name. */
  runStart?: boolean;
  /** Shows the message a reply quotes (scrolling to it, loading older pages if needed). */
  onJump?: (seq: number) => void;
}

/**
 * One message: text (links for http(s) only, mentions of the reader marked), time (and "edited"),
 * the message it replies to, its reactions, and for own messages the delivery state (in a group,
 * "read by N") or a retry button; a deleted message says so; a group's system notice is one
 * centered line, as is the record a call left. In a thread, an actions menu (reply, react, edit,
 * delete) opens from its button (shown on hover and keyboard focus; always on touch screens).
 */
export function MessageItem({ message, ...place }: MessagePlace & { message: LocalMessage }) {
  if (message.content.type === 'system') return <SystemNotice content={message.content} />;
  if (message.content.type === 'call') return <CallRecord content={message.content} />;
  return <TextMessage message={message} {...place} />;
}

function CallRecord({ content }: { content: CallRecordContent }) {
  const { t } = useEnv();
  return (
    <p class="qc-system" dir="auto">
      {callRecordText(content, t)}
    </p>
  );
}

function TextMessage({ message, own, senderName, runStart, onJump }: MessagePlace & { message: LocalMessage }) {
  const { t, locale } = useEnv();
  const { client, messages } = useChat();
  const me = useStore(client.user, (u) => u?.handle);
  const fileUrl = useMemo(() => fileUrlVia(messages), [messages]);
  // In a group, "read by N" under your message: the other members whose read cursor reached it, from
  // the cursors the client holds (every member's in groups of up to the server's
  // `liveReceiptsMaxMembers`, decision 0009; larger groups send only yours, so nothing shows there).
  const readBy = useStore(client.conversations, (s) => (own && s[message.conversationId]?.group ? s[message.conversationId]!.cursors.filter((c) => c.userId !== client.userId && c.read >= (message.seq ?? Infinity)).length : 0), [own, message.seq]);
  const sender = useProfile(senderName === undefined ? message.senderId : null);
  const name = senderName ?? sender?.displayName ?? message.senderId;
  const [expanded, setExpanded] = useState(false);
  const deleted = message.content.type === 'deleted';
  const content = message.content.type === 'text' ? message.content : null;
  const text = content?.text ?? '';
  const long = text.length > LONG_TEXT;
  const shown = long && !expanded ? `${cut(text, CUT)}…` : text;
  const failed = message.state === 'failed';
  const mentionsMe = content?.mentions?.includes(client.userId) ?? false;
  const actions = useActions(message, own);
  const files = deleted ? [] : attachmentsOf(message);
  // A message of files only: no bubble, but still its sender for screen readers.
  const bubble = deleted || text !== '' || files.length === 0;
  return (
    <div class={`qc-msg${own ? ' qc-own' : ''}${failed ? ' qc-failed' : ''}`} data-state={message.state}>
      {runStart && !own && (
        <div class="qc-sender" aria-hidden="true">
          <Avatar user={sender} name={name} />
          <bdi>{name}</bdi>
        </div>
      )}
      {message.quote && onJump && <QuoteLine quote={message.quote} onJump={() => onJump(message.quote!.seq)} />}
      <div class="qc-line">
        {bubble ? (
          <div class={`qc-bubble${isJumboEmoji(text) ? ' qc-jumbo' : ''}`}>
            <span class="qc-sr">{own ? t('thread.you') : name}: </span>
            {/* Only the user's text decides its direction (not the hidden "You:" before it). */}
            <div class="qc-text" dir="auto">
              {deleted ? (
                <i>{t('thread.deleted')}</i>
              ) : mentionsMe ? (
                splitMentions(shown, me).map((part, i) => (i % 2 ? <mark key={i}>{part}</mark> : <RichText key={i} text={part} />))
              ) : (
                <RichText text={shown} />
              )}
            </div>
          </div>
        ) : (
          <span class="qc-sr">{own ? t('thread.you') : name}: </span>
        )}
        {actions && (
          <MenuButton class="qc-icon qc-actions-btn" label={t('rich.actions', { name: own ? t('thread.you') : name })} items={actions.items}>
            <span aria-hidden="true">⋯</span>
          </MenuButton>
        )}
      </div>
      {files.length > 0 && <LazyAttachments attachments={files} fileUrl={fileUrl} />}
      {long && (
        <button type="button" class="qc-link qc-more" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
          {t(expanded ? 'thread.showLess' : 'thread.showMore')}
        </button>
      )}
      {actions && message.reactions?.length ? <Reactions reactions={message.reactions} onToggle={actions.toggle} /> : null}
      <div class="qc-meta">
        <time dateTime={new Date(message.createdAt).toISOString()}>{timeLabel(message.createdAt, locale)}</time>
        {message.editedAt !== undefined && <span>{t('thread.edited')}</span>}
        {own && <Ticks state={message.state} />}
        {readBy > 0 && <span>{t('rich.readBy', { count: readBy })}</span>}
        {own && failed && (
          <button type="button" class="qc-link" aria-label={t('thread.retryLabel')} onClick={() => client.retry(message.conversationId, message.clientMsgId)}>
            {t('thread.retry')}
          </button>
        )}
      </div>
    </div>
  );
}

/**
 * What can be done to a stored message in a thread, and the reaction toggle; null outside a
 * thread, and for messages not stored yet or deleted. Edit is offered for your text messages
 * (past the server's edit window it refuses, and that is said); Delete for yours, and in a group
 * for those of members your role outranks. Refusals are reported in words (`report`).
 */
function useActions(message: LocalMessage, own: boolean): { items: MenuItem[]; toggle: (emoji: string) => void } | null {
  const { t, locale } = useEnv();
  const { rich } = useChat();
  const thread = useContext(RichThreadContext);
  const dialogs = useDialogs();
  const { seq, conversationId } = message;
  if (!thread || seq === null || message.content.type !== 'text') return null;

  /** A change, once the rich chunk is there (if it can't be loaded, that is said). */
  const act = (action: RichAct['action'], emoji?: string) => {
    thread.report(null);
    rich().then(
      (r) => r.act({ action, conversationId, seq, emoji, dialogs, t, locale, report: thread.report }),
      () => thread.report(t('state.loadFailed')),
    );
  };
  const items: MenuItem[] = [
    { label: t('rich.reply'), onSelect: () => thread.compose.update(() => ({ kind: 'reply', message })) },
    { label: t('rich.react'), onSelect: () => act('react') },
  ];
  if (own) items.push({ label: t('rich.edit'), onSelect: () => thread.compose.update(() => ({ kind: 'edit', message })) });
  if (thread.mayDelete(message)) items.push({ label: t('rich.delete'), onSelect: () => act('delete'), danger: true });
  return { items, toggle: (emoji) => act('toggle', emoji) };
}

/** The first `n` UTF-16 units, not splitting a surrogate pair. */
function cut(text: string, n: number): string {
  const code = text.charCodeAt(n - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}
