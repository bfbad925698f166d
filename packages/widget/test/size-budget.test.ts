/**
 * The widget's size budget (P9): the npm entry bundled for the browser with Preact and the SDK,
 * minified, must stay within 45 KiB gzipped. Screens behind `import()` (the emoji picker now,
 * group and call screens later) are split off and loaded on first use, so they are measured
 * apart, each within its own budget. Built in-process with esbuild from the sources.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { measureBrowserBundle } from '../../sdk/test/support/measure-bundle.js';
import { browserBundle } from './support/bundle.js';

const BUDGET_BYTES = 45 * 1024;
/** The emoji picker chunk (component + data). */
const EMOJI_CHUNK_BUDGET_BYTES = 4 * 1024;
/**
 * The emoji search words (English names and keywords for ~570 emoji, Chinese keywords): loaded
 * by the picker only once someone types in its search field, so the picker stays within its own
 * budget above.
 */
const EMOJI_SEARCH_BUDGET_BYTES = 5.5 * 1024;
/**
 * The script-tag bundle: one file, so it inlines every lazily loaded part (the profile screen,
 * the emoji picker and its ~5 KiB of search words) that the npm entry above leaves out. P9's
 * 45 KiB goal is met by the entry; this file now misses it by about 3 KiB (decision 0006), until
 * the script-tag build loads its lazy parts as files of their own, as the calls chunk must.
 */
const IIFE_BUDGET_BYTES = 50 * 1024;

describe('widget size budget', () => {
  it(`keeps the widget entry, Preact and the SDK included, within ${BUDGET_BYTES / 1024} KiB min+gzip`, async () => {
    const b = await browserBundle('index.ts', 'esm');
    console.log(
      `[size-budget] @quickchat/widget (browser, minified, es2020, preact + sdk included): ${b.minified} B min, ${b.gzipped} B min+gzip ` +
        `= ${(b.gzipped / 1024).toFixed(2)} KiB of ${BUDGET_BYTES / 1024} KiB (${BUDGET_BYTES - b.gzipped} B left)`,
    );
    expect(b.externals).toEqual([]);
    expect(b.inputs.some((i) => i.includes('node_modules/preact/'))).toBe(true);
    expect(b.inputs.some((i) => i.endsWith('packages/sdk/src/client.ts'))).toBe(true);
    // No validator, no server code, no Node modules.
    expect(b.inputs.filter((i) => i.includes('/zod/') || i.includes('protocol/src/validate/') || i.includes('packages/server/') || i.startsWith('node:'))).toEqual([]);
    expect(b.gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('splits the emoji picker and lazy screens off the entry: loaded on first use, within their budget', async () => {
    const b = await browserBundle('index.ts', 'esm');
    expect(b.inputs.filter((i) => i.includes('/features/'))).toEqual([]);
    const emoji = b.lazyChunks.find((c) => c.inputs.some((i) => i.endsWith('features/emoji/emoji-picker.tsx')));
    expect(emoji, 'a lazy chunk with the emoji picker').toBeDefined();
    console.log(`[size-budget] emoji picker chunk (lazy): ${emoji!.minified} B min, ${emoji!.gzipped} B min+gzip of ${EMOJI_CHUNK_BUDGET_BYTES} B`);
    expect(emoji!.inputs.some((i) => i.includes('node_modules/preact/'))).toBe(false); // shares the entry's Preact
    expect(emoji!.gzipped).toBeLessThanOrEqual(EMOJI_CHUNK_BUDGET_BYTES);
    // The search words are the picker's own lazy chunk, not part of it.
    expect(emoji!.inputs.filter((i) => i.endsWith('features/emoji/emoji-search.ts'))).toEqual([]);
    expect(emoji!.text).toMatch(/import\(["'][^"']+["']\)/);
    const search = await measureBrowserBundle(fileURLToPath(new URL('../src/features/emoji/emoji-search.ts', import.meta.url)));
    console.log(`[size-budget] emoji search words (lazy, loaded on the first search): ${search.minified} B min, ${search.gzipped} B min+gzip of ${EMOJI_SEARCH_BUDGET_BYTES} B`);
    expect(search.inputs.map((i) => i.replace(/^.*packages\/widget\//, ''))).toEqual(['src/features/emoji/emoji-search.ts']);
    expect(search.gzipped).toBeLessThanOrEqual(EMOJI_SEARCH_BUDGET_BYTES);
    // Lazy screens in the shell's table are split off the same way.
    expect(b.inputs.filter((i) => i.endsWith('screens/profile.tsx'))).toEqual([]);
    expect(b.lazyChunks.some((c) => c.inputs.some((i) => i.endsWith('screens/profile.tsx')))).toBe(true);
  });

  it(`keeps the script-tag bundle, lazy parts inlined, within ${IIFE_BUDGET_BYTES / 1024} KiB`, async () => {
    const b = await browserBundle('iife.ts', 'iife');
    console.log(`[size-budget] quickchat-widget.js (IIFE): ${b.minified} B min, ${b.gzipped} B min+gzip = ${(b.gzipped / 1024).toFixed(2)} KiB of ${IIFE_BUDGET_BYTES / 1024} KiB`);
    expect(b.gzipped).toBeLessThanOrEqual(IIFE_BUDGET_BYTES);
  });
});
