import type { VNode } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { ConnectionBanner } from '../components/connection-banner.js';
import { DialogHost } from '../components/dialog.js';
import { lazyScreen } from '../components/lazy-screen.js';
import { ConversationList } from '../screens/conversation-list.js';
import { Contacts } from '../screens/contacts.js';
import { Thread } from '../screens/thread.js';
import { useEnv } from '../state/context.js';
import { TABS, tabOf, type Route } from './routes.js';

/** What a screen gets: navigation, and whether it should take focus (after a user navigated). */
export interface ScreenProps {
  go: (route: Route) => void;
  focus: boolean;
}

/** Lazily loaded screens: their code is fetched the first time someone opens them. */
const Profile = lazyScreen<ScreenProps>(() => import('../screens/profile.js').then((m) => m.Profile));

/** The screen table: one renderer per route. */
const SCREENS: { [K in Route['name']]: (route: Extract<Route, { name: K }>, props: ScreenProps) => VNode } = {
  chats: (_, p) => <ConversationList focus={p.focus} onOpen={(conversationId) => p.go({ name: 'thread', conversationId })} />,
  thread: (r, p) => <Thread key={r.conversationId} conversationId={r.conversationId} focus={p.focus} back={() => p.go({ name: 'chats' })} />,
  contacts: (_, p) => <Contacts {...p} />,
  profile: (_, p) => <Profile {...p} />,
};

/** The signed-in frame: connection banner, the current screen, the tab bar, and dialogs above them. */
export function Shell() {
  const { t, builtin } = useEnv();
  const [route, setRoute] = useState<Route>({ name: 'chats' });
  // After the built-in sign-in form, focus moves on to the chats; a host-signed mount never takes focus.
  const navigated = useRef(builtin);
  const go = (next: Route) => {
    navigated.current = true;
    setRoute(next);
  };
  const render = SCREENS[route.name] as (r: Route, p: ScreenProps) => VNode;
  const tab = tabOf(route);
  return (
    <DialogHost>
      <ConnectionBanner />
      <div class="qc-body" key={route.name === 'thread' ? `thread:${route.conversationId}` : route.name}>
        {render(route, { go, focus: navigated.current })}
      </div>
      {route.name !== 'thread' && (
        <nav class="qc-nav" aria-label={t('nav.label')}>
          {TABS.map((name) => (
            <button key={name} type="button" aria-current={tab === name ? 'page' : undefined} onClick={() => go({ name })}>
              {t(`nav.${name}`)}
            </button>
          ))}
        </nav>
      )}
    </DialogHost>
  );
}
