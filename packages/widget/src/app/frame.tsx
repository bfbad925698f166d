import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useEnv } from '../state/context.js';
import { useStore } from '../state/use-store.js';
import type { WidgetClient } from '../state/widget-client.js';
import { totalUnread } from './unread.js';

/**
 * The widget's outer frame. Inline: a panel filling the target. Launcher: a floating button
 * (with the unread count) that opens the panel (focus goes to the sign-in form's first field,
 * or once signed in to the screen's heading); Escape or the close button closes it and returns
 * focus to the button.
 */
export function Frame({ children }: { children: ComponentChildren }) {
  const { t, layout, open, session } = useEnv();
  const isOpen = useStore(open, (o) => o);
  const client = useStore(session.client, (c) => c);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const wasOpen = useRef(isOpen);

  useEffect(() => {
    if (layout !== 'launcher' || wasOpen.current === isOpen) return;
    wasOpen.current = isOpen;
    // Signed out, the panel is a sign-in form: start in its first field. Signed in: the screen's heading.
    const first = !client && panel.current?.querySelector<HTMLElement>('form input');
    if (isOpen) (first || panel.current?.querySelector<HTMLElement>('h2, input, button'))?.focus();
    else button.current?.focus();
  }, [isOpen]);

  if (layout === 'inline') {
    return (
      <section class="qc-panel qc-inline" aria-label={t('app.title')}>
        {children}
      </section>
    );
  }
  return (
    <>
      {/* Always mounted (hidden when closed), so route, scroll position and drafts survive closing. */}
      <div
        ref={panel}
        id="qc-panel"
        class="qc-panel qc-float"
        role="dialog"
        aria-label={t('app.title')}
        hidden={!isOpen}
        onKeyDown={(e) => {
          if (e.key === 'Escape') open.update(() => false);
        }}
      >
        {children}
      </div>
      <button ref={button} type="button" class="qc-launch" aria-expanded={isOpen} aria-controls="qc-panel" onClick={() => open.update((o) => !o)}>
        <span aria-hidden="true">{isOpen ? '✕' : '💬'}</span>
        <span class="qc-sr">{t(isOpen ? 'launcher.close' : 'launcher.open')}</span>
        {client && <UnreadBadge client={client} />}
      </button>
    </>
  );
}

function UnreadBadge({ client }: { client: WidgetClient }) {
  const { t } = useEnv();
  const unread = useStore(client.conversations, totalUnread);
  if (unread === 0) return null;
  return (
    <>
      <span class="qc-badge" aria-hidden="true">
        {unread > 99 ? '99+' : unread}
      </span>
      <span class="qc-sr">{unread === 1 ? t('launcher.unreadOne') : t('launcher.unread', { count: unread })}</span>
    </>
  );
}
