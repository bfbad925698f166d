// @vitest-environment happy-dom
import { cleanup, fireEvent, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { DialogHost } from '../src/components/dialog.js';
import { Contacts } from '../src/screens/contacts.js';
import { ME, FakeClient, dmId, user } from './support/fake-client.js';
import { renderChat, screenProps } from './support/render.js';

afterEach(cleanup);

const alice = user('u_alice', 'Alice', { signature: 'hi there' });
const bob = user('u_bob', 'Bob');
const carol = user('u_carol', 'Carol');
const dave = user('u_dave', 'Dave');

function setup() {
  const client = new FakeClient();
  client.friendsStore.update(() => ({
    friends: [{ user: alice, status: 'friends', memo: null, since: 1 }],
    incoming: [{ user: bob, status: 'incoming', memo: 'we met at <b>the</b> meetup', since: 2 }],
    outgoing: [{ user: carol, status: 'outgoing', memo: null, since: 3 }],
    blocked: [dave],
    loaded: true,
  }));
  const { props, routes } = screenProps({ name: 'contacts' });
  const r = renderChat(
    <DialogHost>
      <Contacts {...props} />
    </DialogHost>,
    { client },
  );
  return { ...r, routes };
}

describe('contacts', () => {
  it('lists friends, requests both ways and blocked people', () => {
    const { getByRole, getAllByRole } = setup();
    expect(getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual(['Friend requests', 'Sent requests', 'Friends', 'Blocked']);
    expect(getByRole('button', { name: 'Message Alice' })).toBeTruthy();
    expect(getByRole('button', { name: 'Accept Bob' })).toBeTruthy();
    expect(getByRole('button', { name: 'Cancel request to Carol' })).toBeTruthy();
    expect(getByRole('button', { name: 'Unblock Dave' })).toBeTruthy();
  });

  it('shows a request memo as text', () => {
    const { getByText, container } = setup();
    expect(getByText('we met at <b>the</b> meetup')).toBeTruthy();
    expect(container.querySelector('li b')).toBeNull();
  });

  it('accepts, declines and cancels requests', () => {
    const { getByRole, client } = setup();
    fireEvent.click(getByRole('button', { name: 'Accept Bob' }));
    fireEvent.click(getByRole('button', { name: 'Decline Bob' }));
    fireEvent.click(getByRole('button', { name: 'Cancel request to Carol' }));
    fireEvent.click(getByRole('button', { name: 'Unblock Dave' }));
    expect(client.friendCalls).toEqual([
      ['accept', 'u_bob'],
      ['decline', 'u_bob'],
      ['cancel', 'u_carol'],
      ['unblock', 'u_dave'],
    ]);
  });

  it('opens a chat with a friend', () => {
    const { getByRole, routes } = setup();
    fireEvent.click(getByRole('button', { name: 'Message Alice' }));
    expect(routes).toEqual([{ name: 'thread', conversationId: dmId(ME, 'u_alice') }]);
  });

  it('adds a friend by handle with a memo', async () => {
    const { getByRole, client } = setup();
    client.profiles.set('u_erin', user('u_erin', 'Erin'));
    const form = getByRole('form', { name: 'Add a friend' });
    fireEvent.input(within(form).getByRole('textbox', { name: 'Their handle' }), { target: { value: '@Erin' } });
    fireEvent.input(within(form).getByRole('textbox', { name: 'Note to them (optional)' }), { target: { value: 'from the forum' } });
    fireEvent.submit(form);
    await waitFor(() => expect(within(form).getByRole('status').textContent).toBe('Friend request sent to Erin.'));
    expect(client.friendCalls).toEqual([['request', 'u_erin', 'from the forum']]);
  });

  it('explains an unknown handle', async () => {
    const { getByRole, client } = setup();
    const form = getByRole('form', { name: 'Add a friend' });
    fireEvent.input(within(form).getByRole('textbox', { name: 'Their handle' }), { target: { value: 'nobody' } });
    fireEvent.submit(form);
    await waitFor(() => expect(within(form).getByRole('status').textContent).toBe('No one has that handle.'));
    expect(client.friendCalls).toEqual([]);
  });

  it('asks before removing a friend, in a modal dialog that traps focus and cancels on Escape', async () => {
    const { getByRole, queryByRole, client } = setup();
    const remove = getByRole('button', { name: 'Remove Alice' });
    remove.focus();
    fireEvent.click(remove);
    const dialog = await waitFor(() => getByRole('dialog', { name: 'Remove Alice?' }));
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    const [cancel, confirm] = within(dialog).getAllByRole('button');
    expect(document.activeElement).toBe(cancel); // the safe choice has focus
    fireEvent.keyDown(dialog, { key: 'Tab' });
    expect(document.activeElement).toBe(confirm);
    fireEvent.keyDown(dialog, { key: 'Tab' });
    expect(document.activeElement).toBe(cancel); // wraps around
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(queryByRole('dialog')).toBeNull());
    expect(client.friendCalls).toEqual([]);
    expect(document.activeElement).toBe(remove); // focus returns to the opener

    fireEvent.click(getByRole('button', { name: 'Block Alice' }));
    const block = await waitFor(() => getByRole('dialog', { name: 'Block Alice?' }));
    fireEvent.click(within(block).getByRole('button', { name: 'Block' }));
    await waitFor(() => expect(client.friendCalls).toEqual([['block', 'u_alice']]));
  });

  it('shows a failed action in words', async () => {
    const { getByRole, client } = setup();
    client.friendReply = async () => {
      throw new TypeError('offline');
    };
    fireEvent.click(getByRole('button', { name: 'Accept Bob' }));
    await waitFor(() => expect(getByRole('alert').textContent).toBe('Can’t reach the chat server. Check your connection and try again.'));
  });
});
