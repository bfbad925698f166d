import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/test/support/server.js';
import { Rest } from '../../packages/server/test/support/rest.js';
import { RawClient } from '../../packages/server/test/support/ws-client.js';
import { dmConversationId, type ChatClient } from '@quickchat/sdk';
import type { MessageFrame } from '@quickchat/protocol';
import { startEchoBot } from './bot.js';

describe('examples/node-bot', () => {
  let t: TestServer;
  let bot: ChatClient | null = null;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => {
    bot?.close();
    await t.stop();
  });

  it('accepts a friend request and echoes a direct message', async () => {
    bot = await startEchoBot({ url: t.url, handle: 'echobot', password: 'echobot-password', displayName: 'Echo Bot' });
    const rest = new Rest(t.url);
    const user = await rest.register('visitor');
    const found = await rest.call('GET', '/api/users/by-handle/echobot', { token: user.token });
    expect(found.status).toBe(200);
    const socket = await RawClient.connect(t.wsUrl, user.token);
    try {
      const request = await rest.call('POST', '/api/friend-requests', { token: user.token, body: { userId: found.body.id } });
      expect(request.status).toBe(200);
      // The bot accepts on its own: wait for the friendship event to reach the visitor.
      await socket.next((f) => f.type === 'event' && f.event.kind === 'friendship' && f.event.status === 'friends');
      const conv = dmConversationId(user.id, found.body.id);
      socket.send({ type: 'send', id: 1, conversationId: conv, clientMsgId: 'hello-1', content: { type: 'text', text: 'ping?' } });
      const echo = await socket.next<MessageFrame>((f) => f.type === 'message' && f.message.senderId === found.body.id);
      expect(echo.message.content).toEqual({ type: 'text', text: 'echo: ping?' });
    } finally {
      await socket.close();
    }
  });
});
