import type { ChatClient, LocalMessage, RestClient } from '@quickchat/sdk';
import type { FriendsManager } from '@quickchat/sdk/friends';
import type { ComponentChildren, ComponentType } from 'preact';
import type { GroupMember, GroupRole } from '@quickchat/sdk/groups';
import type { Locale, Translate } from '../i18n/index.js';
import type { MessagesManager } from '@quickchat/sdk/messages';

/**
 * The part of the SDK client that the signed-in widget uses: stores to read, the chat actions,
 * `connect` (the banner's retry) and profile lookups. Screens, components and per-client state
 * depend on this rather than the whole {@link ChatClient}, so the tests' fake client implements
 * exactly this and the compiler catches drift on either side. Only `Session` (which creates,
 * signs in and closes clients), the chat root (which attaches the friends manager) and the
 * host-facing options deal in the full `ChatClient`.
 */
export interface WidgetClient
  extends Pick<ChatClient, 'userId' | 'connectionState' | 'conversations' | 'messages' | 'user' | 'limits' | 'on' | 'connect' | 'dmWith' | 'send' | 'retry' | 'markRead' | 'setTyping' | 'loadOlder'> {
  /** Profile lookups and edits. */
  readonly rest: Pick<RestClient, 'user' | 'userByHandle' | 'updateMe'>;
}

/**
 * The part of the client's friends manager (`friendsOf(client)` from `@quickchat/sdk/friends`)
 * that the widget uses: the store of friends, requests and blocks, and the friend actions.
 */
export type WidgetFriends = Pick<FriendsManager, 'store' | 'request' | 'accept' | 'decline' | 'cancel' | 'remove' | 'block' | 'unblock'>;

/** What the widget uses of the client's messages manager (`messagesOf(client)` from `@quickchat/sdk/messages`). */
export type WidgetMessages = Pick<MessagesManager, 'edit' | 'delete' | 'react' | 'toggleReaction' | 'upload' | 'fileUrl'>;

/** Which change to a message: an edit, a delete, a reaction. */
export type RichAction = 'edit' | 'delete' | 'react';

/** What a thread's composer is doing besides writing a new message: replying to one, or editing one of yours. */
export type ComposeMode = { kind: 'reply' | 'edit'; message: LocalMessage } | null;

/** Rich messages' words that show only once their chunk is loaded (dialogs, refusals, the mention list). */
export interface RichWords {
  /** With `{name}`. */
  replyingTo: string;
  editing: string;
  deleteTitle: string;
  deleteBody: string;
  reactTitle: string;
  quick: string;
  mentionList: string;
  notLoaded: string;
  editForbidden: string;
  deleteForbidden: string;
  forbidden: string;
  gone: string;
  tooManyReactions: string;
}

/** What the composer hands its rich part (see {@link WidgetRich.ComposerExtras}). */
export interface ComposerExtrasProps {
  conversationId: string;
  group: boolean;
  mode: ComposeMode;
  text: string;
  /** Where the caret is in `text`. */
  caret: number;
  /** Replaces `text` from `from` to `to` (null: the selection's ends) with `insert`, the caret after it. */
  replace(from: number | null, to: number | null, insert: string): void;
  /** The text box. */
  box: { current: HTMLTextAreaElement | null };
  /** Drops the reply or the edit. */
  cancel(): void;
  /** Set by the rich part: the composer's key handler asks it first (true: handled). */
  keys: { current: ((e: KeyboardEvent) => boolean) | null };
  /** The active suggestion's element id while suggestions show (for `aria-activedescendant`), else null. */
  onList(activeId: string | null): void;
}

/** A change chosen on a message (its menu, a reaction chip): see {@link WidgetRich.act}. */
export interface RichAct {
  /** `toggle`: take back or add your `emoji`; `react`: pick one to add; `delete`: after confirming. */
  action: 'toggle' | 'react' | 'delete';
  conversationId: string;
  seq: number;
  emoji?: string;
  /** The widget's dialogs (`useDialogs()`). */
  dialogs: {
    open<T>(request: { label: string; className?: string; render(done: (value: T | undefined) => void): ComponentChildren }): Promise<T | undefined>;
    confirm(request: { title: string; message: string; confirmLabel: string; danger?: boolean }): Promise<boolean>;
  };
  t: Translate;
  locale: Locale;
  /** Says why the change was refused. */
  report(text: string): void;
}

/** What {@link WidgetRich.send} sends: the composer's text in its mode. */
export interface RichSend {
  client: Pick<WidgetClient, 'send'>;
  conversationId: string;
  group: boolean;
  mode: ComposeMode;
  /** The trimmed text. */
  body: string;
  t: Translate;
  locale: Locale;
  /** Says why an edit was refused. */
  report(text: string): void;
}

/**
 * What rich messages need beyond the core client, loaded on first use (the lazy chunk
 * `features/rich/rich.ts`), so threads that only show messages never fetch it: the SDK's
 * `messages` and `groups` entries, group members, the reaction picker, the composer's bar and
 * mention suggestions, and the words only these show.
 */
export interface WidgetRich {
  /** The client's `messagesOf(client)`: edits, deletes and reactions, each resolving once stored or rejecting with the server's refusal. */
  messages: Pick<MessagesManager, 'edit' | 'delete' | 'react' | 'toggleReaction'>;
  /** Every member of a group conversation (`g:…`), with handles and roles (fetched once per conversation). */
  members(conversationId: string): Promise<GroupMember[]>;
  /** The authors (user ids) whose messages a member of `role` may delete besides their own: those of members their role outranks (the SDK's rule). */
  moderated(conversationId: string, role: GroupRole): Promise<ReadonlySet<string>>;
  /** The words, by locale. */
  words: Readonly<Record<Locale, RichWords>>;
  /** Why `action` was refused (`err`), in words. */
  explain(action: RichAction, err: unknown, t: Translate, locale: Locale): string;
  /** Makes a change chosen on a message: a reaction toggled, one picked (common ones, then the emoji picker), a delete confirmed; a refusal is said in words. */
  act(request: RichAct): Promise<void>;
  /** The composer's bar (reply, edit) and mention suggestions. */
  ComposerExtras: ComponentType<ComposerExtrasProps>;
  /** Sends a reply, an edit or a text with mentions; resolves once sent or stored, or rejects when refused (after saying why). */
  send(request: RichSend): Promise<void>;
}
