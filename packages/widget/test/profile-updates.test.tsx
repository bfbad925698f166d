// @vitest-environment happy-dom
import { cleanup, render, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@quickchat/sdk';
import { ConnectionBanner } from '../src/components/connection-banner.js';
import { ConversationList } from '../src/screens/conversation-list.js';
import { Thread } from '../src/screens/thread.js';
import { ChatContext, EnvContext } from '../src/state/context.js';
import { Profiles } from '../src/state/profiles.js';
import { errorKey } from '../src/util/errors.js';
import { translator } from '../src/i18n/index.js';
import { ME, FakeClient, conversation, dmId, user } from './support/fake-client.js';
import { chatEnv, renderChat, screenProps, testEnv } from './support/render.js';

afterEach(cleanup);

const BOB = 'u_bob';
const CONV = dmId(ME, BOB);

function friendsWithBob() {
  const client = new FakeClient();
  client.friendsStore.update((s) => ({ ...s, friends: [{ user: user(BOB, 'Bob'), status: 'friends', memo: null, since: 1 }] }));
  client.setConversations(conversation(BOB, { lastSeq: 0 }));
  client.setMessages(CONV, []);
  return client;
}

describe("a friend's profile change (issue 9)", () => {
  it('shows the new name in the chat list without a reload, from a userUpdated event', async () => {
    const client = friendsWithBob();
    const { getByRole } = renderChat(<ConversationList {...screenProps({ name: 'chats' }).props} />, { client });
    await waitFor(() => expect(getByRole('button', { name: /Bob/ })).toBeTruthy());
    client.emit('userUpdated', { user: user(BOB, 'Robert') });
    await waitFor(() => expect(getByRole('button', { name: /Robert/ })).toBeTruthy());
  });

  it('shows the new name in the thread header when the friends store is patched', async () => {
    const client = friendsWithBob();
    const { getByRole } = renderChat(<Thread {...screenProps({ name: 'thread', conversationId: CONV }).props} />, { client });
    await waitFor(() => expect(getByRole('heading', { level: 2 }).textContent).toBe('Bob'));
    client.friendsStore.update((s) => ({ ...s, friends: s.friends.map((f) => ({ ...f, user: user(BOB, 'Robert') })) }));
    await waitFor(() => expect(getByRole('heading', { level: 2 }).textContent).toBe('Robert'));
  });

  it('stops following userUpdated when disposed', () => {
    const client = friendsWithBob();
    const before = client.listenerCount();
    const profiles = new Profiles(client, client.friends);
    expect(client.listenerCount()).toBe(before + 1);
    profiles.dispose();
    expect(client.listenerCount()).toBe(before);
  });
});

describe('a refused origin', () => {
  it('maps origin_not_allowed to a message for the site owner naming the page origin, and logs it to the console once', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const err = new ApiError('origin_not_allowed', 'origin not allowed', 403);
      expect(errorKey(err)).toBe('error.originNotAllowed');
      expect(errorKey(err)).toBe('error.originNotAllowed');
      const text = translator('en')('error.originNotAllowed');
      expect(text).toBe(`This site isn’t allowed to use this chat server. The site owner must add ${location.origin} to the server’s allowed origins.`);
      expect(translator('zh-CN')('error.originNotAllowed')).toContain(location.origin);
      expect(log).toHaveBeenCalledTimes(1);
      expect(String(log.mock.calls[0]![0])).toContain('--allowed-origins');
    } finally {
      log.mockRestore();
    }
  });

  it('the connection banner says so when the client reports it, until it connects', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const client = new FakeClient();
      const env = testEnv({ client });
      const { container } = render(
        <EnvContext.Provider value={env}>
          <ChatContext.Provider value={chatEnv(client)}>
            <ConnectionBanner />
          </ChatContext.Provider>
        </EnvContext.Provider>,
      );
      client.setConnection('reconnecting');
      client.emit('error', { error: new ApiError('origin_not_allowed', 'origin not allowed', 403) });
      await waitFor(() => expect(container.textContent).toContain('This site isn’t allowed to use this chat server'));
      client.setConnection('connected');
      await waitFor(() => expect(container.textContent).toBe(''));
    } finally {
      log.mockRestore();
    }
  });
});
