/**
 * The script-tag build, as shipped: rollup.config.mjs builds `quickchat-widget.js`; loading it
 * defines exactly one global, `QuickChat`, and runs nothing else (no DOM, no network: the
 * sandbox has no `window`, `document` or `fetch`, so touching them would throw). The ESM build
 * leaves Preact and the SDK to the app's bundler.
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
  });

  it('is self-contained, minified and within the size budget', () => {
    const code = build.read('quickchat-widget.js');
    expect(code).not.toMatch(/\brequire\(|^\s*import\s/m);
    expect(code).not.toMatch(/\/\*\*/); // no doc comments left
    const gzipped = gzipSync(code, { level: 9 }).length;
    console.log(`[size-budget] rollup quickchat-widget.js: ${Buffer.byteLength(code)} B min, ${gzipped} B min+gzip`);
    // One file with every lazy part inlined (profile, emoji picker, emoji search words): see size-budget.test.ts.
    expect(gzipped).toBeLessThanOrEqual(50 * 1024);
  });

  it('the ESM build keeps preact and the SDK external and exports mount', () => {
    expect(build.read('index.js')).toMatch(/export \{ mount \} from '\.\/mount\.js'/);
    const mount = build.read('mount.js');
    expect(mount).toMatch(/from 'preact'/);
    expect(mount).toMatch(/from '@quickchat\/sdk'/);
    expect(mount).not.toMatch(/function createClient/);
  });
});
