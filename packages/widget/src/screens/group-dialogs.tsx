import { useState } from 'preact/hooks';
import type { PublicUser } from '@quickchat/sdk';
import type { GroupInfo } from '@quickchat/sdk/groups';
import { useGroupText, type GroupText } from '../features/groups/strings.js';
import { useEnv } from '../state/context.js';
import { safeHref } from '../util/linkify.js';
import { FriendPicker } from './friend-picker.js';
import { GROUP_LIMITS } from '../features/groups/limits.js';

/** What the edit dialog returns: the fields that changed. */
export interface GroupEdit {
  name?: string;
  avatarUrl?: string;
}

/** The body of the "Edit name and picture" dialog; `done` gets the changed fields (or undefined: cancelled). */
export function EditGroupForm({ group, done }: { group: Pick<GroupInfo, 'name' | 'avatarUrl'>; done: (edit: GroupEdit | undefined) => void }) {
  const { t } = useEnv();
  const g = useGroupText();
  const [name, setName] = useState(group.name);
  const [avatarUrl, setAvatarUrl] = useState(group.avatarUrl ?? '');
  const [error, setError] = useState<GroupText | null>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    const next = name.trim();
    const avatar = avatarUrl.trim();
    if (!next) return setError('needName');
    if (avatar && !safeHref(avatar)) return setError('badAvatar');
    done({ ...(next !== group.name ? { name: next } : {}), ...(avatar && avatar !== group.avatarUrl ? { avatarUrl: avatar } : {}) });
  };
  return (
    <form class="qc-form" style={{ padding: 0 }} noValidate onSubmit={submit}>
      <h2>{g('edit')}</h2>
      <label>
        {g('name')}
        <input class="qc-field" type="text" name="name" data-autofocus maxLength={GROUP_LIMITS.name} value={name} aria-invalid={error === 'needName' ? 'true' : undefined} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        {g('avatarUrl')}
        <input class="qc-field" type="url" name="avatarUrl" maxLength={GROUP_LIMITS.avatarUrl} value={avatarUrl} aria-invalid={error === 'badAvatar' ? 'true' : undefined} onInput={(e) => setAvatarUrl(e.currentTarget.value)} />
      </label>
      <p role="status" class={error ? 'qc-error' : undefined}>
        {error && g(error)}
      </p>
      <div class="qc-actions">
        <button type="button" class="qc-btn qc-secondary" onClick={() => done(undefined)}>
          {t('dialog.cancel')}
        </button>
        <button type="submit" class="qc-btn">
          {g('save')}
        </button>
      </div>
    </form>
  );
}

/** The body of the "Invite friends" dialog: friends not yet in the group, to tick; `done` gets their ids. */
export function InviteForm({ people, done }: { people: PublicUser[]; done: (userIds: string[] | undefined) => void }) {
  const { t } = useEnv();
  const g = useGroupText();
  const [picked, setPicked] = useState<Set<string>>(new Set());
  return (
    <form
      class="qc-form"
      style={{ padding: 0 }}
      onSubmit={(e) => {
        e.preventDefault();
        done([...picked]);
      }}
    >
      <h2>{g('invite')}</h2>
      <div style={{ maxHeight: '240px', overflowY: 'auto' }}>{people.length > 0 ? <FriendPicker legend={g('pickFriends')} people={people} picked={picked} onChange={setPicked} /> : <p>{g('inviteNone')}</p>}</div>
      <div class="qc-actions">
        <button type="button" class="qc-btn qc-secondary" data-autofocus={people.length === 0 || undefined} onClick={() => done(undefined)}>
          {t('dialog.cancel')}
        </button>
        <button type="submit" class="qc-btn" disabled={picked.size === 0}>
          {g('inviteSend')}
        </button>
      </div>
    </form>
  );
}
