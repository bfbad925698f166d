// @vitest-environment happy-dom
import { cleanup, fireEvent, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, type PublicUser } from '@quickchat/sdk';
import type { CreateGroupBody } from '@quickchat/sdk/groups';
import { GroupNew } from '../src/screens/group-new.js';
import { FakeClient, user } from './support/fake-client.js';
import { ScriptedRest } from './support/group-rest.js';
import { renderChat, screenProps } from './support/render.js';

afterEach(cleanup);

const FRIENDS = [user('u_bob', 'Bob', { avatarUrl: 'https://img.test/bob.png' }), user('u_dana', 'דנה'), user('u_li', '李雷')];

function setup(friends: PublicUser[] = FRIENDS) {
  const client = new FakeClient();
  client.friendsStore.update((s) => ({ ...s, friends: friends.map((u) => ({ user: u, status: 'friends' as const, memo: null, since: 1 })) }));
  const rest = new ScriptedRest(client).on('POST', /^\/api\/groups$/, (req) => ({
    group: { id: 'g:new', name: (req.body as CreateGroupBody).name, avatarUrl: null, description: '', joinMode: 'invite', historyVisible: false, ownerId: 'u_me', memberCount: 3, createdAt: 1, myRole: 'owner' },
    outcome: { added: (req.body as CreateGroupBody).members ?? [], invited: [], skipped: [], refused: [] },
  }));
  const { props, routes } = screenProps({ name: 'group-new' });
  return { ...renderChat(<GroupNew {...props} />, { client }), rest, routes };
}

describe('new group', () => {
  it('creates a group with a name, a picture and the friends picked, then opens its thread', async () => {
    const ui = setup();
    const form = ui.getByRole('form', { name: 'New group' });
    // Every friend is offered, with an avatar or initials.
    const boxes = within(form).getAllByRole('checkbox');
    expect(boxes.map((b) => b.closest('label')!.querySelector('.qc-name')!.textContent)).toEqual(['Bob', 'דנה', '李雷']);
    expect(boxes[0]!.closest('label')!.querySelector('img')!.getAttribute('src')).toBe('https://img.test/bob.png');
    expect(boxes[2]!.closest('label')!.querySelector('.qc-avatar')!.textContent).toBe('李');
    fireEvent.input(within(form).getByRole('textbox', { name: 'Group name' }), { target: { value: '  Ascent 攀岩 🧗  ' } });
    fireEvent.input(within(form).getByRole('textbox', { name: /Group picture URL/ }), { target: { value: 'https://img.test/g.png' } });
    fireEvent.click(within(form).getByRole('checkbox', { name: /Bob/ }));
    fireEvent.click(within(form).getByRole('checkbox', { name: /李雷/ }));
    fireEvent.click(within(form).getByRole('checkbox', { name: /Bob/ })); // changed their mind
    fireEvent.click(within(form).getByRole('checkbox', { name: /דנה/ }));
    fireEvent.click(within(form).getByRole('button', { name: 'Create group' }));
    await waitFor(() => expect(ui.routes).toEqual([{ name: 'thread', conversationId: 'g:new' }]));
    expect(ui.rest.requests).toEqual([{ call: 'POST /api/groups', body: { name: 'Ascent 攀岩 🧗', avatarUrl: 'https://img.test/g.png', members: ['u_li', 'u_dana'] } }]);
  });

  it('needs a name and an http(s) picture before asking the server', async () => {
    const ui = setup();
    const form = ui.getByRole('form', { name: 'New group' });
    fireEvent.click(within(form).getByRole('button', { name: 'Create group' }));
    expect(within(form).getByRole('status').textContent).toBe('Enter a name for the group.');
    expect(within(form).getByRole('textbox', { name: 'Group name' }).getAttribute('aria-invalid')).toBe('true');
    fireEvent.input(within(form).getByRole('textbox', { name: 'Group name' }), { target: { value: 'Climbers' } });
    fireEvent.input(within(form).getByRole('textbox', { name: /Group picture URL/ }), { target: { value: 'javascript:alert(1)' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create group' }));
    expect(within(form).getByRole('status').textContent).toBe('The picture must be an http(s) link to an image.');
    expect(ui.rest.requests).toEqual([]);
  });

  it('creates a group of one when there are no friends yet, saying so', async () => {
    const ui = setup([]);
    expect(ui.getByText(/You have no friends to add yet/)).toBeTruthy();
    fireEvent.input(ui.getByRole('textbox', { name: 'Group name' }), { target: { value: 'Solo' } });
    fireEvent.click(ui.getByRole('button', { name: 'Create group' }));
    await waitFor(() => expect(ui.routes).toEqual([{ name: 'thread', conversationId: 'g:new' }]));
    expect(ui.rest.requests[0]!.body).toEqual({ name: 'Solo', members: [] });
  });

  it('says why the server refused, and lets the user try again', async () => {
    const ui = setup();
    const refusals: [ApiError, string][] = [
      [new ApiError('validation', 'name: too long', 400), 'Check the fields: a name of up to 64 characters on one line, and an http(s) image link (not SVG).'],
      [new ApiError('conflict', 'you own too many groups', 409), 'A limit was reached: the group is full, too many requests are waiting, or that person owns as many groups as allowed.'],
    ];
    fireEvent.input(ui.getByRole('textbox', { name: 'Group name' }), { target: { value: 'Climbers' } });
    for (const [error, text] of refusals) {
      ui.rest.on('POST', /^\/api\/groups$/, () => {
        throw error;
      });
      fireEvent.click(ui.getByRole('button', { name: 'Create group' }));
      await waitFor(() => expect(ui.getByRole('status').textContent).toBe(text));
      expect((ui.getByRole('button', { name: 'Create group' }) as HTMLButtonElement).disabled).toBe(false);
    }
    expect(ui.routes).toEqual([]);
  });

  it('shows friends whose names look like markup as text', () => {
    const ui = setup([user('u_x', '<img src=x onerror="globalThis.pwned=1">'), user('u_y', '<b>bold</b>')]);
    expect(ui.container.querySelector('img[src="x"], b')).toBeNull();
    expect(ui.getByRole('checkbox', { name: /<b>bold<\/b>/ })).toBeTruthy();
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });
});
