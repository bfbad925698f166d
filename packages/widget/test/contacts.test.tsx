// @vitest-environment happy-dom
import { cleanup, fireEvent, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DialogHost } from '../src/components/dialog.js';
import { Contacts } from '../src/screens/contacts.js';
import { CONTACTS_STRINGS } from '../src/features/contacts/strings.js';
import { LOCALES } from '../src/i18n/index.js';
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
  it('lists requests to answer, friends, sent requests and blocked people, then the add-friend form', () => {
    const { getByRole, getAllByRole } = setup();
    expect(getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual(['Friend requests', 'Friends', 'Sent requests', 'Blocked', 'Add a friend']);
    expect(getByRole('button', { name: 'Message Alice' })).toBeTruthy();
    expect(getByRole('button', { name: 'Accept Bob' })).toBeTruthy();
    expect(getByRole('button', { name: 'Cancel request to Carol' })).toBeTruthy();
    expect(getByRole('button', { name: 'Unblock Dave' })).toBeTruthy();
    // The form comes after the friend list.
    const form = getByRole('form', { name: 'Add a friend' });
    expect(getByRole('button', { name: 'Message Alice' }).compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('makes Message the one primary action per friend; Remove and Block wait in a menu, destructive; other secondary actions look secondary', () => {
    const { getByRole, queryByRole } = setup();
    const classes = (name: string) => getByRole('button', { name }).className.split(' ');
    expect(classes('Message Alice')).not.toContain('qc-secondary');
    expect(classes('More actions for Alice')).toContain('qc-secondary');
    expect(classes('Cancel request to Carol')).toContain('qc-secondary');
    expect(classes('Decline Bob')).toContain('qc-secondary');
    expect(classes('Unblock Dave')).toContain('qc-secondary');
    expect(queryByRole('button', { name: /^(Remove|Block)/ })).toBeNull();
    fireEvent.click(getByRole('button', { name: 'More actions for Alice' }));
    const items = within(getByRole('menu', { name: 'More actions for Alice' })).getAllByRole('menuitem');
    expect(items.map((i) => [i.textContent, i.className])).toEqual([
      ['Remove friend', 'qc-danger-text'],
      ['Block', 'qc-danger-text'],
    ]);
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

  it('the More menu works from the keyboard: arrows move and wrap, Home/End jump, Escape closes and gives focus back', async () => {
    const { getByRole, queryByRole } = setup();
    const more = getByRole('button', { name: 'More actions for Alice' });
    expect(more.getAttribute('aria-haspopup')).toBe('menu');
    expect(more.getAttribute('aria-expanded')).toBe('false');
    more.focus();
    fireEvent.keyDown(more, { key: 'ArrowDown' });
    const menu = await waitFor(() => getByRole('menu'));
    expect(more.getAttribute('aria-expanded')).toBe('true');
    expect(more.getAttribute('aria-controls')).toBe(menu.id);
    const name = () => document.activeElement?.textContent;
    expect(name()).toBe('Remove friend');
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(name()).toBe('Block');
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(name()).toBe('Remove friend'); // wraps
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    expect(name()).toBe('Block');
    fireEvent.keyDown(document.activeElement!, { key: 'Home' });
    expect(name()).toBe('Remove friend');
    fireEvent.keyDown(document.activeElement!, { key: 'End' });
    expect(name()).toBe('Block');
    const escape = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true });
    const outside = vi.fn();
    document.addEventListener('keydown', outside);
    document.activeElement!.dispatchEvent(escape);
    document.removeEventListener('keydown', outside);
    expect(outside).not.toHaveBeenCalled(); // the panel around stays open
    await waitFor(() => expect(queryByRole('menu')).toBeNull());
    expect(document.activeElement).toBe(more);
    expect(more.getAttribute('aria-expanded')).toBe('false');
    // Up opens it on the last item.
    fireEvent.keyDown(more, { key: 'ArrowUp' });
    await waitFor(() => expect(name()).toBe('Block'));
    // Focus leaving the menu closes it.
    fireEvent.focusOut(document.activeElement!, { relatedTarget: getByRole('button', { name: 'Message Alice' }) });
    await waitFor(() => expect(queryByRole('menu')).toBeNull());
  });

  it('asks before removing a friend, in a modal dialog that names them; cancelling gives focus back to the More button', async () => {
    const { getByRole, queryByRole, client } = setup();
    const more = getByRole('button', { name: 'More actions for Alice' });
    more.focus();
    fireEvent.click(more);
    fireEvent.click(await waitFor(() => getByRole('menuitem', { name: 'Remove friend' })));
    const dialog = await waitFor(() => getByRole('dialog', { name: 'Remove Alice?' }));
    expect(queryByRole('menu')).toBeNull();
    expect(dialog.textContent).toContain('Alice will no longer be your friend.');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    const [cancel, confirm] = within(dialog).getAllByRole('button');
    expect(confirm!.className).toContain('qc-danger');
    expect(document.activeElement).toBe(cancel); // the safe choice has focus
    fireEvent.keyDown(dialog, { key: 'Tab' });
    expect(document.activeElement).toBe(confirm);
    fireEvent.keyDown(dialog, { key: 'Tab' });
    expect(document.activeElement).toBe(cancel); // wraps around
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(queryByRole('dialog')).toBeNull());
    expect(client.friendCalls).toEqual([]);
    expect(document.activeElement).toBe(more); // focus returns to the menu's button
  });

  it('blocks only once confirmed, then puts focus on the heading (the row is gone)', async () => {
    const { getByRole, client } = setup();
    client.friendReply = async (action, id) => {
      if (action === 'block') client.friendsStore.update((s) => ({ ...s, friends: s.friends.filter((f) => f.user.id !== id) }));
    };
    fireEvent.click(getByRole('button', { name: 'More actions for Alice' }));
    fireEvent.click(await waitFor(() => getByRole('menuitem', { name: 'Block' })));
    const block = await waitFor(() => getByRole('dialog', { name: 'Block Alice?' }));
    expect(client.friendCalls).toEqual([]);
    fireEvent.click(within(block).getByRole('button', { name: 'Block' }));
    await waitFor(() => expect(client.friendCalls).toEqual([['block', 'u_alice']]));
    await waitFor(() => expect(document.activeElement).toBe(getByRole('heading', { level: 2, name: 'Contacts' })));
  });

  it('clears “No one has that handle.” once the user edits the field, or does something else', async () => {
    const { getByRole, client } = setup();
    const form = getByRole('form', { name: 'Add a friend' });
    const handle = within(form).getByRole('textbox', { name: 'Their handle' });
    const status = within(form).getByRole('status');
    const fail = async () => {
      fireEvent.input(handle, { target: { value: 'nobody' } });
      fireEvent.submit(form);
      await waitFor(() => expect(status.textContent).toBe('No one has that handle.'));
    };
    await fail();
    fireEvent.input(handle, { target: { value: 'nobod' } });
    expect(status.textContent).toBe('');
    await fail();
    fireEvent.click(getByRole('button', { name: 'Accept Bob' }));
    await waitFor(() => expect(status.textContent).toBe(''));
    await fail();
    fireEvent.click(getByRole('button', { name: 'Cancel request to Carol' }));
    await waitFor(() => expect(status.textContent).toBe(''));
    expect(client.friendCalls).toEqual([
      ['accept', 'u_bob'],
      ['cancel', 'u_carol'],
    ]);
  });

  it('clears a failed action’s message when the user turns to the add-friend form', async () => {
    const { getByRole, client } = setup();
    client.friendReply = async () => {
      throw new TypeError('offline');
    };
    fireEvent.click(getByRole('button', { name: 'Accept Bob' }));
    await waitFor(() => expect(getByRole('alert').textContent).not.toBe(''));
    fireEvent.input(getByRole('textbox', { name: 'Their handle' }), { target: { value: 'e' } });
    expect(getByRole('alert').textContent).toBe('');
  });

  it('tells the sender when their request was turned down, until dismissed, also after leaving the screen', async () => {
    const { getByRole, queryByRole, getByText, client, chat, unmount } = setup();
    // The SDK reports the change (status none, caused by Carol) and then refetches the lists.
    client.emit('relationChanged', { event: { kind: 'friendship', seq: 9, at: 1, peerId: 'u_carol', status: 'none', actorId: 'u_carol' } });
    client.friendsStore.update((s) => ({ ...s, outgoing: [] }));
    await waitFor(() => expect(getByText('Didn’t accept your request')).toBeTruthy());
    expect(queryByRole('button', { name: 'Cancel request to Carol' })).toBeNull();
    const announced = [...document.querySelectorAll('[role=status]')].map((s) => s.textContent);
    expect(announced).toContain('Carol didn’t accept your request');
    expect(getByText('Didn’t accept your request').closest('li')!.textContent).toContain('Carol');

    unmount();
    const again = renderChat(<Contacts {...screenProps({ name: 'contacts' }).props} />, { client, chat });
    const dismiss = again.getByRole('button', { name: 'Dismiss the notice about Carol' });
    expect(dismiss.className).toContain('qc-secondary');
    fireEvent.click(dismiss);
    await waitFor(() => expect(again.queryByText('Didn’t accept your request')).toBeNull());
    expect(again.queryByRole('heading', { name: 'Sent requests' })).toBeNull();
  });

  it('hears the answer while another screen is open, and shows it when Contacts opens', async () => {
    const { client, chat, unmount } = setup();
    unmount(); // e.g. reading a thread: Contacts is not mounted, the signed-in session is
    client.emit('relationChanged', { event: { kind: 'friendship', seq: 9, at: 1, peerId: 'u_carol', status: 'none', actorId: 'u_carol' } });
    client.friendsStore.update((s) => ({ ...s, outgoing: [] }));
    const later = renderChat(<Contacts {...screenProps({ name: 'contacts' }).props} />, { client, chat });
    await waitFor(() => expect(later.getByText('Didn’t accept your request').closest('li')!.textContent).toContain('Carol'));
  });

  it('says nothing when the sender cancelled the request themselves, or for events about others', async () => {
    const { queryByText, client } = setup();
    client.emit('relationChanged', { event: { kind: 'friendship', seq: 9, at: 1, peerId: 'u_carol', status: 'none', actorId: ME } });
    client.emit('relationChanged', { event: { kind: 'friendship', seq: 10, at: 1, peerId: 'u_bob', status: 'none', actorId: 'u_bob' } }); // Bob withdrew his own request to me
    client.friendsStore.update((s) => ({ ...s, outgoing: [], incoming: [] }));
    await new Promise((r) => setTimeout(r, 10));
    expect(queryByText('Didn’t accept your request')).toBeNull();
    expect(queryByText(/didn’t accept/)).toBeNull();
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

describe('the Contacts screen’s words', () => {
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  it('exist in every locale of the widget, with the same keys and placeholders, none empty', () => {
    expect(Object.keys(CONTACTS_STRINGS).sort()).toEqual(Object.keys(LOCALES).sort());
    const reference = CONTACTS_STRINGS.en;
    for (const [locale, words] of Object.entries(CONTACTS_STRINGS)) {
      expect(Object.keys(words).sort(), locale).toEqual(Object.keys(reference).sort());
      for (const key of Object.keys(reference) as (keyof typeof reference)[]) {
        expect(placeholders(words[key]), `${locale} ${key}`).toEqual(placeholders(reference[key]));
        expect(words[key].trim(), `${locale} ${key}`).not.toBe('');
      }
    }
  });
});
