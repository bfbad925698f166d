import { useContext, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { LocalMessage, MessageList } from '@quickchat/sdk';
import type { Locale, MessageKey, Translate } from '../i18n/index.js';
import { RichThreadContext } from '../state/rich-thread.js';
import { useChat, useEnv } from '../state/context.js';
import { useStore } from '../state/use-store.js';
import { dayKey, dayLabel } from '../util/format.js';
import { errorKey } from '../util/errors.js';
import { systemNotice } from '../util/system-notice.js';
import { bottomRange, covers, offsetsOf, rangeFor, rowAt, type Range } from '../util/windowing.js';
import { MessageItem } from './message-item.js';
import { WithName } from './with-name.js';

const EMPTY: MessageList = { items: [], hasMoreBefore: true };
/** Pixels of rows rendered beyond the viewport, above and below. */
const OVERSCAN = 900;
/** Rendered rows are re-chosen once fewer than this many pixels of them remain beyond the viewport. */
const MARGIN = 300;
/** Never more rows than this in the DOM, however much history is loaded. */
const MAX_ROWS = 120;
/** Up to this many messages are all rendered: a short chat stays whole in the DOM (find in page works). */
const WHOLE = 60;
/** Older history is fetched while the reader is within this many screens of the top of what is loaded. */
const PREFETCH_SCREENS = 3;
/** The viewport assumed before the log has a layout. */
const FALLBACK_VIEWPORT = 600;
/** Within this many pixels of the bottom, the view counts as at the bottom (and stays there). */
const AT_BOTTOM = 24;
/**
 * The reader's place: a row and the distance of its message's top (`row`: of the row's top,
 * headings included) from the viewport's top; null: at the bottom.
 */
type Anchor = { key: string; delta: number; row?: boolean } | null;

/**
 * One row of the list: a message, after its day's heading when it is the first (loaded) message
 * of a day and after the "New messages" separator when it is the first unread one. Keyed by the
 * message, so keys are stable when older pages arrive (a day heading moves to an older row).
 */
type Row = { key: string; message: LocalMessage; day?: string; unread?: boolean; runStart?: boolean };

/** Where unread messages began when the thread was opened: after `read` (the reader's read cursor), `count` of them. */
export interface UnreadMark {
  read: number;
  count: number;
}

const keyOf = (m: LocalMessage | undefined) => (m ? `${m.senderId}\n${m.clientMsgId}` : '');

/** A first guess at a row's height before it was rendered once (then it is measured). */
function estimate(row: Row): number {
  const { content } = row.message;
  const headings = (row.day ? 36 : 0) + (row.unread ? 36 : 0) + (row.runStart ? 44 : 0);
  if (content.type !== 'text') return 28 + headings; // a one-line notice
  const lines = Math.min(24, Math.ceil(content.text.length / 34) + (content.text.match(/\n/g)?.length ?? 0));
  return 46 + 21 * Math.max(1, lines) + headings;
}

/** Text (or a tombstone): what a run of one sender's messages is made of. */
const inRun = (m: LocalMessage | undefined) => m !== undefined && (m.content.type === 'text' || m.content.type === 'deleted');

function buildRows(items: LocalMessage[], firstUnread: string, now: number, locale: Locale, t: Translate, group: boolean) {
  const rows: Row[] = [];
  let day = '';
  let prev: LocalMessage | undefined;
  for (const m of items) {
    const d = dayKey(m.createdAt);
    const key = keyOf(m);
    const row: Row = { key, message: m };
    if (d !== day) row.day = dayLabel(m.createdAt, now, locale, t);
    if (key === firstUnread) row.unread = true;
    // In a group, a new run starts after another sender, a notice, or a heading.
    if (group && inRun(m) && (!inRun(prev) || prev!.senderId !== m.senderId || row.day || row.unread)) row.runStart = true;
    day = d;
    prev = m;
    rows.push(row);
  }
  const index = new Map<string, number>();
  rows.forEach((r, i) => index.set(r.key, i));
  return { rows, index };
}

/** `{count}`-style text with a singular form. */
const counted = (t: Translate, one: MessageKey, many: MessageKey, count: number) => (count === 1 ? t(one) : t(many, { count }));

/**
 * The scrolling message history of one conversation, with day separators, windowed: only the
 * rows near the viewport (plus overscan) are in the DOM, whatever the length of the loaded
 * history. Row heights are measured once rendered; the reader's place is kept by a row anchor
 * (not a pixel offset), so rows above changing height or older pages arriving never move what is
 * on screen. Older pages are fetched ahead of the reader (within a few screens of the top); new
 * messages keep the view at the bottom when it was there, otherwise a button jumps there (with
 * how many arrived meanwhile). Opened with unread messages above the fold, a pill jumps to the
 * first unread, marked by a "New messages" separator.
 *
 * Screen readers: the log itself is not live (rows entering and leaving the window as the reader
 * scrolls must not be read out); messages that arrive are announced through a polite live region
 * instead, whether or not their row is rendered.
 */
export function MessageLog({ conversationId, peerName, unread = null, showSeq }: { conversationId: string; peerName: string; unread?: UnreadMark | null; showSeq?: number | undefined }) {
  const { t, locale } = useEnv();
  const { client, profiles, rich } = useChat();
  const thread = useContext(RichThreadContext);
  const list = useStore(client.messages, (s) => s[conversationId], [conversationId]) ?? EMPTY;
  const group = useStore(client.conversations, (s) => s[conversationId]?.kind === 'group', [conversationId]);
  /** The message just jumped to (a reply's original), marked for a moment. */
  const [flashed, setFlash] = useState('');
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<MessageKey | null>(null);
  /** The rendered rows by key (first and last), or null: the rows at the bottom. */
  const [win, setWin] = useState<{ first: string; last: string } | null>(null);
  const [, setMeasured] = useState(0);
  const [away, setAway] = useState(false);
  const [newCount, setNewCount] = useState(0);
  const [pill, setPill] = useState<'unknown' | 'shown' | 'gone'>('unknown');
  const [said, setSaid] = useState<{ id: number; text: string }[]>([]);
  const log = useRef<HTMLDivElement>(null);
  const inner = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>()).current;
  const anchor = useRef<Anchor>(null);
  const pending = useRef<Promise<boolean> | null>(null);
  const seen = useRef<Set<string> | null>(null);
  const focusKey = useRef<string | null>(null);
  const announced = useRef(0);

  /** The first unread message's key, once it is loaded (all after the read cursor are). */
  const firstUnreadOf = (l: MessageList): string => {
    if (!unread) return '';
    const oldest = l.items.find((m) => m.seq !== null)?.seq ?? null;
    if (l.hasMoreBefore && (oldest === null || oldest > unread.read)) return '';
    return keyOf(l.items.find((m) => m.seq !== null && m.seq > unread.read && m.senderId !== client.userId));
  };
  const firstUnread = useMemo(() => firstUnreadOf(list), [list, unread]);
  const { rows, index } = useMemo(() => buildRows(list.items, firstUnread, Date.now(), locale, t, group), [list.items, firstUnread, locale, t, group]);
  const offsets = offsetsOf(rows.map((r) => heights.get(r.key) ?? estimate(r)));
  const viewport = log.current?.clientHeight || FALLBACK_VIEWPORT;
  let range: Range | undefined;
  if (win) {
    const start = index.get(win.first);
    const last = index.get(win.last);
    if (start !== undefined && last !== undefined && last >= start) range = { start, end: Math.min(last + 1, start + MAX_ROWS) };
  }
  range ??= bottomRange(offsets, viewport, OVERSCAN, MAX_ROWS);
  if (rows.length <= WHOLE) range = { start: 0, end: rows.length };
  else if (win === null && anchor.current) {
    // Left the bottom without a window of its own yet (rows below were added): around the anchor.
    const at = index.get(anchor.current.key);
    if (at !== undefined && (at < range.start || at >= range.end)) range = rangeFor(offsets, offsets[at]! - anchor.current.delta, viewport, OVERSCAN, MAX_ROWS);
  }
  const now = useRef({ rows, offsets, range, list });
  now.current = { rows, offsets, range, list };

  /** Loads one older page (or joins the load under way); resolves false when it failed. */
  const loadOlder = (): Promise<boolean> =>
    (pending.current ??= (async () => {
      setLoading(true);
      setError(null);
      try {
        await client.loadOlder(conversationId);
        return true;
      } catch (err) {
        setError(errorKey(err));
        return false;
      } finally {
        pending.current = null;
        setLoading(false);
      }
    })());

  /** Content position of the viewport's top (0: the top of the first row) and its height. */
  const view = () => {
    const el = log.current!;
    return { top: el.scrollTop - (inner.current?.offsetTop ?? 0), height: el.clientHeight || FALLBACK_VIEWPORT };
  };

  /** After a scroll or a render: re-choose the rendered rows if they no longer cover the view, prefetch, update the buttons. */
  const sync = () => {
    const el = log.current;
    if (!el) return;
    const { rows, offsets, range, list } = now.current;
    const { top, height } = view();
    if (anchor.current === null) {
      if (win !== null) setWin(null);
    } else if (rows.length > 0) {
      // Away from the bottom the window is held by its rows, so new messages below don't move it.
      const r = covers(offsets, range, top, height, MARGIN) ? range : rangeFor(offsets, top, height, OVERSCAN, MAX_ROWS);
      const first = rows[r.start]!.key;
      const last = rows[Math.max(r.start, r.end - 1)]!.key;
      if (first !== win?.first || last !== win.last) setWin({ first, last });
    }
    if (list.hasMoreBefore && !pending.current && !error && top < PREFETCH_SCREENS * height) void loadOlder();
    const isAway = el.scrollHeight - el.scrollTop - el.clientHeight > Math.max(AT_BOTTOM, height / 2);
    setAway(isAway);
    if (!isAway) setNewCount(0);
    if (unread && pill !== 'gone') {
      const at = index.get(firstUnread);
      if (at === undefined) setPill(list.items.length > 0 ? 'shown' : 'unknown');
      else setPill(offsets[at]! < top ? 'shown' : 'gone');
    }
  };

  /** Reads the reader's place from the DOM: the first row reaching below the viewport's top. */
  const readAnchor = (): Anchor => {
    const el = log.current!;
    if (el.scrollHeight - el.scrollTop - el.clientHeight < AT_BOTTOM) return null;
    const top = el.getBoundingClientRect().top;
    const { rows, offsets, range } = now.current;
    for (const child of inner.current?.children ?? []) {
      const box = child.getBoundingClientRect();
      if (box.bottom <= top) continue;
      // A rendered row at the viewport's top: anchor to it. (The top in the space above the
      // rendered rows, after a jump: anchor to the row laid out there, which renders next.)
      // The message, not the row: a day heading leaving the row (older messages of that day
      // arrived) must not move it.
      if (box.top <= top || range.start === 0) return { key: (child as HTMLElement).dataset.k!, delta: child.lastElementChild!.getBoundingClientRect().top - top };
      break;
    }
    if (rows.length === 0) return anchor.current;
    const y = view().top;
    const at = rowAt(offsets, y);
    return { key: rows[at]!.key, delta: offsets[at]! - y, row: true };
  };

  useLayoutEffect(() => {
    const el = log.current;
    const box = inner.current;
    if (!el || !box) return;
    // Measure what was rendered.
    let changed = false;
    for (const child of box.children) {
      const key = (child as HTMLElement).dataset.k!;
      const h = child.getBoundingClientRect().height;
      if (h > 0 && Math.abs((heights.get(key) ?? -1) - h) > 0.5) {
        heights.set(key, h);
        changed = true;
      }
    }
    // Keep the reader's place: the anchor row where it was on screen, or the bottom.
    const a = anchor.current;
    if (a === null) el.scrollTop = el.scrollHeight;
    else {
      const node = [...box.children].find((c) => (c as HTMLElement).dataset.k === a.key);
      if (node) {
        const diff = (a.row ? node : node.lastElementChild!).getBoundingClientRect().top - el.getBoundingClientRect().top - a.delta;
        if (Math.abs(diff) >= 0.5) el.scrollTop += diff;
      } else {
        const at = index.get(a.key);
        if (at !== undefined) el.scrollTop = box.offsetTop + offsets[at]! - a.delta;
      }
    }
    // Focus inside a row that left the window goes to the log, so the keyboard keeps scrolling it.
    const active = (el.getRootNode() as Document | ShadowRoot).activeElement;
    if (focusKey.current && (!active || active === el.ownerDocument.body)) {
      focusKey.current = null;
      el.focus({ preventScroll: true });
    }
    if (changed) setMeasured((n) => n + 1);
    else sync();
  });

  // Announce messages that arrived (not older pages, not the first page) and count them while away.
  useEffect(() => {
    const items = list.items;
    if (!seen.current) {
      if (items.length > 0 || !list.hasMoreBefore) seen.current = new Set(items.map(keyOf));
      return;
    }
    const known = seen.current;
    const firstKnown = items.findIndex((m) => known.has(keyOf(m)));
    const fresh = items.filter((m, i) => i > firstKnown && !known.has(keyOf(m)));
    for (const m of items) known.add(keyOf(m));
    if (fresh.length === 0) return;
    const line = ({ content, senderId }: LocalMessage) =>
      content.type === 'system'
        ? systemNotice(content, profiles.store.getState(), client.userId, t)
        : `${senderId === client.userId ? t('thread.you') : group ? (profiles.store.getState()[senderId]?.displayName ?? senderId) : peerName}: ${content.type === 'text' ? content.text : ''}`;
    const texts = fresh.length > 3 ? [counted(t, 'thread.newOne', 'thread.newCount', fresh.length)] : fresh.map(line);
    setSaid((s) => [...s, ...texts.map((text) => ({ id: ++announced.current, text }))].slice(-3));
    if (anchor.current !== null) setNewCount((n) => n + fresh.filter((m) => m.senderId !== client.userId).length);
  }, [list]);

  const jumpNewest = () => {
    anchor.current = null;
    setWin(null);
    setNewCount(0);
    setMeasured((n) => n + 1);
    log.current?.focus({ preventScroll: true });
  };

  /**
   * Shows the message `find` names, loading older pages while it isn't loaded; `flash` marks it
   * for a moment (and says so when it can't be found).
   */
  const jump = async (find: (l: MessageList) => string, flash: boolean) => {
    const current = () => client.messages.getState()[conversationId] ?? EMPTY;
    while (!find(current()) && current().hasMoreBefore) {
      if (!(await loadOlder())) return;
    }
    const key = find(current());
    if (!key) return flash && rich().then((r) => thread?.report(r.words[locale].notLoaded), () => undefined);
    anchor.current = { key, delta: flash ? 48 : 0, row: true };
    setWin({ first: key, last: key });
    if (flash) setFlash(key);
    log.current?.focus({ preventScroll: true });
  };
  const jumpFirstUnread = () => {
    setPill('gone');
    void jump(firstUnreadOf, false);
  };
  /** Shows message `seq` (a reply's original), marked for a moment. */
  const jumpTo = (seq: number) => void jump((l) => keyOf(l.items.find((m) => m.seq === seq)), true);
  // A route that names a message (a search result) shows it.
  useEffect(() => {
    if (showSeq !== undefined) jumpTo(showSeq);
  }, [showSeq]);

  const shown = rows.slice(range.start, range.end);
  return (
    <div class="qc-log-wrap">
      <div
        ref={log}
        class="qc-log"
        role="log"
        aria-live="off"
        tabIndex={0}
        aria-label={t('thread.log', { name: peerName })}
        aria-busy={loading}
        onScroll={() => {
          if (log.current) anchor.current = readAnchor();
          sync();
        }}
        onFocusIn={(e) => {
          const row = (e.target as Element).closest?.('[data-k]');
          focusKey.current = row ? (row as HTMLElement).dataset.k! : null;
        }}
        onFocusOut={(e) => {
          if (e.relatedTarget) focusKey.current = null; // moved elsewhere (not lost with its row)
        }}
      >
        {list.hasMoreBefore ? (
          <button type="button" class="qc-link qc-more" disabled={loading} onClick={() => void loadOlder()}>
            {t(loading ? 'thread.loadingOlder' : 'thread.loadOlder')}
          </button>
        ) : (
          <p class="qc-note">
            <WithName k="thread.start" name={peerName} />
          </p>
        )}
        {error && <p class="qc-error qc-more">{t(error)}</p>}
        <div ref={inner} class="qc-rows" style={{ paddingTop: `${offsets[range.start]}px`, paddingBottom: `${offsets[rows.length]! - offsets[range.end]!}px` }}>
          {shown.map((r) => (
            <div key={r.key} class={flashed === r.key ? 'qc-item qc-flash' : 'qc-item'} data-k={r.key}>
              {r.day && <h3 class="qc-day">{r.day}</h3>}
              {r.unread && <h3 class="qc-day qc-new">{t('thread.newSeparator')}</h3>}
              <MessageItem message={r.message} own={r.message.senderId === client.userId} senderName={group ? undefined : peerName} runStart={r.runStart} onJump={jumpTo} />
            </div>
          ))}
        </div>
      </div>
      {pill === 'shown' && unread && (
        <button type="button" class="qc-jump qc-jump-unread" onClick={jumpFirstUnread}>
          <span class="qc-sr">{t('thread.toFirstUnread')} </span>
          <span aria-hidden="true">↑ </span>
          {counted(t, 'thread.unreadOne', 'thread.unreadCount', unread.count)}
        </button>
      )}
      {away && (
        <button type="button" class="qc-jump qc-jump-newest" onClick={jumpNewest}>
          <span class="qc-sr">{t('thread.toNewest')} </span>
          <span aria-hidden="true">↓</span>
          {newCount > 0 && ` ${counted(t, 'thread.newOne', 'thread.newCount', newCount)}`}
        </button>
      )}
      <div class="qc-sr" aria-live="polite">
        {said.map((s) => (
          <p key={s.id}>{s.text}</p>
        ))}
      </div>
    </div>
  );
}
