// @vitest-environment happy-dom
/**
 * What the widget shows of groups until their own screens arrive: system notices as one centered,
 * muted line naming people (display names where known, "You" for the user), in both languages;
 * the group's name in the list and the thread; and, in a group the user left, a note instead of
 * the composer.
 */
import { cleanup, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalMessage, SystemContent } from '@quickchat/sdk';
import { ConversationList } from '../src/screens/conversation-list.js';
import { Thread } from '../src/screens/thread.js';
import { translator } from '../src/i18n/index.js';
import { systemNotice } from '../src/util/system-notice.js';
import { ME, FakeClient, conversation, message, user } from './support/fake-client.js';
import { renderChat, screenProps } from './support/render.js';

afterEach(cleanup);

const G = 'g:climbers';
const brief = { name: 'Climbers', avatarUrl: null, memberCount: 4, role: 'member' as const };
const notice = (seq: number, content: Omit<SystemContent, 'type'>): LocalMessage => ({ ...message(G, content.actorId, seq, ''), content: { type: 'system', ...content } });

function groupClient(items: LocalMessage[], extra: { left?: boolean } = {}) {
  const client = new FakeClient();
  client.profiles.set('u_ann', user('u_ann', 'Ann'));
  client.profiles.set('u_bob', user('u_bob', 'Bob'));
  client.setConversations({ ...conversation('x', { lastSeq: items.length, lastMessage: items.at(-1) ?? null }), conversationId: G, kind: 'group', peerId: null, group: brief, ...extra });
  client.setMessages(G, items, false);
  return client;
}

describe('system notices', () => {
  it('build one line from action, actor and targets, in English and Chinese', () => {
    const people = { u_ann: user('u_ann', 'Ann'), u_bob: user('u_bob', 'Bob') };
    const line = (locale: 'en' | 'zh-CN', content: Omit<SystemContent, 'type'>) => {
      const t = translator(locale);
      return systemNotice({ type: 'system', ...content }, people, ME, t);
    };
    expect(line('en', { action: 'added', actorId: 'u_ann', targetIds: ['u_bob', 'u_zed'] })).toBe('Ann added Bob, u_zed');
    expect(line('zh-CN', { action: 'added', actorId: 'u_ann', targetIds: ['u_bob', 'u_zed'] })).toBe('Ann 将 Bob、u_zed 加入了群聊');
    expect(line('en', { action: 'joined', actorId: ME })).toBe('You joined');
    expect(line('zh-CN', { action: 'removed', actorId: 'u_ann', targetIds: [ME] })).toBe('Ann 将 你 移出了群聊');
    expect(line('en', { action: 'role_changed', actorId: 'u_ann', targetIds: [ME], role: 'admin' })).toBe('Ann made you an admin');
    expect(line('en', { action: 'owner_changed', actorId: 'u_ann', targetIds: ['u_bob'] })).toBe('Ann made Bob the owner');
    expect(line('en', { action: 'edited', actorId: 'u_ann', changes: { name: 'Boulderers' } })).toBe('Ann renamed the group to “Boulderers”');
    expect(line('zh-CN', { action: 'edited', actorId: 'u_ann', changes: { joinMode: 'closed' } })).toBe('Ann 修改了群设置');
    for (const action of ['created', 'approved', 'left', 'removed', 'dissolved'] as const) {
      for (const locale of ['en', 'zh-CN'] as const) expect(line(locale, { action, actorId: 'u_ann', targetIds: ['u_bob'] })).toMatch(/Ann/);
    }
  });

  it('show in the thread as a centered line among the messages, with display names', async () => {
    const client = groupClient([notice(1, { action: 'added', actorId: 'u_ann', targetIds: [ME, 'u_bob'] }), message(G, 'u_bob', 2, 'hello all')]);
    const { getByRole } = renderChat(<Thread {...screenProps({ name: 'thread', conversationId: G }).props} />, { client });
    const log = getByRole('log');
    await waitFor(() => expect(log.querySelector('.qc-system')?.textContent).toBe('Ann added you, Bob'));
    expect(log.textContent).toContain('hello all');
    expect(log.querySelectorAll('.qc-bubble')).toHaveLength(1); // the notice is no bubble
    expect(getByRole('heading', { level: 2 }).textContent).toBe('Climbers');
  });

  it('preview a group in the list under its name, without "You:"', async () => {
    const client = groupClient([notice(1, { action: 'joined', actorId: ME })]);
    const { findByRole } = renderChat(<ConversationList {...screenProps({ name: 'chats' }).props} />, { client });
    const row = await findByRole('button', { name: /Climbers/ });
    expect(row.querySelector('[data-preview]')!.textContent).toBe('You joined');
  });
});

describe('a group the user left', () => {
  it('keeps its messages and shows a note instead of the composer', async () => {
    const client = groupClient([message(G, 'u_bob', 1, 'still here'), notice(2, { action: 'removed', actorId: 'u_ann', targetIds: [ME] })], { left: true });
    const { getByRole, queryByRole, getByText } = renderChat(<Thread {...screenProps({ name: 'thread', conversationId: G }).props} />, { client });
    await waitFor(() => expect(getByRole('log').textContent).toContain('still here'));
    expect(getByRole('log').textContent).toContain('Ann removed you');
    expect(queryByRole('textbox')).toBeNull();
    expect(getByText(/no longer in this group/)).toBeTruthy();
  });
});
