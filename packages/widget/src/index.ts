/**
 * `@quickchat/widget`: a drop-in, accessible chat UI for quickchat.
 *
 * ```ts
 * import { mount } from '@quickchat/widget';
 * const chat = mount(document.body, { url: 'https://chat.example.com', auth: { getToken } });
 * ```
 */
export { mount } from './mount.js';
export type { WidgetOptions, WidgetHandle, WidgetAuth, WidgetCallbacks, ThemeName, ThemeTokens, PersistSignIn } from './options.js';
export type { Locale } from './i18n/index.js';
