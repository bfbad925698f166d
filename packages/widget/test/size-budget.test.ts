/**
 * The widget's size budget (P9): the npm entry bundled for the browser with Preact and the SDK,
 * minified, must stay within 45 KiB gzipped. Screens behind `import()` (the emoji picker now,
 * group and call screens later) are split off and loaded on first use, so they are measured
 * apart, each within its own budget. The npm entry is built in-process with esbuild from the
 * sources; the script-tag build is rollup.config.mjs's own, whose lazy parts are files of their
 * own next to `quickchat-widget.js` (decision 0006), each with a budget and none with its own Preact.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { measureBrowserBundle } from '../../sdk/test/support/measure-bundle.js';
import { gzipSync } from 'node:zlib';
import { browserBundle, scriptTagFiles } from './support/bundle.js';

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
 * The script-tag build's main file, `quickchat-widget.js`: what the npm entry holds (and the
 * loader for its lazy files), so P9's 45 KiB goal applies to it too.
 */
const SCRIPT_TAG_BUDGET_BYTES = 45 * 1024;
/**
 * The group screens (create, info with members, requests and role-gated actions), one chunk with
 * `@quickchat/sdk/groups`' manager and the screens' own words in both locales.
 */
const GROUPS_CHUNK_BUDGET_BYTES = 8 * 1024;
/**
 * Rich messages' on-use part (features/rich/rich.tsx: the reaction picker around the emoji
 * picker, the composer's reply and edit bar, mention suggestions, refusals in words, and the
 * members' roles for moderators, with the words only these show, in both locales). In the npm
 * build also what it loads with it: the SDK's `messages` entry, and the chunk it shares with the
 * group screens (the SDK's `groups` entry, where the role policy it reads is exported).
 */
const RICH_CHUNK_BUDGET_BYTES = 6.5 * 1024;
/** The search screen with its words; in the npm build also the SDK's `messages` entry. */
const SEARCH_CHUNK_BUDGET_BYTES = 4.5 * 1024;
/**
 * The calls chunk (features/calls: the incoming dialog, the in-call view, their words and
 * stylesheet) with `@quickchat/sdk/calls` (simple-peer inside): loaded when a call starts or rings.
 */
const CALLS_CHUNK_BUDGET_BYTES = 24 * 1024;
/**
 * The attachments' lazy part (features/attachments/attachments.ts: a message's files with their
 * previews, cards and lightbox, the upload tray and controller, their words in both locales and
 * stylesheet): fetched with the first message that has files or the first file added.
 */
const ATTACHMENTS_CHUNK_BUDGET_BYTES = 5 * 1024;
/** The Contacts screen (friends, requests, blocks, adding a friend) with its words in both locales: fetched when the tab is first opened. */
const CONTACTS_CHUNK_BUDGET_BYTES = 3.5 * 1024;
/** The Chinese words of the main screens (i18n/zh-CN.ts): a chunk of their own, fetched only in zh-CN. */
const ZH_CN_BUDGET_BYTES = 5 * 1024;
/**
 * The script-tag build's lazy files, by the name in `quickchat-widget-<name>-<hash>.js`: the
 * same parts as the npm build's lazy chunks, so about the same budgets. A new lazy part (calls)
 * needs a line here, or the test fails.
 */
const SCRIPT_TAG_LAZY_BUDGETS: Record<string, number> = {
  // The Chinese catalogue: fetched by mount() before the first render in zh-CN only.
  'zh-CN': ZH_CN_BUDGET_BYTES,
  profile: 2 * 1024,
  'emoji-picker': EMOJI_CHUNK_BUDGET_BYTES,
  'emoji-search': EMOJI_SEARCH_BUDGET_BYTES,
  groups: GROUPS_CHUNK_BUDGET_BYTES,
  search: 2.5 * 1024,
  rich: 4 * 1024,
  attachments: ATTACHMENTS_CHUNK_BUDGET_BYTES,
  contacts: CONTACTS_CHUNK_BUDGET_BYTES,
  // Shared by lazy parts, so a file of their own: the group role policy (@quickchat/protocol's
  // group-rules.ts: the group screens, and message moderation in rich messages), and the SDK's
  // `messages` entry (search, rich messages, uploads and file links): its manager, its mention
  // parser (search and rich messages), and the entry itself (which the chat root loads).
  'group-rules': 1024,
  manager: 2.5 * 1024,
  mentions: 512,
  messages: 512,
  calls: CALLS_CHUNK_BUDGET_BYTES,
};

