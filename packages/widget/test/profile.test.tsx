// @vitest-environment happy-dom
import { cleanup, fireEvent, render, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DialogHost } from '../src/components/dialog.js';
import { ChatContext, EnvContext } from '../src/state/context.js';
import { Profile } from '../src/screens/profile.js';
import { ME, FakeClient, user } from './support/fake-client.js';
import { chatEnv, renderChat, screenProps, testEnv } from './support/render.js';

afterEach(cleanup);

function setup() {
  const client = new FakeClient();
  client.user.update(() => user(ME, 'Me Myself', { signature: 'old sig' }));
  return renderChat(<Profile {...screenProps({ name: 'profile' }).props} />, { client });
}

describe('profile', () => {
  it('edits display name, avatar URL and signature', async () => {
    const { getByRole, client } = setup();
    const name = getByRole('textbox', { name: 'Display name' }) as HTMLInputElement;
    expect(name.value).toBe('Me Myself');
    fireEvent.input(name, { target: { value: 'New Name' } });
    fireEvent.input(getByRole('textbox', { name: 'Avatar URL (https://…)' }), { target: { value: 'https://img.test/me.png' } });
    fireEvent.input(getByRole('textbox', { name: 'Signature' }), { target: { value: 'new sig' } });
    fireEvent.click(getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(getByRole('status').textContent).toBe('Profile saved.'));
    expect(client.profilePatches).toEqual([{ displayName: 'New Name', avatarUrl: 'https://img.test/me.png', signature: 'new sig' }]);
  });

  it('refuses a non-http(s) avatar before asking the server', async () => {
    const { getByRole, client } = setup();
    fireEvent.input(getByRole('textbox', { name: 'Avatar URL (https://…)' }), { target: { value: 'javascript:alert(1)' } });
    fireEvent.click(getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(getByRole('status').textContent).toBe('The avatar must be an http(s) link to an image.'));
    expect(client.profilePatches).toEqual([]);
  });

  it('offers sign-out only for built-in accounts', () => {
    const { queryByRole } = setup();
    expect(queryByRole('button', { name: 'Sign out' })).toBeNull();
  });

  it('keeps sign-out (built-in accounts) apart from the form, secondary and destructive-looking, behind a confirmation', async () => {
    const client = new FakeClient();
    const env = testEnv({ client });
    const signOut = vi.fn(async () => {});
    const session = Object.assign(Object.create(env.session) as typeof env.session, { signOut });
    const v = render(
      <EnvContext.Provider value={{ ...env, session, builtin: true }}>
        <ChatContext.Provider value={chatEnv(client)}>
          <DialogHost>
            <Profile {...screenProps({ name: 'profile' }).props} />
          </DialogHost>
        </ChatContext.Provider>
      </EnvContext.Provider>,
    );
    const button = v.getByRole('button', { name: 'Sign out' });
    expect(v.getByRole('form', { name: 'Profile' }).contains(button)).toBe(false);
    expect(button.closest('section')!.querySelector('h3')!.textContent).toBe('Account');
    expect(button.className.split(' ')).toEqual(expect.arrayContaining(['qc-secondary', 'qc-danger-text']));

    button.focus();
    fireEvent.click(button);
    const dialog = await v.findByRole('dialog', { name: 'Sign out?' });
    expect(dialog.textContent).toContain('You’ll need your handle and password to sign in again.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(v.queryByRole('dialog')).toBeNull());
    expect(signOut).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(button);

    fireEvent.click(button);
    fireEvent.click(within(await v.findByRole('dialog', { name: 'Sign out?' })).getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(signOut).toHaveBeenCalledTimes(1));
  });
});
