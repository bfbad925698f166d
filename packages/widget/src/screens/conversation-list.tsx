import { useEffect, useState } from 'preact/hooks';
import type { ConversationView, PublicUser } from '@quickchat/sdk';
import { Avatar } from '../components/avatar.js';
import { UserPresence } from '../components/presence-dot.js';
import { Glyph } from '../components/glyph.js';
import { Header } from '../components/header.js';
import { useChat, useEnv } from '../state/context.js';
import { useStore } from '../state/use-store.js';
import { useSynced } from '../state/use-synced.js';
import { shortStamp } from '../util/format.js';
import { callRecordText } from '../util/call-record.js';
import { systemNotice } from '../util/system-notice.js';
import type { ScreenProps } from './navigation.js';

/**
 * The conversation list: newest first, unread badges, last-message previews and a filter; its
 * title bar opens the message search and creating a group.
 */
export function ConversationList({ go, focus }: ScreenProps<'chats'>) {
  const { t, locale } = useEnv();
  const { client, profiles } = useChat();
  const conversations = useStore(client.conversations, (s) => s);
  const people = useStore(profiles.store, (s) => s);
  const synced = useSynced(client);
  const [query, setQuery] = useState('');
  const all = Object.values(conversations).sort((a, b) => (b.lastMessage?.createdAt ?? 0) - (a.lastMessage?.createdAt ?? 0));
  useEffect(() => {
    for (const c of all) {
      const content = c.lastMessage?.content;
      // The peer, and in a group's notice preview the people it names.
      for (const id of content?.type === 'system' ? [content.actorId, ...(content.targetIds ?? [])] : [c.peerId]) profiles.want(id);
    }
  }, [conversations]);

  const me = client.userId;
  const rows = all.map((c) => {
    const person = c.peerId ? people[c.peerId] : undefined;
    const name = c.group?.name ?? person?.displayName ?? c.peerId ?? c.conversationId;
    const content = c.lastMessage?.content;
    const notice = content?.type === 'system';
    const text = content?.type === 'text' ? content.text : notice ? systemNotice(content, people, me, t) : content?.type === 'deleted' ? t('thread.deleted') : content?.type === 'call' ? callRecordText(content, t) : '';
    // "You: …" around the text, split so that only the user's text decides its direction.
    const by = !c.lastMessage ? null : c.lastMessage.senderId === me && !notice ? t('list.you', { text: '\n' }).split('\n') : ['', ''];
    const preview = by ? { before: by[0] ?? '', text, after: by[1] ?? '', user: true } : { before: '', text: t('list.noMessages'), after: '', user: false };
    return { c, person, name, preview, haystack: `${name} ${person?.handle ?? ''} ${text}`.toLowerCase() };
  });
  const needle = query.trim().toLowerCase();
  const shown = needle ? rows.filter((r) => r.haystack.includes(needle)) : rows;
  const now = Date.now();
  const onOpen = (conversationId: string) => go({ name: 'thread', conversationId });

  return (
    <>
      <Header title={t('list.title')} focus={focus}>
        <button type="button" class="qc-icon" aria-label={t('search.open')} onClick={() => go({ name: 'search' })}>
          <Glyph name="search" />
        </button>
        <button type="button" class="qc-icon" aria-label={t('group.new')} onClick={() => go({ name: 'group-new' })}>
          <span aria-hidden="true">+</span>
        </button>
      </Header>
      <input type="search" class="qc-field qc-filter" aria-label={t('list.filter')} placeholder={t('list.filter')} value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      <div class="qc-scroll">
        {!synced && all.length === 0 ? (
          <p class="qc-note" role="status">
            {t('state.loading')}
          </p>
        ) : shown.length === 0 ? (
          <p class="qc-note">{needle ? t('list.noMatch', { query: query.trim() }) : t('list.empty')}</p>
        ) : (
          <ul class="qc-list">
            {shown.map((r) => (
              <Row key={r.c.conversationId} conversation={r.c} person={r.person} name={r.name} preview={r.preview} stamp={r.c.lastMessage ? shortStamp(r.c.lastMessage.createdAt, now, locale) : ''} at={r.c.lastMessage?.createdAt} onOpen={onOpen} />
            ))}
          </ul>
        )}
      </div>
    </>
  );
}

interface RowProps {
  conversation: ConversationView;
  person: PublicUser | undefined;
  name: string;
  /** The user's text, and the words around it ("You: "), shown apart. */
  preview: { before: string; text: string; after: string; user: boolean };
  stamp: string;
  /** When the last message was sent (ms), for the stamp's machine-readable time. */
  at: number | undefined;
  onOpen: (conversationId: string) => void;
}

function Row({ conversation, person, name, preview, stamp, at, onOpen }: RowProps) {
  const { t } = useEnv();
  const unread = conversation.unread;
  return (
    <li>
      <button type="button" class="qc-row" data-conversation={conversation.conversationId} onClick={() => onOpen(conversation.conversationId)}>
        <span class="qc-row-main">
          <span class="qc-row-top">
            <span class="qc-name" dir="auto">
              {name}
            </span>
            {at !== undefined && (
              <time class="qc-stamp" dateTime={new Date(at).toISOString()}>
                {stamp}
              </time>
            )}
          </span>
          <span class="qc-preview" data-preview>
            {preview.before && <span class="qc-by">{preview.before}</span>}
            {preview.text && (
              <span class="qc-said" dir={preview.user ? 'auto' : undefined}>
                {preview.text}
              </span>
            )}
            {preview.after && <span class="qc-by">{preview.after}</span>}
          </span>
        </span>
        {/* A DM's avatar with its presence dot: shown first (CSS `order`), read after the name and the preview. */}
        {conversation.peerId ? (
          <span class="qc-presence-at">
            <Avatar user={person} name={name} />
            <UserPresence userId={conversation.peerId} />
          </span>
        ) : (
          <Avatar user={person} name={name} />
        )}
        {unread > 0 && (
          <>
            {conversation.mentions > 0 && (
              <span class="qc-badge" aria-hidden="true" title={t('list.mentioned')}>
                @
              </span>
            )}
            <span class="qc-badge" aria-hidden="true">
              {unread > 99 ? '99+' : unread}
            </span>
            {conversation.mentions > 0 && <span class="qc-sr">{t('list.mentioned')}</span>}
            <span class="qc-sr">{unread === 1 ? t('list.unreadOne') : t('list.unread', { count: unread })}</span>
          </>
        )}
      </button>
    </li>
  );
}
