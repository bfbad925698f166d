import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { FriendEntry, PublicUser } from '@quickchat/sdk';
import { AddFriend } from '../components/add-friend.js';
import { Avatar } from '../components/avatar.js';
import { useDialogs } from '../components/dialog.js';
import { Header } from '../components/header.js';
import { MenuButton } from '../components/menu.js';
import type { MessageKey } from '../i18n/index.js';
import { useContactsText } from '../features/contacts/strings.js';
import { useChat } from '../state/context.js';
import { useStore } from '../state/use-store.js';
import type { WidgetClient } from '../state/widget-client.js';
import { errorKey } from '../util/errors.js';
import type { ScreenProps } from './navigation.js';

/** Friends, friend requests both ways, blocked people, and adding a friend by handle. */
export function Contacts({ go, focus }: ScreenProps<'contacts'>) {
  const t = useContactsText();
  const { client, friends } = useChat();
  const dialogs = useDialogs();
  const state = useStore(friends.store, (s) => s);
  const [error, setError] = useState<MessageKey | null>(null);
  /** Bumped by every action here, so the add-friend form drops its old result. */
  const [actions, setActions] = useState(0);
  const [declined, dismiss] = useDeclined();
  const scroller = useRef<HTMLDivElement>(null);

  /** Runs a friend action; failures are explained in the status line. */
  const act = (action: () => Promise<unknown>) => {
    setError(null);
    setActions((n) => n + 1);
    return action().then(
      () => true,
      (err: unknown) => {
        setError(errorKey(err));
        return false;
      },
    );
  };
  const confirmThen = async (key: 'remove' | 'block', person: PublicUser, action: () => Promise<unknown>) => {
    const ok = await dialogs.confirm({
      title: t(`contacts.${key}Title`, { name: person.displayName }),
      message: t(`contacts.${key}Body`, { name: person.displayName }),
      confirmLabel: t(`contacts.${key}`),
      danger: true,
    });
    if (!ok || !(await act(action))) return;
    // The person's row (and its menu button, which had focus) is gone: focus the screen's heading.
    const root = scroller.current?.getRootNode() as Document | ShadowRoot | undefined;
    if (root && (!root.activeElement || root.activeElement === document.body)) scroller.current?.parentElement?.querySelector<HTMLElement>('h2')?.focus();
  };

  const section = (title: string, entries: { user: PublicUser; memo?: string | null; note?: string }[], actions: (u: PublicUser) => ComponentChildren) =>
    entries.length > 0 && (
      <>
        <h3 class="qc-section">{title}</h3>
        <ul class="qc-list">
          {entries.map((e) => (
            <li key={e.user.id} class="qc-person">
              <Avatar user={e.user} name={e.user.displayName} />
              <span class="qc-row-main">
                <span class="qc-name">{e.user.displayName}</span>
                {(e.note || e.memo || e.user.signature) && <span class="qc-preview">{e.note ?? e.memo ?? e.user.signature}</span>}
              </span>
              <span class="qc-actions">{actions(e.user)}</span>
            </li>
          ))}
        </ul>
      </>
    );

  const button = (label: string, onClick: () => void, extra = '', name?: string) => (
    <button type="button" class={`qc-btn qc-small${extra}`} aria-label={name} onClick={onClick}>
      {label}
    </button>
  );
  const withNote = (entries: FriendEntry[]) => entries.map((e) => ({ user: e.user, memo: e.memo, ...(e.status === 'removed' ? { note: t('contacts.removedYou') } : {}) }));
  const outgoing = [...declined.filter((u) => !state.outgoing.some((e) => e.user.id === u.id)).map((user) => ({ user, note: t('contacts.declinedNote') })), ...withNote(state.outgoing)];

  return (
    <>
      <Header title={t('nav.contacts')} focus={focus} />
      <div ref={scroller} class="qc-scroll">
        <p class="qc-status qc-error" role="alert">
          {error && t(error)}
        </p>
        {/* Says so when someone turns down (or blocks after) a request you sent; the row below shows it too. */}
        <p class="qc-sr" role="status">
          {declined[0] && t('contacts.declined', { name: declined[0].displayName })}
        </p>
        {!state.loaded ? (
          <p class="qc-note" role="status">
            {t('state.loading')}
          </p>
        ) : (
          <>
            {section(t('contacts.incoming'), withNote(state.incoming), (u) => (
              <>
                {button(t('contacts.accept'), () => void act(() => friends.accept(u.id)), '', t('contacts.acceptName', { name: u.displayName }))}
                {button(t('contacts.decline'), () => void act(() => friends.decline(u.id)), ' qc-secondary', t('contacts.declineName', { name: u.displayName }))}
              </>
            ))}
            {state.friends.length === 0 ? (
              <p class="qc-note">{t('contacts.none')}</p>
            ) : (
              section(t('contacts.friends'), withNote(state.friends), (u) => (
                <>
                  {button(t('contacts.message'), () => go({ name: 'thread', conversationId: client.dmWith(u.id) }), '', t('contacts.messageName', { name: u.displayName }))}
                  <MenuButton
                    class="qc-btn qc-small qc-secondary"
                    label={t('contacts.more', { name: u.displayName })}
                    items={[
                      { label: t('contacts.removeFriend'), danger: true, onSelect: () => void confirmThen('remove', u, () => friends.remove(u.id)) },
                      { label: t('contacts.block'), danger: true, onSelect: () => void confirmThen('block', u, () => friends.block(u.id)) },
                    ]}
                  >
                    <span aria-hidden="true">⋯</span>
                  </MenuButton>
                </>
              ))
            )}
            {section(t('contacts.outgoing'), outgoing, (u) =>
              declined.some((d) => d.id === u.id) && !state.outgoing.some((e) => e.user.id === u.id)
                ? button(t('contacts.dismiss'), () => dismiss(u.id), ' qc-secondary', t('contacts.dismissName', { name: u.displayName }))
                : button(t('contacts.cancel'), () => void act(() => friends.cancel(u.id)), ' qc-secondary', t('contacts.cancelName', { name: u.displayName })),
            )}
            {section(t('contacts.blocked'), state.blocked.map((user) => ({ user })), (u) =>
              button(t('contacts.unblock'), () => void act(() => friends.unblock(u.id)), ' qc-secondary', t('contacts.unblockName', { name: u.displayName })),
            )}
          </>
        )}
        <h3 class="qc-section">{t('contacts.add')}</h3>
        <AddFriend actions={actions} onActivity={() => setError(null)} />
      </div>
    </>
  );
}

/** The declined-request notices of this session, and how to dismiss one. */
function useDeclined(): [PublicUser[], (userId: string) => void] {
  const { declined } = useChat();
  return [useStore(declined.store, (list) => list), (userId) => declined.dismiss(userId)];
}
