// @vitest-environment happy-dom
import { fireEvent, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { mount } from '../src/index.js';
import type { WidgetHandle } from '../src/options.js';
import { FakeClient, conversation, dmId, message, ME, user } from './support/fake-client.js';

const handles: WidgetHandle[] = [];
afterEach(() => {
  for (const h of handles.splice(0)) h.unmount();
  document.body.innerHTML = '';
});

function setup() {
  document.body.innerHTML = '<div id="chat"></div>';
  const client = new FakeClient();
  const alice = dmId(ME, 'u_alice');
  client.friendsStore.update((s) => ({ ...s, friends: [{ user: user('u_alice', 'Alice'), status: 'friends', memo: null, since: 1 }] }));
  client.setConversations(conversation('u_alice', { unread: 1, lastSeq: 1, lastMessage: message(alice, 'u_alice', 1, 'hello') }));
  client.setMessages(alice, [message(alice, 'u_alice', 1, 'hello')]);
  handles.push(mount('#chat', { client: client.asClient(), layout: 'inline' }));
  const shadow = document.querySelector('[data-quickchat]')!.shadowRoot!;
  return { client, alice, shadow, ui: within(shadow.lastElementChild as HTMLElement) };
}

describe('navigation shell', () => {
  it('goes list → thread → back, moving focus to each screen’s heading', async () => {
    const { ui, shadow, client, alice } = setup();
    fireEvent.click(await ui.findByRole('button', { name: /Alice/ }));
    const heading = await ui.findByRole('heading', { level: 2, name: 'Alice' });
    expect(shadow.activeElement).toBe(heading);
    expect(ui.getByRole('log').textContent).toContain('hello');
    expect(ui.queryByRole('navigation')).toBeNull(); // the thread uses the whole height
    await waitFor(() => expect(client.calls.markRead).toEqual([alice]));
    fireEvent.click(ui.getByRole('button', { name: 'Back to chats' }));
    const chats = await ui.findByRole('heading', { level: 2, name: 'Chats' });
    expect(shadow.activeElement).toBe(chats);
  });

  it('switches tabs, marking the current one', async () => {
    const { ui } = setup();
    const nav = await ui.findByRole('navigation', { name: 'Chat sections' });
    expect(within(nav).getByRole('button', { name: 'Chats' }).getAttribute('aria-current')).toBe('page');
    fireEvent.click(within(nav).getByRole('button', { name: 'Contacts' }));
    expect(await ui.findByRole('heading', { level: 2, name: 'Contacts' })).toBeTruthy();
    expect(within(ui.getByRole('navigation')).getByRole('button', { name: 'Contacts' }).getAttribute('aria-current')).toBe('page');
    fireEvent.click(ui.getByRole('button', { name: 'Message Alice' }));
    expect(await ui.findByRole('heading', { level: 2, name: 'Alice' })).toBeTruthy();
    fireEvent.click(ui.getByRole('button', { name: 'Back to chats' }));
    fireEvent.click(within(await ui.findByRole('navigation')).getByRole('button', { name: 'Profile' }));
    expect(await ui.findByRole('heading', { level: 2, name: 'Profile' })).toBeTruthy();
  });

  it('keeps a draft when leaving a conversation and coming back', async () => {
    const { ui } = setup();
    fireEvent.click(await ui.findByRole('button', { name: /Alice/ }));
    fireEvent.input(await ui.findByRole('textbox', { name: 'Message to Alice' }), { target: { value: 'half a thought' } });
    fireEvent.click(ui.getByRole('button', { name: 'Back to chats' }));
    fireEvent.click(await ui.findByRole('button', { name: /Alice/ }));
    expect(((await ui.findByRole('textbox', { name: 'Message to Alice' })) as HTMLTextAreaElement).value).toBe('half a thought');
  });

  it('shows reconnecting and offline banners', async () => {
    const { ui, client } = setup();
    await ui.findByRole('heading', { level: 2, name: 'Chats' });
    client.setConnection('reconnecting');
    await waitFor(() => expect(ui.getAllByRole('status')[0]!.textContent).toBe('Connection lost. Reconnecting…'));
    client.setConnection('connected');
    await waitFor(() => expect(ui.getAllByRole('status')[0]!.textContent).toBe(''));
    client.setConnection('disconnected');
    await waitFor(() => expect(ui.getAllByRole('status')[0]!.textContent).toContain('Not connected.'));
    fireEvent.click(ui.getByRole('button', { name: 'Try again' }));
    expect(client.calls.connect).toBe(1);
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    try {
      window.dispatchEvent(new Event('offline'));
      await waitFor(() => expect(ui.getAllByRole('status')[0]!.textContent).toBe('You’re offline. Messages will be sent when you’re back online.'));
      // A working socket beats the browser's guess: some networks (a loopback-only host, a
      // captive VPN) report offline while the chat server is reachable.
      client.setConnection('connected');
      await waitFor(() => expect(ui.getAllByRole('status')[0]!.textContent).toBe(''));
    } finally {
      delete (navigator as unknown as Record<string, unknown>)['onLine'];
    }
  });
});
