import { useState } from 'preact/hooks';
import type { MessageKey } from '../i18n/index.js';
import { Header } from '../components/header.js';
import { useEnv } from '../state/context.js';
import { useStore } from '../state/use-store.js';
import { errorKey } from '../util/errors.js';

const HANDLE = /^[A-Za-z0-9_.]{3,32}$/;
type Field = 'handle' | 'displayName' | 'password';

/**
 * Built-in accounts: sign in, or switch to registering a new account. Not a routed screen (it
 * shows before there is a shell), so it takes no props; when the server ended the previous
 * sign-in, it says so.
 */
export function SignIn() {
  const { t, session } = useEnv();
  const ended = useStore(session.signInState, (s) => s === 'ended');
  const [register, setRegister] = useState(false);
  const [values, setValues] = useState({ handle: '', displayName: '', password: '' });
  const [invalid, setInvalid] = useState<Partial<Record<Field, MessageKey>>>({});
  const [error, setError] = useState<MessageKey | null>(null);
  const [busy, setBusy] = useState(false);

  const check = (): Partial<Record<Field, MessageKey>> => {
    const found: Partial<Record<Field, MessageKey>> = {};
    if (!HANDLE.test(values.handle.trim())) found.handle = 'auth.badHandle';
    if (register && !values.displayName.trim()) found.displayName = 'auth.needName';
    if (register ? values.password.length < 8 : !values.password) found.password = 'auth.badPassword';
    return found;
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const found = check();
    setInvalid(found);
    setError(null);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      const handle = values.handle.trim();
      if (register) await session.register(handle, values.displayName.trim(), values.password);
      else await session.signIn(handle, values.password);
    } catch (err) {
      setError(errorKey(err, { unauthenticated: 'auth.wrongPassword', auth_failed: 'auth.wrongPassword', conflict: 'auth.handleTaken' }));
      setBusy(false);
    }
  };

  const field = (name: Field, password: boolean, autocomplete: string) => {
    const props = {
      class: 'qc-field',
      name,
      autocomplete,
      value: values[name],
      'aria-invalid': invalid[name] ? ('true' as const) : ('false' as const),
      'aria-describedby': invalid[name] ? `qc-err-${name}` : undefined,
      onInput: (e: { currentTarget: HTMLInputElement }) => setValues({ ...values, [name]: e.currentTarget.value }),
    };
    return (
      <label>
        {t(`auth.${name}`)}
        {password ? <input type="password" {...props} /> : <input type="text" {...props} />}
        {invalid[name] && (
          <span id={`qc-err-${name}`} class="qc-error">
            {t(invalid[name])}
          </span>
        )}
      </label>
    );
  };

  const title = t(register ? 'auth.register' : 'auth.signIn');
  return (
    <>
      <Header title={title} />
      <div class="qc-scroll">
        <form class="qc-form" noValidate onSubmit={submit} aria-label={title}>
          {field('handle', false, 'username')}
          {register && field('displayName', false, 'nickname')}
          {field('password', true, register ? 'new-password' : 'current-password')}
          <div role="alert" class="qc-error">
            {error ? t(error) : ended && t('auth.ended')}
          </div>
          <button type="submit" class="qc-btn" disabled={busy}>
            {busy ? t('auth.working') : title}
          </button>
          <button
            type="button"
            class="qc-link"
            onClick={() => {
              setRegister(!register);
              setInvalid({});
              setError(null);
            }}
          >
            {t(register ? 'auth.toSignIn' : 'auth.toRegister')}
          </button>
        </form>
      </div>
    </>
  );
}
