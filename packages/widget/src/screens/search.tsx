import { useEffect, useRef, useState } from 'preact/hooks';
import { dmPeer } from '@quickchat/sdk';
import type { SearchHit } from '@quickchat/sdk/messages';
import { Avatar } from '../components/avatar.js';
import { Header } from '../components/header.js';
import { Highlighted } from '../features/search/highlighted.js';
import { useSearchText } from '../features/search/strings.js';
import { useSearch } from '../features/search/use-search.js';
import type { MessageKey } from '../i18n/index.js';
import { useChat, useEnv } from '../state/context.js';
import { useStore } from '../state/use-store.js';
import { errorKey } from '../util/errors.js';
import { shortStamp } from '../util/format.js';
import type { ScreenProps } from './navigation.js';

/** The results of one query: pages so far, and the cursor of the next (null: the last page was shown). */
interface Results {
  query: string;
  items: SearchHit[];
  next: string | null;
}

/** The longest query the server takes (`PROTOCOL_LIMITS.maxSearchQueryLength`). */
const MAX_QUERY = 200;

/** Snippets may wrap anywhere: a long unbroken word must not widen the panel. */
const SNIPPET_STYLE = { overflowWrap: 'anywhere', fontSize: '.9em' };

/**
 * Search across the user's conversations (`messagesOf(client).search`): results newest first with
 * the matching words marked, more pages on request, and each result opening its conversation.
 */
export function Search({ go, focus }: ScreenProps<'search'>) {
  const { t } = useEnv();
  const s = useSearchText();
  const search = useSearch();
  const [text, setText] = useState('');
  const [results, setResults] = useState<Results | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<MessageKey | null>(null);
  /** Counts requests, so an answer to an older one is dropped. */
  const latest = useRef(0);

  const run = async (query: string, cursor?: string) => {
    const id = ++latest.current;
    setBusy(true);
    setError(null);
    try {
      const page = await search.search(query, cursor === undefined ? {} : { cursor });
      if (id !== latest.current) return;
      setResults((was) => ({ query, items: cursor && was ? [...was.items, ...page.items] : page.items, next: page.next }));
    } catch (err) {
      if (id === latest.current) setError(errorKey(err));
    } finally {
      if (id === latest.current) setBusy(false);
    }
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const query = text.trim();
    if (query) void run(query);
  };

  const count = results?.items.length ?? 0;
  return (
    <>
      <Header title={s('title')} back={() => go({ name: 'chats' })} focus={focus} />
      <form role="search" class="qc-form" style={{ paddingBottom: '8px' }} onSubmit={submit} aria-label={t('search.open')}>
        <label>
          {s('label')}
          <input class="qc-field" type="search" name="q" maxLength={MAX_QUERY} value={text} onInput={(e) => setText(e.currentTarget.value)} aria-describedby="qc-search-hint" />
        </label>
        <span id="qc-search-hint" class="qc-sr">
          {s('hint')}
        </span>
        <button type="submit" class="qc-btn" disabled={busy}>
          {s('submit')}
        </button>
      </form>
      <p role="status" class={error ? 'qc-status qc-error' : 'qc-status'}>
        {error ? t(error) : busy ? s('searching') : results ? (count === 0 ? s('none', { query: results.query }) : results.next ? s('countMore', { count }) : count === 1 ? s('countOne') : s('count', { count })) : ''}
      </p>
      <div class="qc-scroll">
        {results && count > 0 && (
          <ul class="qc-list">
            {results.items.map((hit) => (
              <Result key={`${hit.conversationId}/${hit.seq}`} hit={hit} onOpen={() => go({ name: 'thread', conversationId: hit.conversationId, seq: hit.seq })} />
            ))}
          </ul>
        )}
        {results?.next && (
          <p class="qc-actions" style={{ justifyContent: 'center', padding: '8px' }}>
            <button type="button" class="qc-btn qc-secondary" disabled={busy} onClick={() => void run(results.query, results.next!)}>
              {s('more')}
            </button>
          </p>
        )}
      </div>
    </>
  );
}

/** One result: the conversation, who wrote it and when, and the snippet with its matches marked. */
function Result({ hit, onOpen }: { hit: SearchHit; onOpen: () => void }) {
  const { t, locale } = useEnv();
  const { client, profiles } = useChat();
  const conversation = useStore(client.conversations, (all) => all[hit.conversationId], [hit.conversationId]);
  const peerId = conversation?.peerId ?? dmPeer(hit.conversationId, client.userId);
  const people = useStore(profiles.store, (all) => all);
  useEffect(() => {
    profiles.want(peerId);
    profiles.want(hit.senderId);
  }, [peerId, hit.senderId]);
  const peer = peerId ? people[peerId] : undefined;
  const name = conversation?.group?.name ?? peer?.displayName ?? peerId ?? hit.conversationId;
  const sender = hit.senderId === client.userId ? t('thread.you') : (people[hit.senderId]?.displayName ?? hit.senderId);
  return (
    <li>
      <button type="button" class="qc-row" data-result={`${hit.conversationId}/${hit.seq}`} onClick={onOpen}>
        <Avatar user={conversation?.group ? undefined : peer} name={name} />
        <span class="qc-row-main">
          <span class="qc-row-top">
            <span class="qc-name" dir="auto">
              {name}
            </span>
            <time class="qc-stamp" dateTime={new Date(hit.createdAt).toISOString()}>
              {shortStamp(hit.createdAt, Date.now(), locale)}
            </time>
          </span>
          <span style={SNIPPET_STYLE}>
            <bdi>{sender}</bdi>
            {': '}
            <bdi data-snippet>
              <Highlighted snippet={hit.snippet} ranges={hit.highlights} />
            </bdi>
          </span>
        </span>
      </button>
    </li>
  );
}
