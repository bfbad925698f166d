// Builds the publishable bundles. Browser-facing packages (protocol, sdk) get ESM (`.js`) + CJS
// (`.cjs`) + sourcemaps; the widget gets ESM plus a minified script-tag build
// (`quickchat-widget.js` and its lazily loaded sibling files); the server gets ESM for Node.
// Type declarations come from `npm run build:types` (`tsc --emitDeclarationOnly` per package:
// TypeScript is used for checking and declarations only).
//
// `libraryBuilds(outRoot)`, `widgetBuilds(outDir)` and `scriptTagBuild(outDir)` are exported so
// tests (and scripts/build-demo.mjs) can build into another dir.
import esbuild from 'rollup-plugin-esbuild';
import { buildSync } from 'esbuild';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { bundledSimplePeer } from './packages/sdk/build/simple-peer/plugin.mjs';

const root = fileURLToPath(new URL('.', import.meta.url));
const pkg = (dir) => JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
const src = (dir, file) => join(root, 'packages', dir, 'src', file);
/** Dependencies stay external: consumers install them. */
const externalFor = (dir) => {
  const deps = Object.keys(pkg(dir).dependencies ?? {});
  return (id) => id.startsWith('node:') || deps.some((d) => id === d || id.startsWith(`${d}/`));
};
const plugins = (platform) => [
  nodeResolve({ exportConditions: ['source', platform === 'node' ? 'node' : 'browser', 'import', 'default'], extensions: ['.ts', '.mjs', '.js'] }),
  esbuild({ target: platform === 'node' ? 'node20' : 'es2020', platform }),
];
/**
 * ESM `.js` + CJS `.cjs` side by side, both with sourcemaps. The ESM build keeps one file per
 * source module so that, with `"sideEffects": false`, consumers' bundlers drop whole modules
 * (and their imports, e.g. eventemitter3 with the client) that they don't use. CJS is one file per
 * entry, plus chunks for code that several entries share.
 */
const dualOutput = (dir, srcRoot) => [
  { dir, format: 'es', entryFileNames: '[name].js', sourcemap: true, preserveModules: true, preserveModulesRoot: srcRoot },
  { dir, format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: '[name]-[hash].cjs', sourcemap: true, exports: 'named' },
];

/**
 * The browser-facing libraries. `outRoot(pkgDir)` gives the output folder for a package
 * (default: `packages/<pkgDir>/dist`).
 */
export function libraryBuilds(outRoot = (dir) => join(root, 'packages', dir, 'dist')) {
  return [
    {
      input: { index: src('protocol', 'index.ts'), 'validate/index': src('protocol', 'validate/index.ts') },
      external: externalFor('protocol'),
      plugins: plugins('neutral'),
      output: dualOutput(outRoot('protocol'), join(root, 'packages/protocol/src')),
    },
    {
      // The SDK: the core entry, and entries apps import only when they use them (friends,
      // groups, presence, calls, IndexedDB storage), so the core stays within its size budget.
      // `@quickchat/protocol` and `eventemitter3` stay external (dependencies); simple-peer is
      // bundled into the calls entry with browser stand-ins for its Node-only dependencies
      // (packages/sdk/build/simple-peer), so apps need no Node polyfills. The CJS build shares the
      // code of several entries (errors, stores) through chunks, so `instanceof QuickchatError`
      // holds across them.
      input: { index: src('sdk', 'index.ts'), 'friends/index': src('sdk', 'friends/index.ts'), 'groups/index': src('sdk', 'groups/index.ts'), 'messages/index': src('sdk', 'messages/index.ts'), 'presence/index': src('sdk', 'presence/index.ts'), 'calls/index': src('sdk', 'calls/index.ts'), 'storage/indexeddb': src('sdk', 'storage/indexeddb.ts') },
      external: externalFor('sdk'),
      plugins: [bundledSimplePeer(), ...plugins('neutral')],
      output: dualOutput(outRoot('sdk'), join(root, 'packages/sdk/src')),
    },
  ];
}

