// Builds the publishable bundles. Browser-facing packages (protocol, sdk) get ESM (`.js`) + CJS
// (`.cjs`) + sourcemaps; the widget gets ESM plus a self-contained, minified IIFE for script
// tags (`quickchat-widget.js`); the server gets ESM for Node. Type declarations come from
// `npm run build:types` (`tsc --emitDeclarationOnly` per package: TypeScript is used for
// checking and declarations only).
//
// `libraryBuilds(outRoot)` and `widgetBuilds(outDir)` are exported so tests can build into a temp dir.
import esbuild from 'rollup-plugin-esbuild';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

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
      // groups, presence, IndexedDB storage), so the core stays within its size budget. `@quickchat/protocol` and
      // `eventemitter3` stay external (dependencies). The CJS build shares the code of several
      // entries (errors, stores) through chunks, so `instanceof QuickchatError` holds across them.
      input: { index: src('sdk', 'index.ts'), 'friends/index': src('sdk', 'friends/index.ts'), 'groups/index': src('sdk', 'groups/index.ts'), 'messages/index': src('sdk', 'messages/index.ts'), 'presence/index': src('sdk', 'presence/index.ts'), 'storage/indexeddb': src('sdk', 'storage/indexeddb.ts') },
      external: externalFor('sdk'),
      plugins: plugins('neutral'),
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
  nodeResolve({ exportConditions: ['source', 'browser', 'import', 'default'], extensions: ['.ts', '.tsx', '.mjs', '.js'] }),
  esbuild({ target: 'es2020', platform: 'browser', jsx: 'automatic', jsxImportSource: 'preact', ...options }),
];

/**
 * The widget: an ESM build for bundlers (preact and the SDK stay external: dependencies; one
 * file per module, so every `import()` stays a chunk the app's bundler loads on first use), and
 * `quickchat-widget.js`, one minified IIFE with everything inside that only defines the
 * `QuickChat` global.
 */
export function widgetBuilds(outDir = join(root, 'packages/widget/dist')) {
  return [
    {
      input: { index: src('widget', 'index.ts') },
      external: externalFor('widget'),
      plugins: widgetPlugins(),
      output: { dir: outDir, format: 'es', entryFileNames: '[name].js', sourcemap: true, preserveModules: true, preserveModulesRoot: join(root, 'packages/widget/src') },
    },
    {
      input: src('widget', 'iife.ts'),
      plugins: widgetPlugins({ minify: true }),
      // One file for a script tag: lazily loaded screens are inlined (their code still runs only on first use).
      output: { file: join(outDir, 'quickchat-widget.js'), format: 'iife', sourcemap: true, inlineDynamicImports: true },
    },
  ];
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