/**
 * What a lazy file may hold of the SDK: entries of their own that the main file does not carry
 * (groups, messages), never the core (the client, stores, connection), which comes from the main file.
 */
const SDK_ENTRY_MODULE = /packages\/sdk\/src\/(groups|messages|calls)\//;
/** The lazy screens: none of them may be in the main file. */
const LAZY_SCREENS = ['screens/contacts.tsx', 'screens/profile.tsx', 'screens/groups.ts', 'screens/group-info.tsx', 'screens/group-new.tsx', 'screens/search.tsx'];

describe('widget size budget', () => {
  it(`keeps the widget entry, Preact and the SDK included, within ${BUDGET_BYTES / 1024} KiB min+gzip`, async () => {
    const b = await browserBundle();
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
    const b = await browserBundle();
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

  it('splits the Chinese catalogue off the entry: English is built in, zh-CN a chunk within its budget', async () => {
    const b = await browserBundle();
    expect(b.inputs.filter((i) => i.endsWith('i18n/zh-CN.ts'))).toEqual([]);
    expect(b.inputs.some((i) => i.endsWith('i18n/en.ts'))).toBe(true);
    const zh = b.lazyChunks.find((c) => c.inputs.some((i) => i.endsWith('i18n/zh-CN.ts')));
    expect(zh, 'a lazy chunk with i18n/zh-CN.ts').toBeDefined();
    console.log(`[size-budget] zh-CN catalogue chunk (lazy): ${zh!.minified} B min, ${zh!.gzipped} B min+gzip of ${ZH_CN_BUDGET_BYTES} B`);
    expect(zh!.gzipped).toBeLessThanOrEqual(ZH_CN_BUDGET_BYTES);
  });

  it('splits the group and search screens off the entry, each within its budget', async () => {
    const b = await browserBundle();
    expect(b.inputs.filter((i) => LAZY_SCREENS.some((s) => i.endsWith(s)))).toEqual([]);
    // The SDK's groups entry comes only with the group screens.
    expect(b.inputs.filter((i) => i.includes('packages/sdk/src/groups/'))).toEqual([]);
    for (const [name, screen, budget] of [
      ['group screens', 'screens/group-info.tsx', GROUPS_CHUNK_BUDGET_BYTES],
      ['search screen', 'screens/search.tsx', SEARCH_CHUNK_BUDGET_BYTES],
      ['contacts screen', 'screens/contacts.tsx', CONTACTS_CHUNK_BUDGET_BYTES],
      ['attachments', 'features/attachments/upload-queue.ts', ATTACHMENTS_CHUNK_BUDGET_BYTES],
    ] as const) {
      const chunk = b.lazyChunks.find((c) => c.inputs.some((i) => i.endsWith(screen)));
      expect(chunk, `a lazy chunk with ${screen}`).toBeDefined();
      console.log(`[size-budget] ${name} chunk (lazy): ${chunk!.minified} B min, ${chunk!.gzipped} B min+gzip of ${budget} B`);
      expect(chunk!.inputs.some((i) => i.includes('node_modules/preact/'))).toBe(false);
      expect(chunk!.gzipped).toBeLessThanOrEqual(budget);
    }
    // Rich messages' on-use part: not in the entry, and its own chunk.
    expect(b.inputs.filter((i) => i.includes('/features/rich/'))).toEqual([]);
    const rich = b.lazyChunks.find((c) => c.inputs.some((i) => i.endsWith('features/rich/rich.tsx')));
    expect(rich, 'a lazy chunk with features/rich/rich.tsx').toBeDefined();
    console.log(`[size-budget] rich messages chunk (lazy): ${rich!.minified} B min, ${rich!.gzipped} B min+gzip of ${RICH_CHUNK_BUDGET_BYTES} B`);
    expect(rich!.inputs.some((i) => i.includes('node_modules/preact/'))).toBe(false);
    expect(rich!.gzipped).toBeLessThanOrEqual(RICH_CHUNK_BUDGET_BYTES);
    // The calls chunk: the call screens with the SDK's calls entry, none of it in the entry.
    expect(b.inputs.filter((i) => i.includes('/features/calls/') || i.includes('packages/sdk/src/calls/'))).toEqual([]);
    const calls = b.lazyChunks.find((c) => c.inputs.some((i) => i.endsWith('features/calls/calls.tsx')));
    expect(calls, 'a lazy chunk with features/calls/calls.tsx').toBeDefined();
    console.log(`[size-budget] calls chunk (lazy, with @quickchat/sdk/calls): ${calls!.minified} B min, ${calls!.gzipped} B min+gzip of ${CALLS_CHUNK_BUDGET_BYTES} B`);
    expect(calls!.inputs.some((i) => i.endsWith('packages/sdk/src/calls/session.ts'))).toBe(true);
    expect(calls!.inputs.some((i) => i.includes('node_modules/preact/'))).toBe(false);
    expect(calls!.gzipped).toBeLessThanOrEqual(CALLS_CHUNK_BUDGET_BYTES);
    // Creating a group and a group's info are one chunk: opening either fetches both.
    expect(b.lazyChunks.find((c) => c.inputs.some((i) => i.endsWith('screens/group-info.tsx')))!.inputs.some((i) => i.endsWith('screens/group-new.tsx'))).toBe(true);
  });

  it(`keeps the script-tag main file within ${SCRIPT_TAG_BUDGET_BYTES / 1024} KiB, and each lazy file (no Preact of its own) within its budget`, async () => {
    const files = await scriptTagFiles();
    const gzipped = (code: string) => gzipSync(code, { level: 9 }).length;
    const main = files.find((f) => f.isEntry)!;
    expect(main.fileName).toBe('quickchat-widget.js');
    console.log(`[size-budget] quickchat-widget.js (script tag, main file): ${main.code.length} B min, ${gzipped(main.code)} B min+gzip = ${(gzipped(main.code) / 1024).toFixed(2)} KiB of ${SCRIPT_TAG_BUDGET_BYTES / 1024} KiB`);
    expect(main.modules.some((m) => m.includes('node_modules/preact/'))).toBe(true);
    expect(main.modules.filter((m) => m.includes('/features/') || LAZY_SCREENS.some((s) => m.endsWith(s)))).toEqual([]);
    expect(gzipped(main.code)).toBeLessThanOrEqual(SCRIPT_TAG_BUDGET_BYTES);

    const lazy = files.filter((f) => !f.isEntry);
    expect(lazy.map((f) => f.fileName.replace(/-[\w-]{8}\.js$/, '')).sort()).toEqual(Object.keys(SCRIPT_TAG_LAZY_BUDGETS).map((n) => `quickchat-widget-${n}`).sort());
    for (const file of lazy) {
      const name = /^quickchat-widget-(.+)-[\w-]{8}\.js$/.exec(file.fileName)![1]!;
      const budget = SCRIPT_TAG_LAZY_BUDGETS[name]!;
      console.log(`[size-budget] ${file.fileName} (script tag, lazy): ${file.code.length} B min, ${gzipped(file.code)} B min+gzip of ${budget} B`);
      // Preact, its hooks and the SDK come from the main file (through QuickChat.__define), never a
      // copy; a lazy file holds only SDK entries of their own, which the main file does not carry.
      expect(file.modules.filter((m) => m.includes('node_modules/') || (m.includes('packages/sdk/') && !SDK_ENTRY_MODULE.test(m))), file.fileName).toEqual([]);
      expect(file.modules.filter((m) => main.modules.includes(m)), file.fileName).toEqual([]);
      expect(file.code.startsWith('QuickChat.__define(['), file.fileName).toBe(true);
      expect(gzipped(file.code), file.fileName).toBeLessThanOrEqual(budget);
    }
    // The parts that render take Preact from the main file.
    for (const name of ['profile', 'emoji-picker', 'calls']) expect(lazy.find((f) => f.fileName.startsWith(`quickchat-widget-${name}-`))!.imports).toEqual(['quickchat-widget.js']);
    // The group and search screens too, besides the shared lazy files they need (the role policy, the SDK's `messages` entry).
    for (const name of ['groups', 'search']) expect(lazy.find((f) => f.fileName.startsWith(`quickchat-widget-${name}-`))!.imports, name).toContain('quickchat-widget.js');
    // Lazy files are loaded with <script> elements, never evaluated from text.
    for (const file of files) expect(file.code, file.fileName).not.toMatch(/\beval\(|new Function\b/);
  });
});
