import type { ChatClient, ClientOptions, QuickchatError } from '@quickchat/sdk';

/**
 * How the widget signs in.
 * - `{ mode: 'builtin' }`: the widget shows its own sign-in and register screens (built-in accounts).
 * - `{ token }`: a token your server signed (bring-your-own identity); it cannot be refreshed.
 * - `{ getToken }`: called whenever a fresh token is needed (bring-your-own identity).
 */
export type WidgetAuth = { mode: 'builtin' } | { token: string } | { getToken: () => Promise<string> };

/**
 * Built-in accounts: where the widget keeps the sign-in between page loads.
 * - `local` (default): `localStorage`, so the visitor stays signed in across reloads, tabs and
 *   browser restarts until they sign out (or the server ends the sign-in);
 * - `tab`: `sessionStorage`, so it survives reloads of this tab only;
 * - `none`: nothing is kept; every page load starts at the sign-in screen.
 */
export type PersistSignIn = 'local' | 'tab' | 'none';

/** `light`, `dark`, or `auto` (follows the visitor's `prefers-color-scheme`). */
export type ThemeName = 'light' | 'dark' | 'auto';

/**
 * Design tokens you can override. Each becomes a CSS custom property on the widget's host:
 * `accent` → `--qc-accent`, `accentText` → `--qc-accent-text`, and so on. Any CSS value works.
 */
export interface ThemeTokens {
  /** Panel background. */
  bg?: string;
  /** Raised surfaces: headers, inputs, the other person's bubbles. */
  surface?: string;
  /** Main text colour. */
  text?: string;
  /** Secondary text (times, previews). */
  muted?: string;
  /** Borders and separators. */
  border?: string;
  /** Brand colour: own bubbles, buttons, the launcher. */
  accent?: string;
  /** Text on the accent colour. */
  accentText?: string;
  /** Errors and failed messages. */
  danger?: string;
  /** Unread badges. */
  badge?: string;
  /** Text on unread badges. */
  badgeText?: string;
  /** Focus outline colour. */
  focus?: string;
  /** Corner radius of the panel and bubbles. */
  radius?: string;
  /** Font stack. */
  font?: string;
  /** Base font size. */
  fontSize?: string;
}

/** Callbacks for the host page. All optional; exceptions thrown by them are ignored. */
export interface WidgetCallbacks {
  /** A signed-in client is ready (at mount for token modes, after sign-in for `builtin`). */
  onReady?: (client: ChatClient) => void;
  /** The total number of unread messages changed. */
  onUnreadChange?: (unread: number) => void;
  /** The launcher panel opened or closed. */
  onOpenChange?: (open: boolean) => void;
  /** Something failed in the background (also shown in the UI where it matters). */
  onError?: (error: QuickchatError) => void;
  /** The user signed out (built-in accounts). */
  onSignOut?: () => void;
}

/** Options of {@link mount}. Give `url` and `auth`, or an existing `client`. */
export interface WidgetOptions extends WidgetCallbacks {
  /** The quickchat server's base URL, e.g. `https://chat.example.com`. */
  url?: string;
  /** How to sign in; see {@link WidgetAuth}. */
  auth?: WidgetAuth;
  /**
   * An SDK client your app already created (and signed in). The widget uses it instead of
   * `url`/`auth`, and leaves closing it to you.
   */
  client?: ChatClient;
  /** `launcher` (default): a floating button that opens a panel. `inline`: fills the target element. */
  layout?: 'launcher' | 'inline';
  /** Launcher only: start with the panel open. Default false. */
  open?: boolean;
  /** Colour scheme. Default `auto`. */
  theme?: ThemeName;
  /** Token overrides, applied on top of the theme. */
  themeTokens?: ThemeTokens;
  /** A BCP 47 tag such as `en` or `zh-CN`; default: the browser's language. */
  locale?: string;
  /**
   * CSP nonce, for pages whose policy needs one: for the widget's `<style>` element (only used
   * where constructable stylesheets are unavailable) and, in the script-tag build, for the
   * `<script>` elements that load its lazy files (default there: the nonce of the `<script>` tag
   * that loaded `quickchat-widget.js`).
   */
  nonce?: string;
  /**
   * Built-in accounts: where the sign-in is remembered between page loads. `local` (default):
   * until the visitor signs out; `tab`: this tab's reloads only; `none`: never. What is kept is
   * a rotating refresh token in the page origin's storage, so scripts on the host page could
   * read it: choose `tab` or `none` on pages that run untrusted scripts.
   */
  persistSignIn?: PersistSignIn;
  /**
   * Show the unread count in the page's title, `(3) Your page`, while there is one. Default
   * false: the title belongs to the host page, so it is changed only when asked.
   */
  titleBadge?: boolean;
  /**
   * Play a short chime (Web Audio, no file) when a message from someone else arrives while the
   * chat is out of view (launcher closed or page hidden), at most once every 2 s. Default false.
   * Browsers play sound only after the visitor interacted with the page.
   */
  sound?: boolean;
  /**
   * Extra SDK client options (storage, WebSocket, fetch, logger…). By default the outbox and sync
   * cursors persist in IndexedDB (where available), so messages written offline survive a reload.
   */
  clientOptions?: Partial<Omit<ClientOptions, 'url' | 'auth'>>;
}

/** What {@link mount} returns. */
export interface WidgetHandle {
  /** The SDK client in use; null while nobody is signed in (built-in accounts). */
  readonly client: ChatClient | null;
  /** Opens the launcher panel (no effect inline). */
  open(): void;
  /** Closes the launcher panel (no effect inline). */
  close(): void;
  /** Removes the widget and everything it added to the page, and closes its client. Safe to call twice. */
  unmount(): void;
}