/**
 * eventemitter3 (an SDK dependency) is CommonJS with a thin ESM wrapper rollup can't see through
 * without a CommonJS plugin; it ships a real ESM build, which the self-contained IIFE uses.
 */
const eventemitter3Esm = {
  name: 'eventemitter3-esm',
  resolveId: (id) => (id === 'eventemitter3' ? join(dirname(createRequire(import.meta.url).resolve('eventemitter3')), 'dist/eventemitter3.esm.js') : null),
};

/** Preact JSX for the widget's .tsx files. */
const widgetPlugins = (options = {}) => [
  eventemitter3Esm,
  bundledSimplePeer(),
  nodeResolve({ exportConditions: ['source', 'browser', 'import', 'default'], extensions: ['.ts', '.tsx', '.mjs', '.js'] }),
  esbuild({ target: 'es2020', platform: 'browser', jsx: 'automatic', jsxImportSource: 'preact', ...options }),
];

/**
 * The widget: an ESM build for bundlers (preact and the SDK stay external: dependencies; one
 * file per module, so every `import()` stays a chunk the app's bundler loads on first use), and
 * the script-tag build ({@link scriptTagBuild}).
 */
export function widgetBuilds(outDir = join(root, 'packages/widget/dist')) {
  return [
    {
      input: { index: src('widget', 'index.ts') },
      external: externalFor('widget'),
      plugins: widgetPlugins(),
      output: { dir: outDir, format: 'es', entryFileNames: '[name].js', sourcemap: true, preserveModules: true, preserveModulesRoot: join(root, 'packages/widget/src') },
    },
    scriptTagBuild(outDir),
  ];
}

/**
 * The script-tag build: `quickchat-widget.js`, minified, with Preact, the SDK and everything up
 * front inside, which only defines the `QuickChat` global; and each `import()` (profile, emoji
 * picker, emoji search words, later calls) as a file of its own next to it,
 * `quickchat-widget-<name>-<hash>.js`, loaded on first use. The files are rollup's AMD output
 * with `define` renamed to `QuickChat.__define`: a lazy file registers on the one global and
 * takes Preact and the widget's shared modules from the main file's exports. The main file
 * starts with script-tag/bootstrap.ts (the loader: sibling files by URL, `<script>` elements
 * with the page's nonce). Decision 0006.
 */
export function scriptTagBuild(outDir = join(root, 'packages/widget/dist')) {
  return {
    input: { 'quickchat-widget': src('widget', 'iife.ts') },
    plugins: widgetPlugins({ minify: true }),
    output: {
      dir: outDir,
      format: 'amd',
      amd: { define: 'QuickChat.__define', forceJsExtensionForImports: true },
      entryFileNames: '[name].js',
      chunkFileNames: 'quickchat-widget-[name]-[hash].js',
      minifyInternalExports: true,
      banner: (chunk) => (chunk.isEntry ? scriptTagBootstrap() : ''),
      sourcemap: true,
    },
  };
}

let bootstrapCode;
/** script-tag/bootstrap.ts as one minified script, for the top of `quickchat-widget.js`. */
function scriptTagBootstrap() {
  bootstrapCode ??= buildSync({ entryPoints: [src('widget', 'script-tag/bootstrap.ts')], bundle: true, format: 'iife', minify: true, target: 'es2020', platform: 'browser', write: false, logLevel: 'silent' }).outputFiles[0].text.trim();
  return bootstrapCode;
}

export default [
  ...libraryBuilds(),
  ...widgetBuilds(),
  {
    input: { index: src('server', 'index.ts'), main: src('server', 'main.ts') },
    external: externalFor('server'),
    plugins: plugins('node'),
    output: { dir: join(root, 'packages/server/dist'), format: 'es', entryFileNames: '[name].js', sourcemap: true },
  },
];
