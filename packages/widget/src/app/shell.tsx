import type { ComponentType } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { ConnectionBanner } from '../components/connection-banner.js';
import { DialogHost } from '../components/dialog.js';
import { lazyScreen } from '../components/lazy-screen.js';
import { Contacts } from '../screens/contacts.js';
import { ConversationList } from '../screens/conversation-list.js';
import type { Route, RouteName, ScreenProps } from '../screens/navigation.js';
import { Thread } from '../screens/thread.js';
import { useEnv } from '../state/context.js';
import { TABS, tabOf } from './routes.js';

/** Lazily loaded screens: their code is fetched the first time someone opens them. */
const Profile = lazyScreen<ScreenProps<'profile'>>(() => import('../screens/profile.js').then((m) => m.Profile));

/** The screen table: one screen per route, each taking {@link ScreenProps} for its route. */
const SCREENS: { [N in RouteName]: ComponentType<ScreenProps<N>> } = {
  chats: ConversationList,
  thread: Thread,
  contacts: Contacts,
  profile: Profile,
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
  // The table pairs each route with its screen; TypeScript can't follow that through the lookup.
  const Screen = SCREENS[route.name] as ComponentType<ScreenProps>;
  const tab = tabOf(route);
  return (
    <DialogHost>
      <ConnectionBanner />
      {/* Keyed by route (and conversation), so a screen's state never leaks into the next one. */}
      <div class="qc-body" key={route.name === 'thread' ? `thread:${route.conversationId}` : route.name}>
        <Screen route={route} go={go} focus={navigated.current} />
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
