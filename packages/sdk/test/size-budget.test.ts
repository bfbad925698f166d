/**
 * P9: the SDK core entry, bundled for the browser with everything it needs (eventemitter3 and
 * the protocol's root entry), minified, must stay within 13 KiB gzipped. Built in-process
 * with esbuild from the sources (the `source` condition), so it needs no prior build.
 *
 * What not every app needs lives in entries of its own, outside the core and its budget:
 * `@quickchat/sdk/indexeddb`, `@quickchat/sdk/groups` and `@quickchat/sdk/friends`. Moving
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

/** What an app that also uses groups adds over the core. */
const GROUPS_EXTRA_BUDGET_BYTES = 1536;
const groupsEntry = fileURLToPath(new URL('../src/groups/index.ts', import.meta.url));
/** What an app that also uses friends adds over the core. */
const FRIENDS_EXTRA_BUDGET_BYTES = 1536;
const friendsEntry = fileURLToPath(new URL('../src/friends/index.ts', import.meta.url));
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
    expect(b.inputs.filter((i) => i.includes('packages/sdk/src/friends/'))).toEqual([]);

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

  it(`keeps what friends add to the core within ${FRIENDS_EXTRA_BUDGET_BYTES} bytes, without the client`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quickchat-size-'));
    try {
      const both = join(dir, 'both.ts');
      writeFileSync(both, `export * from ${JSON.stringify(entry)};\nexport * from ${JSON.stringify(friendsEntry)};\n`);
      const [core, withFriends, friends] = await Promise.all([browserBundle(), measureBrowserBundle(both), measureBrowserBundle(friendsEntry)]);
      console.log(`[size-budget] @quickchat/sdk/friends: ${friends.gzipped} B min+gzip alone, +${withFriends.gzipped - core.gzipped} B over the core`);
      expect(withFriends.gzipped - core.gzipped).toBeLessThanOrEqual(FRIENDS_EXTRA_BUDGET_BYTES);
      // It reaches the client through `attach()` and `rest`, never by importing it.
      expect(friends.inputs.filter((i) => i.endsWith('packages/sdk/src/client.ts') || i.includes('/zod/'))).toEqual([]);
      expect(friends.inputs.some((i) => i.endsWith('packages/sdk/src/friends/manager.ts'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** What an app that also uses presence adds over the core. */
  const PRESENCE_EXTRA_BUDGET_BYTES = 1024;
  const presenceEntry = fileURLToPath(new URL('../src/presence/index.ts', import.meta.url));

  it(`keeps presence out of the core, and what it adds within ${PRESENCE_EXTRA_BUDGET_BYTES} bytes, without the client`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quickchat-size-'));
    try {
      const both = join(dir, 'both.ts');
      writeFileSync(both, `export * from ${JSON.stringify(entry)};\nexport * from ${JSON.stringify(presenceEntry)};\n`);
      const [core, withPresence, presence] = await Promise.all([browserBundle(), measureBrowserBundle(both), measureBrowserBundle(presenceEntry)]);
      console.log(`[size-budget] @quickchat/sdk/presence: ${presence.gzipped} B min+gzip alone, +${withPresence.gzipped - core.gzipped} B over the core`);
      expect(core.inputs.filter((i) => i.includes('packages/sdk/src/presence/'))).toEqual([]);
      expect(withPresence.gzipped - core.gzipped).toBeLessThanOrEqual(PRESENCE_EXTRA_BUDGET_BYTES);
      // It reaches the client through `attach()` and `rest`, never by importing it.
      expect(presence.inputs.filter((i) => i.endsWith('packages/sdk/src/client.ts') || i.includes('/zod/'))).toEqual([]);
      expect(presence.inputs.some((i) => i.endsWith('packages/sdk/src/presence/manager.ts'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
