/**
 * Script-tag entry (`quickchat-widget.js`): adds `mount` to the one global `QuickChat` (which
 * script-tag/bootstrap.ts, at the top of the file, created) and does nothing else at load. Call
 * `QuickChat.mount(target, options)` to show the widget.
 */
import { mount } from './mount.js';
import type { ScriptTagGlobal } from './script-tag/global.js';

const global = (globalThis as unknown as { QuickChat: ScriptTagGlobal }).QuickChat;
global.mount = (target, options) => {
  if (options?.nonce) global.__nonce(options.nonce);
  return mount(target, options);
};
