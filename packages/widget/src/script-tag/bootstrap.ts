/**
 * The start of `quickchat-widget.js` (rollup.config.mjs prepends it, built on its own, before
 * the bundle's first `QuickChat.__define` call): creates the one `QuickChat` global with the
 * lazy-file loader behind it. It captures, while the file runs, the `<script>` element that
 * loaded it: its URL is where the lazy files are, its nonce is what they are loaded with unless
 * `mount()` is given one.
 */
import type { ScriptTagGlobal } from './global.js';
import { createChunkLoader } from './loader.js';

const doc = typeof document === 'undefined' ? undefined : document;
const script = doc?.currentScript as HTMLScriptElement | null | undefined;
const loader = createChunkLoader(doc, script?.src || undefined, script?.nonce ?? '');
const global = {} as ScriptTagGlobal;
Object.defineProperties(global, { __define: { value: loader.define }, __nonce: { value: loader.setNonce } });
(globalThis as { QuickChat?: ScriptTagGlobal }).QuickChat = global;
