/**
 * P9: the SDK core entry, bundled for the browser with everything it needs (eventemitter3 and
 * the protocol's root entry), minified, must stay within 13 KiB gzipped. Built in-process
 * with esbuild from the sources (the `source` condition), so it needs no prior build.
 *
 * What not every app needs lives in entries of its own, outside the core and its budget:
 * `@quickchat/sdk/indexeddb` and `@quickchat/sdk/groups`. Moving IndexedDBStorage out (issue 10)
 * took the core from 13,310 B to about 12,800 B; with the core's part of groups it is 13,282 B.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { measureBrowserBundle } from './support/measure-bundle.js';

const BUDGET_BYTES = 13 * 1024;
const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** What an app that also uses groups adds over the core. */
const GROUPS_EXTRA_BUDGET_BYTES = 1536;
const groupsEntry = fileURLToPath(new URL('../src/groups/index.ts', import.meta.url));
const idbEntry = fileURLToPath(new URL('../src/storage/indexeddb.ts', import.meta.url));

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
    expect(b.inputs.filter((i) => i.includes('packages/sdk/src/groups/') || i.endsWith('storage/indexeddb.ts'))).toEqual([]);

    expect(b.gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it(`keeps what groups add to the core within ${GROUPS_EXTRA_BUDGET_BYTES} bytes, and the other entries out of it`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quickchat-size-'));
    try {
      const both = join(dir, 'both.ts');
      writeFileSync(both, `export * from ${JSON.stringify(entry)};\nexport * from ${JSON.stringify(groupsEntry)};\n`);
      const [core, withGroups, groups, idb] = await Promise.all([browserBundle(), measureBrowserBundle(both), measureBrowserBundle(groupsEntry), measureBrowserBundle(idbEntry)]);
      console.log(
        `[size-budget] @quickchat/sdk/groups: ${groups.gzipped} B min+gzip alone (eventemitter3 included), +${withGroups.gzipped - core.gzipped} B over the core; ` +
          `@quickchat/sdk/indexeddb: ${idb.gzipped} B min+gzip`,
      );
      expect(withGroups.gzipped - core.gzipped).toBeLessThanOrEqual(GROUPS_EXTRA_BUDGET_BYTES);
      // Neither pulls the client or the validator in.
      for (const b of [groups, idb]) {
        expect(b.inputs.filter((i) => i.endsWith('packages/sdk/src/client.ts') || i.includes('/zod/'))).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
