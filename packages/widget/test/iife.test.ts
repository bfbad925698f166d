/**
 * The script-tag build, as shipped: rollup.config.mjs builds `quickchat-widget.js` and its lazy
 * files; loading the main file defines exactly one global, `QuickChat`, and runs nothing else (no
 * DOM, no network: the sandbox has no `window`, `document` or `fetch`, so touching them would
 * throw). Lazy files only register on that global. The ESM build leaves Preact and the SDK to the
 * app's bundler.
 */
import { runInContext, createContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollupWidget } from './support/bundle.js';

let build: Awaited<ReturnType<typeof rollupWidget>>;
beforeAll(async () => {
  build = await rollupWidget();
}, 120_000);
afterAll(() => build?.dispose());

describe('script-tag bundle', () => {
  it('sets exactly one global, QuickChat, with mount()', () => {
    const sandbox = createContext({});
    const before = new Set(Object.getOwnPropertyNames(runInContext('globalThis', sandbox)));
    runInContext(build.read('quickchat-widget.js'), sandbox, { filename: 'quickchat-widget.js' });
    const global = runInContext('globalThis', sandbox) as Record<string, unknown>;
    const added = Object.getOwnPropertyNames(global).filter((k) => !before.has(k));
    expect(added).toEqual(['QuickChat']);
    const api = global['QuickChat'] as Record<string, unknown>;
    expect(Object.keys(api)).toEqual(['mount']);
    expect(typeof api['mount']).toBe('function');
    // The lazy-file loader's internals: on the same global, not enumerable.
    expect(typeof api['__define']).toBe('function');
    expect(typeof api['__nonce']).toBe('function');
  });

  it('writes each lazy part as a file next to quickchat-widget.js that only registers on QuickChat', () => {
    const lazy = build.scriptTag.filter((f) => f !== 'quickchat-widget.js');
    expect(lazy.map((f) => f.replace(/-[\w-]{8}\.js$/, '')).sort()).toEqual([
      'quickchat-widget-attachments',
      'quickchat-widget-calls',
      'quickchat-widget-contacts',
      'quickchat-widget-emoji-picker',
      'quickchat-widget-emoji-search',
      'quickchat-widget-group-rules',
      'quickchat-widget-groups',
      'quickchat-widget-manager',
      'quickchat-widget-mentions',
      'quickchat-widget-messages',
      'quickchat-widget-profile',
      'quickchat-widget-rich',
      'quickchat-widget-search',
      'quickchat-widget-zh-CN',
    ]);
    // The file that loads one names it relative to itself (the main file, or for a part of a lazy
    // part, such as the emoji search words or code two lazy parts share, that lazy file); the
    // loader resolves them against the main file's URL.
    const main = build.read('quickchat-widget.js');
    for (const file of lazy) expect([main, ...lazy.map((f) => build.read(f))].some((code) => code.includes(`"./${file}"`)), file).toBe(true);
    for (const file of ['profile', 'emoji-picker', 'groups', 'search', 'zh-CN']) expect(main).toMatch(new RegExp(`"\\./quickchat-widget-${file}-[\\w-]{8}\\.js"`));
    for (const file of lazy) {
      const code = build.read(file);
      expect(code.startsWith('QuickChat.__define(['), file).toBe(true);
      // The calls file holds simple-peer, which reads WebRTC and Web Crypto from `globalThis` (it defines nothing there).
      expect(code, file).not.toMatch(file.startsWith('quickchat-widget-calls-') ? /\brequire\(|^\s*import\s|\bwindow\./m : /\brequire\(|^\s*import\s|\bglobalThis\b|\bwindow\./m);
    }
  });

  it('is self-contained, minified and within the size budget', () => {
    const code = build.read('quickchat-widget.js');
    expect(code).not.toMatch(/\brequire\(|^\s*import\s/m);
    expect(code).not.toMatch(/\/\*\*/); // no doc comments left
    const gzipped = gzipSync(code, { level: 9 }).length;
    console.log(`[size-budget] rollup quickchat-widget.js: ${Buffer.byteLength(code)} B min, ${gzipped} B min+gzip`);
    // The main file without its lazy parts (each lazy file's budget: size-budget.test.ts).
    expect(gzipped).toBeLessThanOrEqual(45 * 1024);
  });

  it('the ESM build keeps preact and the SDK external and exports mount', () => {
    expect(build.read('index.js')).toMatch(/export \{ mount \} from '\.\/mount\.js'/);
    const mount = build.read('mount.js');
    expect(mount).toMatch(/from 'preact'/);
    expect(mount).toMatch(/from '@quickchat\/sdk'/);
    expect(mount).not.toMatch(/function createClient/);
  });
});
