/** Builds the widget for tests: the real rollup config (into a temp dir) or an in-process esbuild bundle. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup, type OutputOptions, type RollupOptions } from 'rollup';
import { measureBrowserBundle } from '../../../sdk/test/support/measure-bundle.js';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));

/** The build sets that rollup.config.mjs exports for tests. */
interface RollupConfig {
  libraryBuilds(outRoot: (pkgDir: string) => string): RollupOptions[];
  widgetBuilds(outDir: string): RollupOptions[];
}

/** Runs rollup builds, writing every output of each; any rollup warning fails the build. */
async function runBuilds(builds: (config: RollupConfig) => RollupOptions[]): Promise<void> {
  const config = (await import(join(repo, 'rollup.config.mjs'))) as RollupConfig;
  for (const options of builds(config)) {
    const bundle = await rollup({ ...options, onwarn: (w) => { throw new Error(`rollup warning: ${w.message}`); } });
    for (const output of [options.output ?? []].flat() as OutputOptions[]) await bundle.write(output);
    await bundle.close();
  }
}

/** Runs the widget's rollup builds (from rollup.config.mjs) into a fresh temp dir; returns the dir and a cleanup. */
export async function rollupWidget(): Promise<{ dir: string; read(file: string): string; dispose(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'qc-widget-'));
  await runBuilds((config) => config.widgetBuilds(dir));
  return { dir, read: (file) => readFileSync(join(dir, file), 'utf8'), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What {@link rollupPackages} built: each package's would-be `dist` folder. */
export interface PackageDists {
  /** The temp dir holding `protocol/`, `sdk/` and `widget/`. */
  dir: string;
  protocol: string;
  sdk: string;
  widget: string;
  dispose(): void;
}

/**
 * Runs the protocol, SDK and widget builds from rollup.config.mjs (`libraryBuilds` and
 * `widgetBuilds`) into one fresh temp dir: `<dir>/<package>` holds what `packages/<package>/dist`
 * would after `npm run build:bundles`, i.e. the published JavaScript.
 */
export async function rollupPackages(): Promise<PackageDists> {
  const dir = mkdtempSync(join(tmpdir(), 'qc-packages-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  await runBuilds((config) => [...config.libraryBuilds((pkgDir) => join(dir, pkgDir)), ...config.widgetBuilds(join(dir, 'widget'))]).catch((error: unknown) => {
    dispose();
    throw error;
  });
  return { dir, protocol: join(dir, 'protocol'), sdk: join(dir, 'sdk'), widget: join(dir, 'widget'), dispose };
}

/** The widget entry bundled for browsers with everything it imports, minified. */
export function browserBundle(entry: 'index.ts' | 'iife.ts', format: 'esm' | 'iife') {
  return measureBrowserBundle(join(repo, 'packages/widget/src', entry), format);
}
