/** Builds the widget for tests: the real rollup config (into a temp dir) or an in-process esbuild bundle. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup, type OutputOptions, type RollupOptions } from 'rollup';
import { measureBrowserBundle } from '../../../sdk/test/support/measure-bundle.js';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs the widget's rollup builds (from rollup.config.mjs) into a fresh temp dir; returns the dir and a cleanup. */
export async function rollupWidget(): Promise<{ dir: string; read(file: string): string; dispose(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'qc-widget-'));
  const config = (await import(join(repo, 'rollup.config.mjs'))) as { widgetBuilds(outDir: string): RollupOptions[] };
  for (const options of config.widgetBuilds(dir)) {
    const bundle = await rollup({ ...options, onwarn: (w) => { throw new Error(`rollup warning: ${w.message}`); } });
    await bundle.write(options.output as OutputOptions);
    await bundle.close();
  }
  return { dir, read: (file) => readFileSync(join(dir, file), 'utf8'), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The widget entry bundled for browsers with everything it imports, minified. */
export function browserBundle(entry: 'index.ts' | 'iife.ts', format: 'esm' | 'iife') {
  return measureBrowserBundle(join(repo, 'packages/widget/src', entry), format);
}
