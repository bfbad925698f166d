// @vitest-environment happy-dom
import { waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { mount } from '../src/index.js';
import type { WidgetHandle } from '../src/options.js';
import { FakeClient, conversation } from './support/fake-client.js';

const handles: WidgetHandle[] = [];
afterEach(() => {
  for (const h of handles.splice(0)) h.unmount();
  document.body.innerHTML = '';
});

function mounted(target: Element | string, options: Parameters<typeof mount>[1]) {
  const handle = mount(target, options);
  handles.push(handle);
  const host = document.querySelector('[data-quickchat]') as HTMLElement;
  const ui = within(host.shadowRoot!.lastElementChild as HTMLElement);
  return { handle, host, ui };
}

describe('mount()', () => {
  it('renders inside a shadow root and unmount leaves nothing behind', async () => {
    document.body.innerHTML = '<main id="page"><p>host content</p></main>';
    const before = document.body.innerHTML;
    const client = new FakeClient();
    const { handle, host, ui } = mounted('#page', { client: client.asClient(), layout: 'inline' });
    expect(host.parentElement?.id).toBe('page');
    expect(host.shadowRoot).not.toBeNull();
    expect(await ui.findByRole('heading', { level: 2, name: 'Chats' })).toBeTruthy();
    expect(document.activeElement).toBe(document.body); // mounting never steals the page's focus
    // Nothing rendered into the light DOM: page selectors can't reach the UI.
    expect(host.children).toHaveLength(0);
    expect(document.querySelectorAll('.qc-root')).toHaveLength(0);
    expect(handle.client).toBe(client.asClient());
    await waitFor(() => expect(client.listenerCount()).toBeGreaterThan(0));
    expect(client.holds()).toBeGreaterThan(client.listenerCount());

    handle.unmount();
    handle.unmount(); // twice is fine
    expect(document.body.innerHTML).toBe(before);
    expect(client.holds()).toBe(0);
    // The host's own client is the host's to close.
    expect(client.calls.close).toBe(0);
  });

  it('closes the client it created itself', () => {
    document.body.innerHTML = '<div id="chat"></div>';
    const { handle } = mounted('#chat', { url: 'http://127.0.0.1:9', auth: { token: 'not-a-real-token' }, layout: 'inline', clientOptions: { autoConnect: false } });
    const client = handle.client!;
    expect(client.connectionState).toBe('idle');
    handle.unmount();
    expect(client.connectionState).toBe('closed');
    expect(handle.client).toBeNull();
  });

  it('puts its styles in the shadow root and themes through custom properties', () => {
    document.body.innerHTML = '<div id="chat"></div>';
    const { host } = mounted('#chat', { client: new FakeClient().asClient(), layout: 'inline', theme: 'dark', themeTokens: { accent: 'rebeccapurple', accentText: '#fff' } });
    const shadow = host.shadowRoot!;
    const css = shadow.adoptedStyleSheets.length
      ? shadow.adoptedStyleSheets.flatMap((s) => [...s.cssRules].map((r) => r.cssText)).join('\n')
      : (shadow.querySelector('style')?.textContent ?? '');
    expect(css).toContain('--qc-accent');
    expect(document.head.querySelector('style')).toBeNull();
    expect(host.getAttribute('data-theme')).toBe('dark');
    expect(host.style.getPropertyValue('--qc-accent')).toBe('rebeccapurple');
    expect(host.style.getPropertyValue('--qc-accent-text')).toBe('#fff');
    // No style attribute written as markup anywhere inside (a strict CSP would block it).
    expect(shadow.querySelectorAll('[style]')).toHaveLength(0);
  });

  it('falls back to a <style> element with the nonce where constructable stylesheets are missing', () => {
    document.body.innerHTML = '<div id="chat"></div>';
    const proto = ShadowRoot.prototype as unknown as Record<string, unknown>;
    const descriptor = Object.getOwnPropertyDescriptor(proto, 'adoptedStyleSheets');
    delete proto['adoptedStyleSheets'];
    try {
      const { host } = mounted('#chat', { client: new FakeClient().asClient(), layout: 'inline', nonce: 'r4nd0m' });
      const style = host.shadowRoot!.querySelector('style');
      expect(style?.getAttribute('nonce')).toBe('r4nd0m');
      expect(style?.textContent).toContain('--qc-accent');
    } finally {
      if (descriptor) Object.defineProperty(proto, 'adoptedStyleSheets', descriptor);
    }
  });

  it('launcher: a button with the unread count opens and closes the panel', async () => {
    const client = new FakeClient();
    client.setConversations(conversation('u_a', { unread: 2 }), conversation('u_b', { unread: 3 }));
    const changes: boolean[] = [];
    const unread: number[] = [];
    const { handle, ui } = mounted(document.body, { client: client.asClient(), onOpenChange: (o) => changes.push(o), onUnreadChange: (n) => unread.push(n) });
    const launcher = ui.getByRole('button', { name: /Open chat/ });
    expect(launcher.getAttribute('aria-expanded')).toBe('false');
    expect(launcher.textContent).toContain('5 unread');
    expect(ui.queryByRole('dialog')).toBeNull();
    launcher.click();
    const panel = await ui.findByRole('dialog', { name: 'Chat' });
    expect(within(panel).getByRole('heading', { level: 2, name: 'Chats' })).toBeTruthy();
    expect(launcher.getAttribute('aria-expanded')).toBe('true');
    within(panel).getByRole('button', { name: 'Close chat' }).click();
    await waitFor(() => expect(ui.queryByRole('dialog')).toBeNull());
    handle.open();
    await waitFor(() => expect(ui.queryByRole('dialog')).not.toBeNull());
    handle.close();
    expect(changes).toEqual([true, false, true, false]);
    expect(unread).toEqual([5]);
    client.setConversations(conversation('u_a', { unread: 0 }));
    await waitFor(() => expect(unread).toEqual([5, 3]));
  });

  it('speaks the requested language', async () => {
    document.body.innerHTML = '<div id="chat"></div>';
    const { ui } = mounted('#chat', { client: new FakeClient().asClient(), layout: 'inline', locale: 'zh-CN' });
    expect(await ui.findByRole('heading', { level: 2, name: '会话' })).toBeTruthy();
    expect(ui.getByRole('searchbox', { name: '筛选会话' })).toBeTruthy();
  });

  it('refuses a missing target or missing options clearly', () => {
    expect(() => mount('#nope', { client: new FakeClient().asClient() })).toThrow(/no element matches #nope/);
    expect(() => mount(document.body, {} as never)).toThrow(/needs options.url and options.auth/);
    expect(document.querySelector('[data-quickchat]')).toBeNull();
  });
});
