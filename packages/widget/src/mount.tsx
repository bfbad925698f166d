import { render } from 'preact';
import { createStore } from '@quickchat/sdk';
import { App } from './app/app.js';
import { hasLocale, loadLocale, resolveLocale, translator } from './i18n/index.js';
import type { WidgetHandle, WidgetOptions } from './options.js';
import type { WidgetEnv } from './state/context.js';
import { Session, safely } from './state/session.js';
import { adoptStyles } from './styles/adopt.js';
import { CSS } from './styles/css.js';
import { styleHost } from './styles/theme.js';

/**
 * Mounts the chat widget into `target` (an element or a CSS selector) and returns its handle.
 * Everything the widget adds lives in one host element with a shadow root, so page CSS can't
 * reach it and `unmount()` removes it without a trace.
 *
 * ```ts
 * const chat = mount('#chat', { url: 'https://chat.example.com', auth: { mode: 'builtin' } });
 * // later
 * chat.unmount();
 * ```
 */
export function mount(target: Element | string, options: WidgetOptions): WidgetHandle {
  const parent = typeof target === 'string' ? document.querySelector(target) : target;
  if (!parent) throw new TypeError(`quickchat: no element matches ${String(target)}`);
  if (!options || (!options.client && (typeof options.url !== 'string' || !options.auth))) throw new TypeError('quickchat: mount() needs options.url and options.auth, or options.client');
  const layout = options.layout === 'inline' ? 'inline' : 'launcher';

  const doc = parent.ownerDocument;
  const host = doc.createElement('div');
  host.setAttribute('data-quickchat', '');
  styleHost(host, layout, options.theme ?? 'auto', options.themeTokens);
  const shadow = host.attachShadow({ mode: 'open' });
  adoptStyles(shadow, CSS, options.nonce);
  const container = doc.createElement('div');
  container.className = 'qc-mount';
  shadow.appendChild(container);
  parent.appendChild(host);

  const locale = resolveLocale(options.locale);
  const open = createStore(layout === 'inline' || options.open === true);
  const session = new Session(options);
  const stopOpen = open.subscribe(
    (o) => o,
    (o) => {
      const notify = options.onOpenChange;
      if (notify) safely(() => notify(o));
    },
  );
  let mounted = true;
  const show = () => {
    if (!mounted) return;
    const env: WidgetEnv = { t: translator(locale), locale, session, options, layout, open, builtin: session.builtin };
    render(<App env={env} />, container);
  };
  // English is built in; another language's words are a chunk, fetched before the first render
  // (if that fails, the widget speaks English rather than not at all).
  if (hasLocale(locale)) show();
  else void loadLocale(locale).catch(() => undefined).then(show);

  return {
    get client() {
      return session.client.getState();
    },
    open: () => layout === 'launcher' && open.update(() => true),
    close: () => layout === 'launcher' && open.update(() => false),
    unmount() {
      if (!mounted) return;
      mounted = false;
      stopOpen();
      render(null, container);
      session.dispose();
      host.remove();
    },
  };
}
