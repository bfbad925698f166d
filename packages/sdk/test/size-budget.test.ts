/**
 * P9: the SDK core entry, bundled for the browser with everything it needs (eventemitter3 and
 * the protocol's root entry), minified, must stay within 13 KiB gzipped. Built in-process
 * with esbuild from the sources (the `source` condition), so it needs no prior build.
 *
 * What not every app needs lives in entries of its own, outside the core and its budget, each
 * with a budget for what it adds: friends, groups, messages (rich messages, uploads, search),
 * presence, and IndexedDB storage. Moving
 * IndexedDBStorage out (issue 10) took the core from 13,310 B to about 12,800 B; with the core's
 * part of groups it is 13,282 B. Message mutations took it to 13,815 B; moving friends out (the
 * manager and the friend and block REST calls) took it back to 13,194 B.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { measureBrowserBundle } from './support/measure-bundle.js';

const BUDGET_BYTES = 13 * 1024;
const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const idbEntry = fileURLToPath(new URL('../src/storage/indexeddb.ts', import.meta.url));

/** The manager entries: what each adds over the core (min+gzip), and its source folder. */
const ENTRIES: { name: string; folder: string; extraBudget: number }[] = [
  { name: 'friends', folder: 'friends', extraBudget: 1536 },
  { name: 'groups', folder: 'groups', extraBudget: 1536 },
  { name: 'messages', folder: 'messages', extraBudget: 1536 },
  { name: 'presence', folder: 'presence', extraBudget: 1024 },
  // simple-peer included (bundled with browser stand-ins: packages/sdk/build/simple-peer); issue
  // 12's budget. calls-bundling.test.ts checks the same on the rollup output, bundled by Vite.
  { name: 'calls', folder: 'calls', extraBudget: 24 * 1024 },
];
const entryFile = (folder: string) => fileURLToPath(new URL(`../src/${folder}/index.ts`, import.meta.url));

const browserBundle = () => measureBrowserBundle(entry);

describe('SDK core size budget (P9)', () => {
  it(`stays within ${BUDGET_BYTES} bytes min+gzip, fully bundled, without zod`, async () => {
    const b = await browserBundle();
    console.log(
      `[size-budget] @quickchat/sdk core (browser, minified, es2020): ${b.minified} B min, ${b.gzipped} B min+gzip ` +
        `= ${(b.gzipped / 1024).toFixed(2)} KiB of ${BUDGET_BYTES / 1024} KiB budget (${BUDGET_BYTES - b.gzipped} B left)`,
    );

    // Everything is in the bundle: nothing left for the page to load.
    expect(b.externals).toEqual([]);
    expect(b.inputs.some((i) => i.includes('node_modules/eventemitter3/'))).toBe(true);
    expect(b.inputs.some((i) => i.endsWith('packages/protocol/src/codes.ts'))).toBe(true);
    // Validation (zod) lives behind '@quickchat/protocol/validate' and must never reach the SDK.
    expect(b.inputs.filter((i) => i.includes('/zod/') || i.includes('protocol/src/validate/'))).toEqual([]);
    expect(b.text).not.toMatch(/zod/i);
    // The SDK is client code: no server or Node modules either.
    expect(b.inputs.filter((i) => i.includes('packages/server/') || i.startsWith('node:'))).toEqual([]);

    // The other entries stay out.
    expect(b.inputs.filter((i) => i.endsWith('storage/indexeddb.ts') || i.includes('packages/sdk/src/calls/') || ENTRIES.some((e) => i.includes(`packages/sdk/src/${e.folder}/`)))).toEqual([]);

    expect(b.gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  for (const { name, folder, extraBudget } of ENTRIES) {
    it(`keeps what @quickchat/sdk/${name} adds to the core within ${extraBudget} bytes, without the client or zod`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'quickchat-size-'));
      try {
        const both = join(dir, 'both.ts');
        writeFileSync(both, `export * from ${JSON.stringify(entry)};\nexport * from ${JSON.stringify(entryFile(folder))};\n`);
        const [core, withEntry, alone] = await Promise.all([browserBundle(), measureBrowserBundle(both), measureBrowserBundle(entryFile(folder))]);
        console.log(`[size-budget] @quickchat/sdk/${name}: ${alone.gzipped} B min+gzip alone, +${withEntry.gzipped - core.gzipped} B over the core`);
        expect(withEntry.gzipped - core.gzipped).toBeLessThanOrEqual(extraBudget);
        // It reaches the client through `attach()` and `rest`, never by importing it.
        expect(alone.inputs.filter((i) => i.endsWith('packages/sdk/src/client.ts') || i.includes('/zod/'))).toEqual([]);
        expect(alone.inputs.some((i) => i.includes(`packages/sdk/src/${folder}/`))).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('keeps IndexedDB storage small and free of the client', async () => {
    const idb = await measureBrowserBundle(idbEntry);
    console.log(`[size-budget] @quickchat/sdk/indexeddb: ${idb.gzipped} B min+gzip`);
    expect(idb.gzipped).toBeLessThanOrEqual(1024);
    expect(idb.inputs.filter((i) => i.endsWith('packages/sdk/src/client.ts') || i.includes('/zod/'))).toEqual([]);
  });
});
