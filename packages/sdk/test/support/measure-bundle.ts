import { gzipSync } from 'node:zlib';
import { relative, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { bundledSimplePeerForEsbuild } from '../../build/simple-peer/plugin.mjs';

/** Code loaded together: an entry with everything it imports statically, or one lazy chunk. */
export interface MeasuredCode {
  text: string;
  /** Bytes, minified. */
  minified: number;
  /** Bytes, minified then gzipped at level 9. */
  gzipped: number;
  /** Source files that contributed code. */
  inputs: string[];
}

/** A browser bundle as a size-budget test sees it: what loads up front, and what loads later. */
export interface MeasuredBundle extends MeasuredCode {
  /** Imports left unbundled. */
  externals: string[];
  /** ESM only: code split off behind `import()`, loaded on first use (not counted above). */
  lazyChunks: MeasuredCode[];
}

/**
 * Bundles an entry for browsers in-process with esbuild (everything it imports, minified,
 * es2020, workspace packages from their sources, Preact JSX) and measures it. ESM builds are
 * split at `import()`, the way an app's bundler splits them, so lazily loaded chunks are measured
 * apart from the entry; IIFE builds inline everything. Shared by the SDK's and the widget's size
 * budgets (P9), so both measure the same way.
 */
export async function measureBrowserBundle(entry: string, format: 'esm' | 'iife' = 'esm'): Promise<MeasuredBundle> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    splitting: format === 'esm',
    outdir: 'measure-out',
    minify: true,
    format,
    platform: 'browser',
    target: 'es2020',
    conditions: ['source'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    write: false,
    metafile: true,
    plugins: [bundledSimplePeerForEsbuild()],
    logLevel: 'silent',
  });
  const outputs = out.metafile.outputs;
  const textOf = new Map(out.outputFiles.map((f) => [relative(process.cwd(), f.path), f.text]));
  // The chunk of `entry` itself: code behind `import()` gets chunks with an `entryPoint` too.
  const entryKey = Object.keys(outputs).find((k) => outputs[k]!.entryPoint !== undefined && resolve(outputs[k]!.entryPoint!) === resolve(entry) && k.endsWith('.js'))!;
  const upFront = staticClosure(outputs, [entryKey], new Set());
  const lazyRoots = [...upFront].flatMap((k) => outputs[k]!.imports.filter((i) => i.kind === 'dynamic-import' && !i.external).map((i) => i.path));
  const lazyChunks = [...new Set(lazyRoots)].map((k) => measure(outputs, textOf, staticClosure(outputs, [k], upFront)));
  return {
    ...measure(outputs, textOf, upFront),
    externals: [...upFront].flatMap((k) => outputs[k]!.imports.filter((i) => i.external).map((i) => i.path)),
    lazyChunks,
  };
}

/** Output files reachable from `roots` through static imports, leaving out those in `loaded`. */
function staticClosure(outputs: Metafile['outputs'], roots: string[], loaded: Set<string>): Set<string> {
  const found = new Set<string>();
  const visit = (k: string) => {
    if (found.has(k) || loaded.has(k)) return;
    found.add(k);
    for (const i of outputs[k]!.imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  roots.forEach(visit);
  return found;
}

function measure(outputs: Metafile['outputs'], textOf: Map<string, string>, files: Set<string>): MeasuredCode {
  const text = [...files].map((k) => textOf.get(k) ?? '').join('\n');
  const inputs = [...files].flatMap((k) => Object.entries(outputs[k]!.inputs).filter(([, v]) => v.bytesInOutput > 0).map(([i]) => i));
  return { text, minified: Buffer.byteLength(text), gzipped: gzipSync(text, { level: 9 }).length, inputs };
}
