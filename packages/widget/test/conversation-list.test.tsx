// @vitest-environment happy-dom
import { cleanup, fireEvent, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { ConversationList } from '../src/screens/conversation-list.js';
import { ME, FakeClient, conversation, dmId, message, user } from './support/fake-client.js';
import { renderChat, screenProps } from './support/render.js';

afterEach(cleanup);

function listClient() {
  const client = new FakeClient();
  client.friendsStore.update((s) => ({ ...s, friends: [{ user: user('u_alice', 'Alice'), status: 'friends', memo: null, since: 1 }] }));
  client.profiles.set('u_bob', user('u_bob', 'Bob Builder', { handle: 'bobby' }));
  const alice = dmId(ME, 'u_alice');
  const bob = dmId(ME, 'u_bob');
  client.setConversations(
    conversation('u_alice', { unread: 3, lastSeq: 7, lastMessage: message(alice, 'u_alice', 7, 'see you <b>tomorrow</b>', { createdAt: Date.now() - 1000 }) }),
    conversation('u_bob', { unread: 0, lastSeq: 2, lastMessage: message(bob, ME, 2, 'my last words', { createdAt: Date.now() - 5000 }) }),
  );
  return { client, alice, bob };
}

describe('conversation list', () => {
  it('shows names, previews and unread badges, newest first', async () => {
    const { client } = listClient();
    const { getAllByRole } = renderChat(<ConversationList {...screenProps({ name: 'chats' }).props} />, { client });
    await waitFor(() => expect(getAllByRole('button', { name: /Bob Builder/ })).toHaveLength(1));
    const rows = getAllByRole('listitem');
    expect(rows).toHaveLength(2);
    const [first, second] = rows.map((r: HTMLElement) => within(r).getByRole('button'));
    expect(first!.textContent).toContain('Alice');
    expect(first!.querySelector('[data-preview]')!.textContent).toBe('see you <b>tomorrow</b>');
    expect(first!.querySelector('b')).toBeNull();
    expect(first!.querySelector('.qc-badge')!.textContent).toBe('3');
    expect(within(first!).getByText('3 unread messages')).toBeTruthy();
    expect(second!.querySelector('[data-preview]')!.textContent).toBe('You: my last words');
    expect(second!.querySelector('.qc-badge')).toBeNull();
  });

  it('marks a conversation that mentions you with an @ badge beside its unread count, said to screen readers', async () => {
    const client = new FakeClient();
    const group = conversation('u_x', { unread: 4, mentions: 2, lastSeq: 9, lastMessage: message(dmId(ME, 'u_alice'), 'u_alice', 9, '@me look', { createdAt: Date.now() }) });
    client.setConversations(group, conversation('u_bob', { unread: 5, mentions: 0, lastSeq: 1 }));
    const { getAllByRole } = renderChat(<ConversationList {...screenProps({ name: 'chats' }).props} />, { client });
    await waitFor(() => expect(getAllByRole('listitem')).toHaveLength(2));
    const [mentioned, plain] = getAllByRole('listitem').map((r: HTMLElement) => within(r).getByRole('button'));
    expect([...mentioned!.querySelectorAll('.qc-badge')].map((b) => b.textContent)).toEqual(['@', '4']);
    expect(within(mentioned!).getByText('You were mentioned')).toBeTruthy();
    expect([...plain!.querySelectorAll('.qc-badge')].map((b) => b.textContent)).toEqual(['5']);
    expect(within(plain!).queryByText('You were mentioned')).toBeNull();
  });

  it('filters by name, handle or message text', async () => {
    const { client } = listClient();
    const { getByRole, queryAllByRole, getByText } = renderChat(<ConversationList {...screenProps({ name: 'chats' }).props} />, { client });
    const filter = getByRole('searchbox', { name: 'Filter chats' });
    fireEvent.input(filter, { target: { value: 'BOBBY' } });
    await waitFor(() => expect(queryAllByRole('listitem')).toHaveLength(1));
    expect(getByRole('button', { name: /Bob Builder/ })).toBeTruthy();
    fireEvent.input(filter, { target: { value: 'tomorrow' } });
    await waitFor(() => expect(getByRole('button', { name: /Alice/ })).toBeTruthy());
    expect(queryAllByRole('listitem')).toHaveLength(1);
    fireEvent.input(filter, { target: { value: 'nobody' } });
    await waitFor(() => expect(getByText('No chats match “nobody”.')).toBeTruthy());
    fireEvent.input(filter, { target: { value: '' } });
    await waitFor(() => expect(queryAllByRole('listitem')).toHaveLength(2));
  });

  it('opens a conversation', () => {
    const { client, alice } = listClient();
    const { props, routes } = screenProps({ name: 'chats' });
    const { getByRole } = renderChat(<ConversationList {...props} />, { client });
    fireEvent.click(getByRole('button', { name: /Alice/ }));
    expect(routes).toEqual([{ name: 'thread', conversationId: alice }]);
  });

  it('updates live when a message arrives', async () => {
    const { client, bob } = listClient();
    const { getByRole } = renderChat(<ConversationList {...screenProps({ name: 'chats' }).props} />, { client });
    client.setConversations(conversation('u_bob', { unread: 1, lastSeq: 3, lastMessage: message(bob, 'u_bob', 3, 'new from bob', { createdAt: Date.now() }) }));
    await waitFor(() => expect(getByRole('button', { name: /new from bob/ }).querySelector('.qc-sr')!.textContent).toBe('1 unread message'));
  });

  it('says when it is loading and when there is nothing yet', async () => {
    const client = new FakeClient();
    client.connectionState = 'connecting';
    const { getByRole, getByText } = renderChat(<ConversationList {...screenProps({ name: 'chats' }).props} />, { client });
    expect(getByRole('status').textContent).toBe('Loading…');
    client.emit('synced', { userId: ME, conversations: 0, backfilled: 0, eventsLimited: false });
    await waitFor(() => expect(getByText('No chats yet. Add a friend in Contacts to start one.')).toBeTruthy());
  });
});
