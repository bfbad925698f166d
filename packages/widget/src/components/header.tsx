import { createContext, type ComponentChildren } from 'preact';
import { useContext, useLayoutEffect, useRef } from 'preact/hooks';
import { useEnv } from '../state/context.js';
import { UserPresence } from './presence-dot.js';

/** An extra button for a screen's title bar, supplied from outside the screen (see {@link HeaderAction}). */
export interface HeaderActionSpec {
  /** The button's accessible name. */
  label: string;
  /** What it shows (decorative): a {@link Glyph} or a character. */
  icon: ComponentChildren;
  onSelect(): void;
}

/**
 * An action the shell adds to the title bar of the screen it wraps, without that screen knowing:
 * e.g. group info in a group thread's header. The {@link Header} inside shows it after its own actions.
 */
export const HeaderAction = createContext<HeaderActionSpec | null>(null);

/**
 * A screen's title bar: optional back button (named "Back to chats" unless `backLabel` says where), the title (an `h2` that receives focus after
 * navigation), extra actions (the screen's own, then one from {@link HeaderAction}), and in the
 * launcher layout the close button. With `presence` (a user id: a DM's peer), their presence dot
 * follows the title (in the heading, so it is read with it); `avatar` (decorative) precedes it.
 */
export function Header({ title, back, backLabel, focus, presence, avatar, children }: { title: string; back?: () => void; backLabel?: string; focus?: boolean; presence?: string; avatar?: ComponentChildren; children?: ComponentChildren }) {
  const { t, layout, open } = useEnv();
  const extra = useContext(HeaderAction);
  const heading = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => {
    if (focus) heading.current?.focus();
  }, []);
  return (
    <div class="qc-head">
      {back && (
        <button type="button" class="qc-icon" aria-label={backLabel ?? t('nav.back')} onClick={back}>
          <span aria-hidden="true">←</span>
        </button>
      )}
      {avatar}
      {/* Titles are often a person's name: their own text decides its direction. */}
      <h2 ref={heading} tabIndex={-1} dir="auto">
        {title}
        {presence && <UserPresence userId={presence} />}
      </h2>
      {children}
      {extra && (
        <button type="button" class="qc-icon" aria-label={extra.label} onClick={extra.onSelect}>
          <span aria-hidden="true">{extra.icon}</span>
        </button>
      )}
      {layout === 'launcher' && (
        <button type="button" class="qc-icon" aria-label={t('launcher.close')} onClick={() => open.update(() => false)}>
          <span aria-hidden="true">✕</span>
        </button>
      )}
    </div>
  );
}
