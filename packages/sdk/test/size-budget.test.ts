/**
 * P9: the SDK core entry, bundled for the browser with everything it needs (eventemitter3 and
 * the protocol's root entry), minified, must stay within 13 KiB gzipped. Built in-process
 * with esbuild from the sources (the `source` condition), so it needs no prior build.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { measureBrowserBundle } from './support/measure-bundle.js';

const BUDGET_BYTES = 13 * 1024;
const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

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

    expect(b.gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
