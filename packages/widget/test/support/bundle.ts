/** Builds the widget for tests: the real rollup config (into a temp dir) or an in-process esbuild bundle. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup, type OutputChunk, type OutputOptions, type RollupOptions } from 'rollup';
import { measureBrowserBundle } from '../../../sdk/test/support/measure-bundle.js';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));

/** The build sets that rollup.config.mjs exports for tests. */
interface RollupConfig {
  libraryBuilds(outRoot: (pkgDir: string) => string): RollupOptions[];
  widgetBuilds(outDir: string): RollupOptions[];
  scriptTagBuild(outDir: string): RollupOptions & { output: OutputOptions };
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

/** What {@link rollupWidget} built. */
export interface WidgetBuild {
  /** The temp dir: what `packages/widget/dist` would hold. */
  dir: string;
  read(file: string): string;
  /** The script-tag build's files: `quickchat-widget.js` and its lazy siblings (no source maps). */
  scriptTag: string[];
  dispose(): void;
}

/** Runs the widget's rollup builds (from rollup.config.mjs) into a fresh temp dir; returns the dir and a cleanup. */
export async function rollupWidget(): Promise<WidgetBuild> {
  const dir = mkdtempSync(join(tmpdir(), 'qc-widget-'));
  await runBuilds((config) => config.widgetBuilds(dir));
  return {
    dir,
    read: (file) => readFileSync(join(dir, file), 'utf8'),
    scriptTag: readdirSync(dir).filter((f) => /^quickchat-widget(-[\w-]+)?\.js$/.test(f)),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** One file of the script-tag build as rollup generated it, with the source modules it holds code of. */
export type ScriptTagFile = Pick<OutputChunk, 'fileName' | 'code' | 'isEntry' | 'dynamicImports' | 'imports'> & { modules: string[] };

/** Generates the script-tag build (`scriptTagBuild` in rollup.config.mjs) in memory. */
export async function scriptTagFiles(): Promise<ScriptTagFile[]> {
  const config = (await import(join(repo, 'rollup.config.mjs'))) as RollupConfig;
  const options = config.scriptTagBuild(join(tmpdir(), 'qc-unwritten'));
  const bundle = await rollup({ ...options, onwarn: (w) => { throw new Error(`rollup warning: ${w.message}`); } });
  try {
    const { output } = await bundle.generate(options.output);
    return output.flatMap((f) =>
      f.type === 'chunk'
        ? [{ fileName: f.fileName, code: f.code, isEntry: f.isEntry, imports: f.imports, dynamicImports: f.dynamicImports, modules: Object.entries(f.modules).filter(([, m]) => m.renderedLength > 0).map(([id]) => id) }]
        : [],
    );
  } finally {
    await bundle.close();
  }
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
 * would after `npm run build:bundles`, i.e. the published JavaScript. `widget: false` builds the
 * protocol and the SDK only (`widget` is then an empty path).
 */
export async function rollupPackages(options: { widget?: boolean } = {}): Promise<PackageDists> {
  const dir = mkdtempSync(join(tmpdir(), 'qc-packages-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  const withWidget = options.widget ?? true;
  await runBuilds((config) => [...config.libraryBuilds((pkgDir) => join(dir, pkgDir)), ...(withWidget ? config.widgetBuilds(join(dir, 'widget')) : [])]).catch((error: unknown) => {
    dispose();
    throw error;
  });
  return { dir, protocol: join(dir, 'protocol'), sdk: join(dir, 'sdk'), widget: withWidget ? join(dir, 'widget') : '', dispose };
}

/** The npm entry bundled for browsers with everything it imports, minified, split at `import()` as an app's bundler would. */
export function browserBundle() {
  return measureBrowserBundle(join(repo, 'packages/widget/src/index.ts'), 'esm');
}
