/** Renders widget parts inside the contexts they expect, with a {@link FakeClient}. */
import './locales.js';
import { render, type RenderResult } from '@testing-library/preact';
import type { ComponentChildren } from 'preact';
import { createStore } from '@quickchat/sdk';
import { DialogHost } from '../../src/components/dialog.js';
import { resolveLocale, translator } from '../../src/i18n/index.js';
import type { Route, ScreenProps } from '../../src/screens/navigation.js';
import { ChatContext, EnvContext, type ChatEnv, type WidgetEnv } from '../../src/state/context.js';
import { Drafts } from '../../src/state/drafts.js';
import { Profiles } from '../../src/state/profiles.js';
import { DeclinedRequests } from '../../src/state/declined-requests.js';
import { Session } from '../../src/state/session.js';
import { FakeClient } from './fake-client.js';

export type Rendered = RenderResult & {
  client: FakeClient;
  env: WidgetEnv;
  drafts: Drafts;
  /** The signed-in context used; pass it as `chat` to render another screen of the same session. */
  chat: ChatEnv;
};

/** Renders `ui` signed in with `client` (a fresh FakeClient by default), under a dialog host like the shell's. */
export function renderChat(ui: ComponentChildren, options: { client?: FakeClient; locale?: string; visible?: boolean; chat?: ChatEnv } = {}): Rendered {
  const client = options.client ?? new FakeClient();
  const env = testEnv({ client, locale: options.locale });
  const chat = options.chat ?? chatEnv(client, options.visible);
  const result = render(
    <EnvContext.Provider value={env}>
      <ChatContext.Provider value={chat}>
        <DialogHost>{ui}</DialogHost>
      </ChatContext.Provider>
    </EnvContext.Provider>,
  );
  return { ...result, client, env, drafts: chat.drafts, chat };
}

/** The signed-in context of `client`, as the chat root builds it. */
export function chatEnv(client: FakeClient, visible = true): ChatEnv {
  return { client, friends: client.friends, messages: async () => client.messagesManager, rich: async () => client.rich, drafts: new Drafts(), profiles: new Profiles(client, client.friends), declined: new DeclinedRequests(client, client.friends), visible };
}

/** A widget environment for tests; with `client`, signed in with it, else built-in sign-in. */
export function testEnv(options: { client?: FakeClient; locale?: string | undefined; session?: Session } = {}): WidgetEnv {
  const widgetOptions = options.client ? { client: options.client.asClient() } : { url: 'http://127.0.0.1:9', auth: { mode: 'builtin' as const } };
  const session = options.session ?? new Session(widgetOptions);
  const locale = resolveLocale(options.locale ?? 'en');
  return { t: translator(locale), locale, session, options: widgetOptions, layout: 'inline', open: createStore(true), builtin: session.builtin };
}

/**
 * Props for rendering one routed screen on its own: its `route`, no focus, and a `go` that
 * records where the screen navigated (in `routes`).
 */
export function screenProps<R extends Route>(route: R): { props: ScreenProps<R['name']>; routes: Route[] } {
  const routes: Route[] = [];
  return { props: { route, go: (next) => void routes.push(next), focus: false }, routes };
}
