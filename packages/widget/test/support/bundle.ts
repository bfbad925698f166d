/** Builds the widget for tests: the real rollup config (into a temp dir) or an in-process esbuild bundle. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { rollup, type OutputOptions, type RollupOptions } from 'rollup';

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
export async function browserBundle(entry: 'index.ts' | 'iife.ts', format: 'esm' | 'iife') {
  const out = await build({
    entryPoints: [join(repo, 'packages/widget/src', entry)],
    bundle: true,
    minify: true,
    format,
    platform: 'browser',
    target: 'es2020',
    conditions: ['source'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(out.metafile.outputs)[0]!;
  const text = out.outputFiles[0]!.text;
  return {
    text,
    minified: Buffer.byteLength(text),
    gzipped: gzipSync(text, { level: 9 }).length,
    inputs: Object.keys(output.inputs).filter((i) => output.inputs[i]!.bytesInOutput > 0),
    externals: output.imports.filter((i) => i.external).map((i) => i.path),
  };
}
