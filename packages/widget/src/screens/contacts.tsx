import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { FriendEntry, PublicUser } from '@quickchat/sdk';
import { AddFriend } from '../components/add-friend.js';
import { Avatar } from '../components/avatar.js';
import { useDialogs } from '../components/dialog.js';
import { Header } from '../components/header.js';
import type { MessageKey } from '../i18n/index.js';
import { useChat, useEnv } from '../state/context.js';
import { useStore } from '../state/use-store.js';
import { errorKey } from '../util/errors.js';
import type { ScreenProps } from './navigation.js';

/** Friends, friend requests both ways, blocked people, and adding a friend by handle. */
export function Contacts({ go, focus }: ScreenProps<'contacts'>) {
  const { t } = useEnv();
  const { client } = useChat();
  const dialogs = useDialogs();
  const state = useStore(client.friends.store, (s) => s);
  const [error, setError] = useState<MessageKey | null>(null);

  /** Runs a friend action; failures are explained in the status line. */
  const act = (action: () => Promise<unknown>) => {
    setError(null);
    action().catch((err: unknown) => setError(errorKey(err)));
  };
  const confirmThen = async (key: 'remove' | 'block', person: PublicUser, action: () => Promise<unknown>) => {
    const ok = await dialogs.confirm({
      title: t(`contacts.${key}Title`, { name: person.displayName }),
      message: t(`contacts.${key}Body`, { name: person.displayName }),
      confirmLabel: t(`contacts.${key}`),
      danger: true,
    });
    if (ok) act(action);
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

  return (
    <>
      <Header title={t('nav.contacts')} focus={focus} />
      <div class="qc-scroll">
        <AddFriend />
        <p class="qc-status qc-error" role="alert">
          {error && t(error)}
        </p>
        {!state.loaded ? (
          <p class="qc-note" role="status">
            {t('state.loading')}
          </p>
        ) : (
          <>
            {section(t('contacts.incoming'), withNote(state.incoming), (u) => (
              <>
                {button(t('contacts.accept'), () => act(() => client.friends.accept(u.id)), '', t('contacts.acceptName', { name: u.displayName }))}
                {button(t('contacts.decline'), () => act(() => client.friends.decline(u.id)), ' qc-secondary', t('contacts.declineName', { name: u.displayName }))}
              </>
            ))}
            {section(t('contacts.outgoing'), withNote(state.outgoing), (u) =>
              button(t('contacts.cancel'), () => act(() => client.friends.cancel(u.id)), ' qc-secondary', t('contacts.cancelName', { name: u.displayName })),
            )}
            {state.friends.length === 0 ? (
              <p class="qc-note">{t('contacts.none')}</p>
            ) : (
              section(t('contacts.friends'), withNote(state.friends), (u) => (
                <>
                  {button(t('contacts.message'), () => go({ name: 'thread', conversationId: client.dmWith(u.id) }), '', t('contacts.messageName', { name: u.displayName }))}
                  {button(t('contacts.remove'), () => void confirmThen('remove', u, () => client.friends.remove(u.id)), ' qc-secondary', t('contacts.removeName', { name: u.displayName }))}
                  {button(t('contacts.block'), () => void confirmThen('block', u, () => client.friends.block(u.id)), ' qc-secondary', t('contacts.blockName', { name: u.displayName }))}
                </>
              ))
            )}
            {section(t('contacts.blocked'), state.blocked.map((user) => ({ user })), (u) =>
              button(t('contacts.unblock'), () => act(() => client.friends.unblock(u.id)), ' qc-secondary', t('contacts.unblockName', { name: u.displayName })),
            )}
          </>
        )}
      </div>
    </>
  );
}
