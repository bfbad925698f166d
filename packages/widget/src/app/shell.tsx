import type { ComponentType } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { ConnectionBanner } from '../components/connection-banner.js';
import { DialogHost } from '../components/dialog.js';
import { Glyph } from '../components/glyph.js';
import { HeaderAction, type HeaderActionSpec } from '../components/header.js';
import { lazyScreen } from '../components/lazy-screen.js';
import { ConversationList } from '../screens/conversation-list.js';
import type { Route, RouteName, ScreenProps } from '../screens/navigation.js';
import { Thread } from '../screens/thread.js';
import { useChat, useEnv } from '../state/context.js';
import { useStore } from '../state/use-store.js';
import { TABS, screenKey, showsTabs, tabOf } from './routes.js';

/** Lazily loaded screens: their code is fetched the first time someone opens them. */
const Contacts = lazyScreen<ScreenProps<'contacts'>>(() => import('../screens/contacts.js').then((m) => m.Contacts));
const Profile = lazyScreen<ScreenProps<'profile'>>(() => import('../screens/profile.js').then((m) => m.Profile));
// Both group screens are one chunk (`groups`), with the SDK's groups entry inside.
const GroupNew = lazyScreen<ScreenProps<'group-new'>>(() => import('../screens/groups.js').then((m) => m.GroupNew));
const GroupInfo = lazyScreen<ScreenProps<'group-info'>>(() => import('../screens/groups.js').then((m) => m.GroupInfo));
const Search = lazyScreen<ScreenProps<'search'>>(() => import('../screens/search.js').then((m) => m.Search));

/** The screen table: one screen per route, each taking {@link ScreenProps} for its route. */
const SCREENS: { [N in RouteName]: ComponentType<ScreenProps<N>> } = {
  chats: ConversationList,
  thread: Thread,
  contacts: Contacts,
  profile: Profile,
  'group-new': GroupNew,
  'group-info': GroupInfo,
  search: Search,
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
      <div class="qc-body" key={screenKey(route)}>
        <HeaderAction.Provider value={useGroupInfoAction(route, go)}>
          <Screen route={route} go={go} focus={navigated.current} />
        </HeaderAction.Provider>
      </div>
      {showsTabs(route) && (
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

/** In the thread of a group the user is a member of, a title-bar button that opens the group's info. */
function useGroupInfoAction(route: Route, go: (route: Route) => void): HeaderActionSpec | null {
  const { t } = useEnv();
  const { client } = useChat();
  const conversationId = route.name === 'thread' ? route.conversationId : null;
  const member = useStore(client.conversations, (all) => (conversationId ? all[conversationId] : undefined), [conversationId], (a, b) => a?.group?.role === b?.group?.role && a?.left === b?.left);
  if (!conversationId || !member?.group?.role || member.left) return null;
  return { label: t('group.infoOpen'), icon: <Glyph name="info" />, onSelect: () => go({ name: 'group-info', conversationId }) };
}
