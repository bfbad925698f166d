/**
 * An echo bot on the quickchat SDK. It signs in (registering on first run), accepts every
 * friend request, and answers each direct message with "echo: <text>".
 *
 *   npm start -- --allow-no-origin          # the server; Node clients send no Origin header
 *   npx tsx --conditions=source examples/node-bot/bot.ts
 *
 * Environment: QUICKCHAT_URL (default http://localhost:8787), BOT_HANDLE (default echobot),
 * BOT_PASSWORD (default echobot-password), BOT_NAME (default "Echo Bot").
 */
import WebSocket from 'ws';
import { ApiError, RestClient, createClient, type ChatClient, type WebSocketConstructor } from '@quickchat/sdk';
import { friendsOf } from '@quickchat/sdk/friends';

/** Settings of {@link startEchoBot}. */
export interface EchoBotOptions {
  url: string;
  handle: string;
  password: string;
  displayName: string;
}

/** Makes sure the bot's account exists: registers it unless the handle is already taken. */
async function ensureAccount(options: EchoBotOptions): Promise<void> {
  const rest = new RestClient(options.url, fetch, null);
  try {
    await rest.register(options.handle, options.displayName, options.password);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 'conflict')) throw err;
  }
}

/** Starts the bot; resolves with its client once it is connected and caught up. */
export async function startEchoBot(options: EchoBotOptions): Promise<ChatClient> {
  await ensureAccount(options);
  const client = createClient({
    url: options.url,
    auth: { handle: options.handle, password: options.password },
    WebSocket: WebSocket as unknown as WebSocketConstructor,
  });
  client.on('message', ({ message }) => {
    if (message.senderId === client.userId || message.content.type !== 'text') return;
    client.send(message.conversationId, `echo: ${message.content.text}`);
    client.markRead(message.conversationId);
  });
  // Friends, requests and blocks: the lists load on the first `synced` and follow events.
  const friends = friendsOf(client);
  const acceptAll = () => {
    for (const request of friends.store.getState().incoming) {
      void friends.accept(request.user.id).catch((err: unknown) => console.error('accept failed', err));
    }
  };
  friends.store.subscribe((s) => s.incoming, acceptAll);
  client.on('error', ({ error }) => console.error(`[echo bot] ${error.code}: ${error.message}`));
  await new Promise<void>((resolve) => {
    const off = client.on('synced', () => {
      off();
      resolve();
    });
  });
  acceptAll();
  return client;
}

const isMain = process.argv[1]?.endsWith('bot.ts');
if (isMain) {
  const options: EchoBotOptions = {
    url: process.env['QUICKCHAT_URL'] ?? 'http://localhost:8787',
    handle: process.env['BOT_HANDLE'] ?? 'echobot',
    password: process.env['BOT_PASSWORD'] ?? 'echobot-password',
    displayName: process.env['BOT_NAME'] ?? 'Echo Bot',
  };
  startEchoBot(options).then(
    (client) => {
      console.log(`[echo bot] @${options.handle} (${client.userId}) is online at ${options.url}; send it a friend request`);
      const stop = () => {
        client.close();
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (err: unknown) => {
      console.error('[echo bot] could not start:', err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
