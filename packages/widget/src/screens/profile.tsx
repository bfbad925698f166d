import { useState } from 'preact/hooks';
import type { PublicUser } from '@quickchat/sdk';
import { Avatar } from '../components/avatar.js';
import { useDialogs } from '../components/dialog.js';
import { Header } from '../components/header.js';
import type { MessageKey } from '../i18n/index.js';
import { useChat, useEnv } from '../state/context.js';
import { useStore } from '../state/use-store.js';
import { errorKey } from '../util/errors.js';
import { safeHref } from '../util/linkify.js';
import type { ScreenProps } from './navigation.js';

/** Protocol limits (`PROTOCOL_LIMITS`): display name, signature, avatar URL. */
const MAX = { displayName: 64, signature: 280, avatarUrl: 2048 };

/** The signed-in user's profile (display name, avatar URL, signature), and sign-out for built-in accounts. */
export function Profile({ focus }: ScreenProps<'profile'>) {
  const { t, builtin, session } = useEnv();
  const { client } = useChat();
  const me = useStore(client.user, (u) => u);
  const dialogs = useDialogs();
  const signOut = async () => {
    const ok = await dialogs.confirm({ title: t('auth.signOutTitle'), message: t('auth.signOutBody'), confirmLabel: t('auth.signOut'), danger: true });
    if (ok) await session.signOut();
  };
  return (
    <>
      <Header title={t('nav.profile')} focus={focus} />
      <div class="qc-scroll">
        {me ? (
          <ProfileForm key={me.id} me={me} />
        ) : (
          <p class="qc-note" role="status">
            {t('state.loading')}
          </p>
        )}
        {/* Apart from the profile form, not a primary action, and confirmed first. */}
        {builtin && (
          <section class="qc-account" aria-labelledby="qc-account-title">
            <h3 id="qc-account-title" class="qc-section">
              {t('profile.account')}
            </h3>
            <button type="button" class="qc-btn qc-secondary qc-danger-text" onClick={() => void signOut()}>
              {t('auth.signOut')}
            </button>
          </section>
        )}
      </div>
    </>
  );
}

function ProfileForm({ me }: { me: PublicUser }) {
  const { t } = useEnv();
  const { client, profiles } = useChat();
  const [saved, setSaved] = useState(me);
  const [values, setValues] = useState({ displayName: me.displayName, avatarUrl: me.avatarUrl ?? '', signature: me.signature });
  const [status, setStatus] = useState<{ key: MessageKey; error?: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const displayName = values.displayName.trim();
    const avatarUrl = values.avatarUrl.trim();
    if (!displayName) return setStatus({ key: 'auth.needName', error: true });
    if (avatarUrl && !safeHref(avatarUrl)) return setStatus({ key: 'profile.badAvatar', error: true });
    setBusy(true);
    setStatus(null);
    try {
      const updated = await client.rest.updateMe({ displayName, avatarUrl: avatarUrl || null, signature: values.signature.trim() });
      setSaved(updated);
      profiles.remember(updated);
      setStatus({ key: 'profile.saved' });
    } catch (err) {
      setStatus({ key: errorKey(err, { validation: 'profile.invalid' }), error: true });
    } finally {
      setBusy(false);
    }
  };
  const set = (name: keyof typeof values) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => setValues({ ...values, [name]: e.currentTarget.value });

  return (
    <form class="qc-form" noValidate onSubmit={submit} aria-label={t('nav.profile')}>
      <div class="qc-person">
        <Avatar user={saved} name={saved.displayName} />
        <span class="qc-row-main">
          <span class="qc-name">{saved.displayName}</span>
          {saved.handle && <span class="qc-preview">@{saved.handle}</span>}
        </span>
      </div>
      <label>
        {t('auth.displayName')}
        <input class="qc-field" type="text" name="displayName" maxLength={MAX.displayName} value={values.displayName} onInput={set('displayName')} />
      </label>
      <label>
        {t('profile.avatarUrl')}
        <input class="qc-field" type="url" name="avatarUrl" maxLength={MAX.avatarUrl} value={values.avatarUrl} onInput={set('avatarUrl')} />
      </label>
      <label>
        {t('profile.signature')}
        <textarea class="qc-field" name="signature" rows={2} maxLength={MAX.signature} value={values.signature} onInput={set('signature')} />
      </label>
      <button type="submit" class="qc-btn" disabled={busy}>
        {t('profile.save')}
      </button>
      <p role="status" class={status?.error ? 'qc-error' : undefined}>
        {status && t(status.key)}
      </p>
    </form>
  );
}
