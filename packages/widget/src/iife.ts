/**
 * Script-tag entry (`quickchat-widget.js`): defines the one global `QuickChat` and does nothing
 * else at load. Call `QuickChat.mount(target, options)` to show the widget.
 */
import { mount } from './mount.js';

(globalThis as { QuickChat?: { mount: typeof mount } }).QuickChat = { mount };
