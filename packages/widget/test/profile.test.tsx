// @vitest-environment happy-dom
import { cleanup, fireEvent, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { Profile } from '../src/screens/profile.js';
import { ME, FakeClient, user } from './support/fake-client.js';
import { renderChat, screenProps } from './support/render.js';

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
});
