import { useState } from 'preact/hooks';
import type { CallRecordContent, LocalMessage } from '@quickchat/sdk';
import { useChat, useEnv } from '../state/context.js';
import { isJumboEmoji, timeLabel } from '../util/format.js';
import { RichText } from './rich-text.js';
import { SystemNotice } from './system-notice.js';
import { callRecordText } from '../util/call-record.js';
import { Ticks } from './ticks.js';

/** Messages longer than this are shown cut, with "Show more". */
export const LONG_TEXT = 1200;
const CUT = 800;

/**
 * One message: text (links for http(s) only), time (and "edited"), and for own messages the
 * delivery state or a retry button; a deleted message says so; a group's system notice is one
 * centered line, as is the record a call left.
 */
export function MessageItem({ message, own, senderName }: { message: LocalMessage; own: boolean; senderName: string }) {
  if (message.content.type === 'system') return <SystemNotice content={message.content} />;
  if (message.content.type === 'call') return <CallRecord content={message.content} />;
  return <TextMessage message={message} own={own} senderName={senderName} />;
}

function CallRecord({ content }: { content: CallRecordContent }) {
  const { t } = useEnv();
  return (
    <p class="qc-system" dir="auto">
      {callRecordText(content, t)}
    </p>
  );
}

function TextMessage({ message, own, senderName }: { message: LocalMessage; own: boolean; senderName: string }) {
  const { t, locale } = useEnv();
  const { client } = useChat();
  const [expanded, setExpanded] = useState(false);
  const deleted = message.content.type === 'deleted';
  const text = message.content.type === 'text' ? message.content.text : '';
  const long = text.length > LONG_TEXT;
  const shown = long && !expanded ? `${cut(text, CUT)}…` : text;
  const failed = message.state === 'failed';
  return (
    <div class={`qc-msg${own ? ' qc-own' : ''}${failed ? ' qc-failed' : ''}`} data-state={message.state}>
      <div class={`qc-bubble${isJumboEmoji(text) ? ' qc-jumbo' : ''}`}>
        <span class="qc-sr">{own ? t('thread.you') : senderName}: </span>
        {/* Only the user's text decides its direction (not the hidden "You:" before it). */}
        <div class="qc-text" dir="auto">
          {deleted ? <i>{t('thread.deleted')}</i> : <RichText text={shown} />}
        </div>
      </div>
      {long && (
        <button type="button" class="qc-link qc-more" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
          {t(expanded ? 'thread.showLess' : 'thread.showMore')}
        </button>
      )}
      <div class="qc-meta">
        <time dateTime={new Date(message.createdAt).toISOString()}>{timeLabel(message.createdAt, locale)}</time>
        {message.editedAt !== undefined && <span>{t('thread.edited')}</span>}
        {own && <Ticks state={message.state} />}
        {own && failed && (
          <button type="button" class="qc-link" aria-label={t('thread.retryLabel')} onClick={() => client.retry(message.conversationId, message.clientMsgId)}>
            {t('thread.retry')}
          </button>
        )}
      </div>
    </div>
  );
}

/** The first `n` UTF-16 units, not splitting a surrogate pair. */
function cut(text: string, n: number): string {
  const code = text.charCodeAt(n - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}
