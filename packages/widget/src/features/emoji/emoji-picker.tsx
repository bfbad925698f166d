import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useChat, useEnv } from '../../state/context.js';
import { lazyChunk } from '../../util/lazy.js';
import { rovingIndex } from '../../util/roving.js';
import { EMOJI_CATEGORIES, allEmoji, emojiOf, type EmojiCategory } from './emoji-data.js';
import { loadRecent, recentKey, rememberRecent } from './recent.js';

/** Emoji per row in the grid (Up/Down move by this much). */
const COLUMNS = 8;
const CATEGORIES = Object.keys(EMOJI_CATEGORIES) as EmojiCategory[];
/** The search words: a chunk of their own, fetched the first time someone searches. */
const loadSearch = lazyChunk(() => import('./emoji-search.js'));

/**
 * The emoji picker, shown in a dialog; a lazily loaded chunk (only fetched the first time the
 * composer's emoji button is used). A search field (focused on opening), the category tabs
 * ("Recently used" first once there are any) and the emoji grid are one tab stop each; arrow
 * keys, Home and End move inside the tabs and the grid; Down goes from the search field to the
 * results; Enter or a click picks. Picked emoji are remembered per user in `localStorage`.
 */
export default function EmojiPicker({ onPick }: { onPick: (emoji: string) => void }) {
  const { t } = useEnv();
  const { client } = useChat();
  const all = useMemo(allEmoji, []);
  const known = useMemo(() => new Set(all), [all]);
  const storageKey = recentKey(client.userId);
  const tabsList = useMemo(() => {
    const recent = loadRecent(storageKey, known);
    const list = CATEGORIES.map((key) => ({ key: key as EmojiCategory | 'recent', emoji: emojiOf(key) }));
    return recent.length > 0 ? [{ key: 'recent' as const, emoji: recent }, ...list] : list;
  }, [storageKey, known]);
  const [tab, setTab] = useState(0);
  const [active, setActive] = useState(0);
  const [query, setQuery] = useState('');
  /** Search results for `query` (null while the search chunk loads; 'failed' if it can't). */
  const [results, setResults] = useState<string[] | null | 'failed'>(null);
  const searching = query.trim() !== '';
  const category = tabsList[tab]!;
  const emoji = searching ? (Array.isArray(results) ? results : []) : category.emoji;
  const at = Math.min(active, Math.max(emoji.length - 1, 0));
  const grid = useRef<HTMLDivElement>(null);
  const tabs = useRef<HTMLDivElement>(null);
  const moved = useRef<'grid' | 'tabs' | null>(null);

  // Keyboard movement focuses the newly active item once it has rendered as the tab stop.
  useLayoutEffect(() => {
    const where = moved.current === 'grid' ? grid.current : moved.current === 'tabs' ? tabs.current : null;
    where?.querySelector<HTMLElement>('[tabindex="0"]')?.focus();
    moved.current = null;
  });

  useEffect(() => {
    if (!searching) return;
    let current = true;
    loadSearch().then(
      (m) => current && setResults(m.searchEmoji(query, all)),
      () => current && setResults('failed'),
    );
    return () => {
      current = false;
    };
  }, [query]);

  const pick = (e: string) => {
    rememberRecent(storageKey, e, known);
    onPick(e);
  };
  const onGridKey = (e: KeyboardEvent) => {
    const next = rovingIndex(e.key, at, emoji.length, COLUMNS);
    if (next === null) return;
    e.preventDefault();
    moved.current = 'grid';
    setActive(next);
  };
  const onTabsKey = (e: KeyboardEvent) => {
    const next = rovingIndex(e.key, tab, tabsList.length);
    if (next === null) return;
    e.preventDefault();
    moved.current = 'tabs';
    choose(next);
  };
  const onSearchKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && query) {
      // The first Escape empties the search; the next one closes the picker.
      e.preventDefault();
      e.stopPropagation();
      search('');
    } else if (e.key === 'ArrowDown' && emoji.length > 0) {
      e.preventDefault();
      grid.current?.querySelector<HTMLElement>('button')?.focus(); // its focus handler makes it the tab stop
    } else if (e.key === 'Enter' && searching && emoji[0]) {
      e.preventDefault();
      pick(emoji[0]);
    }
  };
  const choose = (index: number) => {
    setTab(index);
    setActive(0);
  };
  const search = (value: string) => {
    setQuery(value);
    setResults(null);
    setActive(0);
  };

  const status = !searching || results === null ? '' : results === 'failed' ? t('emoji.failed') : results.length === 0 ? t('emoji.none') : t('emoji.found', { count: results.length });

  return (
    <div class="qc-emoji">
      <h2>{t('emoji.title')}</h2>
      <input
        class="qc-field qc-emoji-search"
        type="search"
        aria-label={t('emoji.search')}
        placeholder={t('emoji.search')}
        autocomplete="off"
        data-autofocus
        value={query}
        onInput={(e) => search(e.currentTarget.value)}
        onKeyDown={onSearchKey}
      />
      {!searching && (
        <div ref={tabs} role="tablist" aria-label={t('emoji.categories')} class="qc-emoji-tabs" onKeyDown={onTabsKey}>
          {tabsList.map(({ key, emoji: list }, i) => (
            <button
              key={key}
              type="button"
              role="tab"
              id={`qc-emoji-tab-${key}`}
              aria-selected={i === tab}
              aria-controls="qc-emoji-grid"
              aria-label={t(`emoji.${key}`)}
              tabIndex={i === tab ? 0 : -1}
              onClick={() => choose(i)}
            >
              {key === 'recent' ? '🕘' : list[0]}
            </button>
          ))}
        </div>
      )}
      {emoji.length > 0 && (
        <div
          ref={grid}
          id="qc-emoji-grid"
          {...(searching ? { role: 'group', 'aria-label': t('emoji.results') } : { role: 'tabpanel', 'aria-labelledby': `qc-emoji-tab-${category.key}` })}
          class="qc-emoji-grid"
          onKeyDown={onGridKey}
        >
          {emoji.map((e, i) => (
            <button key={e} type="button" tabIndex={i === at ? 0 : -1} onClick={() => pick(e)} onFocus={() => setActive(i)}>
              {e}
            </button>
          ))}
        </div>
      )}
      <p role="status" class={searching && Array.isArray(results) && results.length > 0 ? 'qc-sr' : 'qc-emoji-status'}>
        {status}
      </p>
    </div>
  );
}
