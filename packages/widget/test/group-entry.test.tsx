// @vitest-environment happy-dom
import { fireEvent, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { mount } from '../src/index.js';
import type { WidgetHandle } from '../src/options.js';
import { FakeClient, conversation, dmId, message, ME, user } from './support/fake-client.js';
import { GROUP_ID, serveGroup } from './support/group-rest.js';

const handles: WidgetHandle[] = [];
afterEach(() => {
  for (const h of handles.splice(0)) h.unmount();
  document.body.innerHTML = '';
});

function setup(group: { role: 'owner' | 'admin' | 'member'; left?: boolean } = { role: 'member' }) {
  document.body.innerHTML = '<div id="chat"></div>';
  const client = new FakeClient();
  const alice = dmId(ME, 'u_alice');
  client.friendsStore.update((s) => ({ ...s, friends: [{ user: user('u_alice', 'Alice'), status: 'friends', memo: null, since: 1 }] }));
  client.setConversations(
    conversation('u_alice', { lastSeq: 1, lastMessage: message(alice, 'u_alice', 1, 'hello') }),
    conversation('', { conversationId: GROUP_ID, kind: 'group', peerId: null, lastSeq: 1, lastMessage: message(GROUP_ID, 'u_alice', 1, 'hi all'), group: { name: 'Climbers', avatarUrl: null, memberCount: 3, role: group.role }, left: group.left ?? false }),
  );
  const rest = serveGroup(client, { myRole: group.role });
  handles.push(mount('#chat', { client: client.asClient(), layout: 'inline' }));
  const shadow = document.querySelector('[data-quickchat]')!.shadowRoot!;
  return { client, rest, shadow, ui: within(shadow.lastElementChild as HTMLElement) };
}

describe('entry points to the group and search screens', () => {
  it('the chat list opens a new group, and back', async () => {
    const { ui, shadow } = setup();
    fireEvent.click(await ui.findByRole('button', { name: 'New group' }));
    const heading = await ui.findByRole('heading', { level: 2, name: 'New group' });
    expect(shadow.activeElement).toBe(heading);
    expect(ui.queryByRole('navigation')).toBeNull();
    fireEvent.click(ui.getByRole('button', { name: 'Back to chats' }));
    expect(await ui.findByRole('heading', { level: 2, name: 'Chats' })).toBeTruthy();
  });

  it('the chat list opens the search', async () => {
    const { ui } = setup();
    fireEvent.click(await ui.findByRole('button', { name: 'Search messages' }));
    expect(await ui.findByRole('heading', { level: 2, name: 'Search' })).toBeTruthy();
    expect(ui.getByRole('search')).toBeTruthy();
  });

  it('a group thread’s header opens the group’s info, whose back button returns to the thread', async () => {
    const { ui, rest } = setup({ role: 'admin' });
    fireEvent.click(await ui.findByRole('button', { name: /Climbers/ }));
    await ui.findByRole('heading', { level: 2, name: 'Climbers' });
    fireEvent.click(ui.getByRole('button', { name: 'Group info' }));
    expect(await ui.findByRole('heading', { level: 3, name: 'Members' })).toBeTruthy();
    expect(rest.calls()).toContain(`GET /api/groups/${encodeURIComponent(GROUP_ID)}`);
    fireEvent.click(ui.getByRole('button', { name: 'Back to the chat' }));
    await waitFor(() => expect(ui.queryByRole('button', { name: 'Group info' })).toBeTruthy());
    expect(ui.getByRole('log')).toBeTruthy();
  });

  it('offers no group info in a DM, nor in a group the user left', async () => {
    const { ui } = setup({ role: 'member', left: true });
    fireEvent.click(await ui.findByRole('button', { name: /Alice/ }));
    await ui.findByRole('heading', { level: 2, name: 'Alice' });
    expect(ui.queryByRole('button', { name: 'Group info' })).toBeNull();
    fireEvent.click(ui.getByRole('button', { name: 'Back to chats' }));
    fireEvent.click(await ui.findByRole('button', { name: /Climbers/ }));
    await ui.findByRole('heading', { level: 2, name: 'Climbers' });
    expect(ui.queryByRole('button', { name: 'Group info' })).toBeNull();
  });
});
