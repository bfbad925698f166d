/**
 * The calls entry as apps get it: rollup.config.mjs's real output (the published ESM and CJS,
 * built into a temp dir), then bundled by an app's own bundler with no Node polyfills: Vite
 * (`vite build`) and rollup (node-resolve only, no CommonJS plugin, eventemitter3 through its own
 * ES module build). simple-peer is inside the
 * entry, with browser stand-ins for its Node-only dependencies (packages/sdk/build/simple-peer),
 * so neither bundler meets `events`, `buffer` or `process`, and the app's code never reads
 * `global`, `process` or `Buffer`. The calls chunk, loaded with `import()` as the docs show, is
 * measured min+gzip against issue 12's budget: 24 KiB including simple-peer.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { transform } from 'esbuild';
import { rollup } from 'rollup';
import { build as viteBuild, type Rolldown } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanForNodeGlobals } from '../build/simple-peer/plugin.mjs';
import { rollupPackages, type PackageDists } from '../../widget/test/support/bundle.js';

/** Issue 12: the calls entry, simple-peer included, min+gzip. */
const CALLS_BUDGET_BYTES = 24 * 1024;
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const sdkPackage = JSON.parse(readFileSync(join(repo, 'packages/sdk/package.json'), 'utf8')) as { dependencies: Record<string, string> };

/** The app both bundlers build: the core up front, the calls entry on first use. */
const APP = `import { createClient } from '@quickchat/sdk';
window.quickchat = { createClient, loadCalls: () => import('@quickchat/sdk/calls') };
`;

/** Every file under `dir` (relative paths). */
const filesUnder = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));

/** Minified (esbuild) and gzipped size of `code`. */
async function minGzip(code: string): Promise<number> {
  const { code: min } = await transform(code, { minify: true, format: 'esm', target: 'es2020' });
  return gzipSync(min, { level: 9 }).length;
}

describe('@quickchat/sdk/calls as published, bundled by apps with no Node polyfills', () => {
  let dists: PackageDists;
  let work: string;
  /** The packages resolve to the dists; their own dependency (eventemitter3) from the repo's node_modules. */
  let aliases: { find: RegExp; replacement: string }[];

  beforeAll(async () => {
    dists = await rollupPackages({ widget: false });
    work = mkdtempSync(join(dists.dir, 'app-'));
    writeFileSync(join(work, 'main.js'), APP);
    writeFileSync(join(work, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>\n');
    // eventemitter3 (the SDK's one dependency) is CommonJS behind a thin ESM wrapper, which
    // rollup reads only with its CommonJS plugin; it ships a real ES module too, used here.
    const eventemitter3 = join(dirname(createRequire(join(repo, 'packages/sdk/package.json')).resolve('eventemitter3')), 'dist/eventemitter3.esm.js');
    aliases = [
      { find: /^@quickchat\/sdk$/, replacement: join(dists.sdk, 'index.js') },
      { find: /^@quickchat\/sdk\/calls$/, replacement: join(dists.sdk, 'calls/index.js') },
      { find: /^@quickchat\/protocol$/, replacement: join(dists.protocol, 'index.js') },
      { find: /^eventemitter3$/, replacement: eventemitter3 },
    ];
  });

  afterAll(() => dists?.dispose());

  it('carries simple-peer inside: no simple-peer dependency, no import of it, and no Node global in any ES module', () => {
    expect(Object.keys(sdkPackage.dependencies)).not.toContain('simple-peer');
    const esm = filesUnder(dists.sdk).filter((f) => f.endsWith('.js'));
    const simplePeer = esm.filter((f) => readFileSync(join(dists.sdk, f), 'utf8').includes('cannot signal after peer is destroyed'));
    expect(simplePeer).toHaveLength(1);
    for (const file of esm) {
      const code = readFileSync(join(dists.sdk, file), 'utf8');
      expect(code, file).not.toMatch(/from ['"](simple-peer|readable-stream|buffer|events|randombytes)['"]/);
      expect(scanForNodeGlobals(code), file).toBeNull();
    }
    // The CJS entry (Node, older bundlers) has simple-peer inside as well.
    expect(readFileSync(join(dists.sdk, 'calls/index.cjs'), 'utf8')).toContain('cannot signal after peer is destroyed');
  });

  it(`builds in a Vite app without warnings, and its calls chunk is within ${CALLS_BUDGET_BYTES / 1024} KiB min+gzip`, async () => {
    const warnings: string[] = [];
    const outDir = join(work, 'vite-out');
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    const result = await viteBuild({
      root: work,
      configFile: false,
      mode: 'production',
      logLevel: 'silent',
      resolve: { alias: aliases },
      build: { outDir, emptyOutDir: true, rollupOptions: { onwarn: (w) => void warnings.push(w.message) } },
      customLogger: { info: () => {}, warn: (m) => void warnings.push(m), warnOnce: (m) => void warnings.push(m), error: (m) => void warnings.push(m), clearScreen: () => {}, hasErrorLogged: () => false, hasWarned: false },
    }).finally(() => {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    });
    expect(warnings).toEqual([]);
    const chunks = (Array.isArray(result) ? result : [result as Rolldown.RolldownOutput]).flatMap((r) => r.output).filter((o) => o.type === 'chunk');
    for (const chunk of chunks) expect(scanForNodeGlobals(chunk.code), chunk.fileName).toBeNull();
    const calls = chunks.find((c) => c.moduleIds.some((id) => id.endsWith(join('calls', 'session.js'))));
    expect(calls, 'a chunk with the calls entry').toBeDefined();
    expect(calls!.isEntry).toBe(false); // loaded on first use, not up front
    expect(calls!.moduleIds.some((id) => id.includes('simple-peer'))).toBe(true);
    const size = gzipSync(calls!.code, { level: 9 }).length;
    console.log(`[calls-bundling] Vite: calls chunk ${calls!.code.length} B min, ${size} B min+gzip (budget ${CALLS_BUDGET_BYTES} B)`);
    expect(size).toBeLessThanOrEqual(CALLS_BUDGET_BYTES);
  });

  it(`builds with rollup and node-resolve alone (no CommonJS plugin, no polyfills), the calls chunk within ${CALLS_BUDGET_BYTES / 1024} KiB min+gzip`, async () => {
    const warnings: string[] = [];
    const bundle = await rollup({
      input: join(work, 'main.js'),
      onwarn: (w) => void warnings.push(w.message),
      plugins: [
        { name: 'dists', resolveId: (id) => aliases.find((a) => a.find.test(id))?.replacement ?? null },
        nodeResolve({ browser: true }),
      ],
    });
    const { output } = await bundle.generate({ format: 'es', dir: join(work, 'rollup-out') });
    await bundle.close();
    expect(warnings).toEqual([]);
    const chunks = output.filter((o) => o.type === 'chunk');
    for (const chunk of chunks) expect(scanForNodeGlobals(chunk.code), chunk.fileName).toBeNull();
    const calls = chunks.find((c) => c.moduleIds.some((id) => id.endsWith(join('calls', 'session.js'))));
    expect(calls?.isEntry).toBe(false);
    const size = await minGzip(calls!.code);
    console.log(`[calls-bundling] rollup: calls chunk ${calls!.code.length} B, ${size} B min+gzip (budget ${CALLS_BUDGET_BYTES} B)`);
    expect(size).toBeLessThanOrEqual(CALLS_BUDGET_BYTES);
  });
});
