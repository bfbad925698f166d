import { useState } from 'preact/hooks';
import { Header } from '../components/header.js';
import { useGroups } from '../features/groups/use-groups.js';
import { useGroupError } from '../features/groups/errors.js';
import { GROUP_LIMITS } from '../features/groups/limits.js';
import { useGroupText } from '../features/groups/strings.js';
import { useChat, useEnv } from '../state/context.js';
import { useStore } from '../state/use-store.js';
import { safeHref } from '../util/linkify.js';
import { FriendPicker } from './friend-picker.js';
import type { ScreenProps } from './navigation.js';

/** Creating a group: a name, an optional picture, and friends to add; then its thread opens. */
export function GroupNew({ go, focus }: ScreenProps<'group-new'>) {
  const { t } = useEnv();
  const g = useGroupText();
  const explain = useGroupError();
  const { friends } = useChat();
  const groups = useGroups();
  const people = useStore(friends.store, (s) => s.friends).map((f) => f.user);
  const [name, setName] = useState('');
  const [avatarUrl, setAvatarUrl] = useState('');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  /** What went wrong, and which field it was about (marked invalid). */
  const [error, setError] = useState<{ text: string; field?: 'name' | 'avatar' } | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const groupName = name.trim();
    const avatar = avatarUrl.trim();
    if (!groupName) return setError({ text: g('needName'), field: 'name' });
    if (avatar && !safeHref(avatar)) return setError({ text: g('badAvatar'), field: 'avatar' });
    setBusy(true);
    setError(null);
    try {
      const { group } = await groups.create({ name: groupName, ...(avatar ? { avatarUrl: avatar } : {}), members: [...picked] });
      go({ name: 'thread', conversationId: group.id });
    } catch (err) {
      setError({ text: explain(err) });
      setBusy(false);
    }
  };

  return (
    <>
      <Header title={t('group.new')} back={() => go({ name: 'chats' })} focus={focus} />
      <div class="qc-scroll">
        <form class="qc-form" noValidate onSubmit={submit} aria-label={t('group.new')}>
          <label>
            {g('name')}
            <input class="qc-field" type="text" name="name" required maxLength={GROUP_LIMITS.name} value={name} aria-invalid={error?.field === 'name' ? 'true' : undefined} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <label>
            {g('avatarUrl')}
            <input class="qc-field" type="url" name="avatarUrl" maxLength={GROUP_LIMITS.avatarUrl} value={avatarUrl} aria-invalid={error?.field === 'avatar' ? 'true' : undefined} onInput={(e) => setAvatarUrl(e.currentTarget.value)} />
          </label>
          {people.length > 0 ? <FriendPicker legend={g('pickFriends')} people={people} picked={picked} onChange={setPicked} /> : <p class="qc-preview">{g('noFriends')}</p>}
          <button type="submit" class="qc-btn" disabled={busy}>
            {g('create')}
          </button>
          <p role="status" class={error ? 'qc-error' : undefined}>
            {error?.text}
          </p>
        </form>
      </div>
    </>
  );
}
