import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { createStore } from '@quickchat/sdk';
import type { WidgetOptions } from '../options.js';
import type { Locale, Translate } from '../i18n/index.js';
import type { Session } from './session.js';
import type { Drafts } from './drafts.js';
import type { Profiles } from './profiles.js';
import type { DeclinedRequests } from './declined-requests.js';
import type { WidgetClient, WidgetFriends, WidgetMessages, WidgetRich } from './widget-client.js';

/** A store the widget writes to. */
export type Writable<T> = ReturnType<typeof createStore<T>>;

/** What every part of the widget can reach, signed in or not. */
export interface WidgetEnv {
  t: Translate;
  locale: Locale;
  session: Session;
  options: WidgetOptions;
  layout: 'launcher' | 'inline';
  /** Whether the panel is open (always true inline). */
  open: Writable<boolean>;
  /** Whether the built-in account screens are in use (so sign-out is offered). */
  builtin: boolean;
}

/** What screens behind sign-in can reach. */
export interface ChatEnv {
  client: WidgetClient;
  /** Friends, requests and blocks of the client (its `friendsOf(client)`). */
  friends: WidgetFriends;
  drafts: Drafts;
  profiles: Profiles;
  /** Answers "no" to your friend requests, heard on any screen. */
  declined: DeclinedRequests;
  /**
   * The client's `messagesOf(client)` (the SDK's `messages` entry), loaded on first use: uploads
   * and file links; the rich chunk uses the same one (rejects when it can't be loaded).
   */
  messages: () => Promise<WidgetMessages>;
  /** Rich-message actions and group members, loaded on first use (rejects when the chunk can't be loaded). */
  rich: () => Promise<WidgetRich>;
  /** True while the widget is on screen (launcher open, page visible): only then are messages marked read. */
  visible: boolean;
}

export const EnvContext = createContext<WidgetEnv | null>(null);
export const ChatContext = createContext<ChatEnv | null>(null);

/** The widget environment; throws outside the widget tree. */
export function useEnv(): WidgetEnv {
  const env = useContext(EnvContext);
  if (!env) throw new Error('quickchat widget: EnvContext missing');
  return env;
}

/** The signed-in environment; throws outside the signed-in tree. */
export function useChat(): ChatEnv {
  const chat = useContext(ChatContext);
  if (!chat) throw new Error('quickchat widget: ChatContext missing');
  return chat;
}
