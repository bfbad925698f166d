import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { LocalMessage, MessageList } from '@quickchat/sdk';
import type { MessageKey } from '../i18n/index.js';
import { useChat, useEnv } from '../state/context.js';
import { useStore } from '../state/use-store.js';
import { dayKey, dayLabel } from '../util/format.js';
import { errorKey } from '../util/errors.js';
import { MessageItem } from './message-item.js';

const EMPTY: MessageList = { items: [], hasMoreBefore: true };
/** Within this many pixels of the top, older history loads. */
const NEAR_TOP = 48;

const keyOf = (m: LocalMessage | undefined) => (m ? `${m.senderId}\n${m.clientMsgId}` : '');

/**
 * The scrolling message history of one conversation, with day separators. Older pages load
 * when scrolled to the top (or with the button), keeping the reader's place; new messages
 * keep the view at the bottom when it was there.
 */
export function MessageLog({ conversationId, peerName }: { conversationId: string; peerName: string }) {
  const { t, locale } = useEnv();
  const { client } = useChat();
  const list = useStore(client.messages, (s) => s[conversationId], [conversationId]) ?? EMPTY;
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<MessageKey | null>(null);
  const log = useRef<HTMLDivElement>(null);
  const busy = useRef(false);
  const snap = useRef({ height: 0, top: 0, atBottom: true, first: '', count: 0 });

  const record = () => {
    const el = log.current;
    if (!el) return;
    snap.current = { height: el.scrollHeight, top: el.scrollTop, atBottom: el.scrollHeight - el.scrollTop - el.clientHeight < 24, first: keyOf(list.items[0]), count: list.items.length };
  };

  const loadOlder = async () => {
    if (busy.current) return;
    busy.current = true;
    setLoading(true);
    setError(null);
    try {
      await client.loadOlder(conversationId);
    } catch (err) {
      setError(errorKey(err));
    } finally {
      busy.current = false;
      setLoading(false);
    }
  };

  useLayoutEffect(() => {
    const el = log.current;
    if (!el) return;
    const s = snap.current;
    const prepended = s.count > 0 && keyOf(list.items[0]) !== s.first && list.items.length > s.count;
    if (prepended) el.scrollTop = el.scrollHeight - (s.height - s.top);
    else if (s.atBottom) el.scrollTop = el.scrollHeight;
    record();
  }, [list]);

  // Fill the view: nothing loaded yet, or not enough to scroll.
  useEffect(() => {
    const el = log.current;
    if (el && list.hasMoreBefore && !error && el.scrollHeight <= el.clientHeight + 1) void loadOlder();
  }, [list, error]);

  const now = Date.now();
  const rows = [];
  let day = '';
  for (const m of list.items) {
    const d = dayKey(m.createdAt);
    if (d !== day) {
      day = d;
      rows.push(
        <h3 key={`day-${d}`} class="qc-day">
          {dayLabel(m.createdAt, now, locale, t)}
        </h3>,
      );
    }
    const own = m.senderId === client.userId;
    rows.push(<MessageItem key={keyOf(m)} message={m} own={own} senderName={peerName} />);
  }

  return (
    <div
      ref={log}
      class="qc-log"
      role="log"
      tabIndex={0}
      aria-label={t('thread.log', { name: peerName })}
      aria-busy={loading}
      onScroll={() => {
        record();
        if (list.hasMoreBefore && log.current && log.current.scrollTop < NEAR_TOP) void loadOlder();
      }}
    >
      {list.hasMoreBefore ? (
        <button type="button" class="qc-link qc-more" disabled={loading} onClick={() => void loadOlder()}>
          {t(loading ? 'thread.loadingOlder' : 'thread.loadOlder')}
        </button>
      ) : (
        <p class="qc-note">{t('thread.start', { name: peerName })}</p>
      )}
      {error && <p class="qc-error qc-more">{t(error)}</p>}
      {rows}
    </div>
  );
}
