import { useEffect, useState } from 'preact/hooks';
import { useContactsText, type ContactsTranslate } from '../features/contacts/strings.js';
import { useChat } from '../state/context.js';
import { errorKey, rootError } from '../util/errors.js';

/** The protocol's longest friend-request memo (`PROTOCOL_LIMITS.maxMemoLength`). */
const MAX_MEMO = 200;

/**
 * Finds a person by handle and sends them a friend request with an optional memo. Its result
 * ("No one has that handle.", "Friend request sent…") lasts until the user edits a field, submits
 * again, or does something else on the screen (`actions` changes); `onActivity` tells the screen
 * the user is busy here, so it can drop its own stale message.
 */
export function AddFriend({ actions = 0, onActivity }: { actions?: number; onActivity?: () => void }) {
  const t = useContactsText();
  const { client, friends } = useChat();
  const [handle, setHandle] = useState('');
  const [memo, setMemo] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ key: Parameters<ContactsTranslate>[0]; name?: string; error?: boolean } | null>(null);
  useEffect(() => setResult(null), [actions]);
  const edit = (set: (value: string) => void) => (e: { currentTarget: HTMLInputElement }) => {
    set(e.currentTarget.value);
    setResult(null);
    onActivity?.();
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const wanted = handle.trim().replace(/^@/, '');
    if (!wanted || busy) return;
    setBusy(true);
    setResult(null);
    onActivity?.();
    try {
      const person = await client.rest.userByHandle(wanted);
      if (person.id === client.userId) {
        setResult({ key: 'contacts.self', error: true });
        return;
      }
      const status = await friends.request(person.id, memo.trim() || undefined);
      setResult({ key: status === 'friends' ? 'contacts.nowFriends' : 'contacts.requested', name: person.displayName });
      setHandle('');
      setMemo('');
    } catch (err) {
      const code = rootError(err)?.code;
      setResult({ key: code === 'not_found' ? 'contacts.noSuchHandle' : code === 'conflict' ? 'contacts.conflict' : errorKey(err), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="qc-form" onSubmit={submit} aria-label={t('contacts.add')}>
      <label>
        {t('contacts.handle')}
        <input class="qc-field" type="text" name="handle" autocomplete="off" value={handle} onInput={edit(setHandle)} />
      </label>
      <label>
        {t('contacts.memo')}
        <input class="qc-field" type="text" name="memo" maxLength={MAX_MEMO} value={memo} onInput={edit(setMemo)} />
      </label>
      <button type="submit" class="qc-btn" disabled={busy || !handle.trim()}>
        {t('contacts.send')}
      </button>
      <p role="status" class={result?.error ? 'qc-error' : undefined}>
        {result && t(result.key, { name: result.name ?? '' })}
      </p>
    </form>
  );
}
