import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** A browser bundle as a size-budget test sees it. */
export interface MeasuredBundle {
  text: string;
  /** Bytes, minified. */
  minified: number;
  /** Bytes, minified then gzipped at level 9. */
  gzipped: number;
  /** Source files that contributed code to the bundle. */
  inputs: string[];
  /** Imports left unbundled. */
  externals: string[];
}

/**
 * Bundles an entry for browsers in-process with esbuild (everything it imports, minified,
 * es2020, workspace packages from their sources, Preact JSX) and measures it. Shared by the
 * SDK's and the widget's size budgets (P9), so both measure the same way.
 */
export async function measureBrowserBundle(entry: string, format: 'esm' | 'iife' = 'esm'): Promise<MeasuredBundle> {
  const out = await build({
    entryPoints: [entry],
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
