/**
 * The widget's size budget: the npm entry bundled for the browser with Preact and the SDK,
 * minified, must stay within 45 KiB gzipped. Built in-process with esbuild from the sources.
 */
import { describe, expect, it } from 'vitest';
import { browserBundle } from './support/bundle.js';

const BUDGET_BYTES = 45 * 1024;

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

  it('keeps the script-tag bundle within the same budget', async () => {
    const b = await browserBundle('iife.ts', 'iife');
    console.log(`[size-budget] quickchat-widget.js (IIFE): ${b.minified} B min, ${b.gzipped} B min+gzip = ${(b.gzipped / 1024).toFixed(2)} KiB`);
    expect(b.gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
