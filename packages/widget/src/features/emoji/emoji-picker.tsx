import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useEnv } from '../../state/context.js';
import { rovingIndex } from '../../util/roving.js';
import { EMOJI_CATEGORIES, emojiOf, type EmojiCategory } from './emoji-data.js';

/** Emoji per row in the grid (Up/Down move by this much). */
const COLUMNS = 8;
const CATEGORIES = Object.keys(EMOJI_CATEGORIES) as EmojiCategory[];

/**
 * The emoji picker, shown in a dialog; a lazily loaded chunk (only fetched the first time the
 * composer's emoji button is used). Category tabs and the emoji grid are one tab stop each;
 * arrow keys, Home and End move inside them; Enter or a click picks.
 */
export default function EmojiPicker({ onPick }: { onPick: (emoji: string) => void }) {
  const { t } = useEnv();
  const [tab, setTab] = useState(0);
  const [active, setActive] = useState(0);
  const category = CATEGORIES[tab]!;
  const grid = useRef<HTMLDivElement>(null);
  const tabs = useRef<HTMLDivElement>(null);
  const emoji = emojiOf(category);
  const moved = useRef<'grid' | 'tabs' | null>(null);

  // Keyboard movement focuses the newly active item once it has rendered as the tab stop.
  useLayoutEffect(() => {
    const where = moved.current === 'grid' ? grid.current : moved.current === 'tabs' ? tabs.current : null;
    where?.querySelector<HTMLElement>('[tabindex="0"]')?.focus();
    moved.current = null;
  });

  const onGridKey = (e: KeyboardEvent) => {
    const next = rovingIndex(e.key, active, emoji.length, COLUMNS);
    if (next === null) return;
    e.preventDefault();
    moved.current = 'grid';
    setActive(next);
  };
  const onTabsKey = (e: KeyboardEvent) => {
    const next = rovingIndex(e.key, tab, CATEGORIES.length);
    if (next === null) return;
    e.preventDefault();
    moved.current = 'tabs';
    choose(next);
  };
  const choose = (index: number) => {
    setTab(index);
    setActive(0);
  };

  return (
    <div class="qc-emoji">
      <h2>{t('emoji.title')}</h2>
      <div ref={tabs} role="tablist" aria-label={t('emoji.categories')} class="qc-emoji-tabs" onKeyDown={onTabsKey}>
        {CATEGORIES.map((key, i) => (
          <button
            key={key}
            type="button"
            role="tab"
            id={`qc-emoji-tab-${key}`}
            aria-selected={key === category}
            aria-controls="qc-emoji-grid"
            aria-label={t(`emoji.${key}`)}
            tabIndex={i === tab ? 0 : -1}
            onClick={() => choose(i)}
          >
            {emojiOf(key)[0]}
          </button>
        ))}
      </div>
      <div ref={grid} id="qc-emoji-grid" role="tabpanel" aria-labelledby={`qc-emoji-tab-${category}`} class="qc-emoji-grid" onKeyDown={onGridKey}>
        {emoji.map((e, i) => (
          <button key={e} type="button" tabIndex={i === active ? 0 : -1} data-autofocus={i === 0 ? true : undefined} onClick={() => onPick(e)} onFocus={() => setActive(i)}>
            {e}
          </button>
        ))}
      </div>
    </div>
  );
}
