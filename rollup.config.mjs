// Builds the publishable bundles. Browser-facing packages (protocol, sdk) get ESM (`.js`) + CJS
// (`.cjs`) + sourcemaps; the server gets ESM for Node. Type declarations come from
// `npm run build:types` (`tsc --emitDeclarationOnly` per package: TypeScript is used for
// checking and declarations only).
//
// `libraryBuilds(outRoot)` is exported so tests can build the libraries into a temp dir.
import esbuild from 'rollup-plugin-esbuild';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

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
 * (and their imports, e.g. eventemitter3 with the client) that they don't use. CJS stays one file.
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
      // The SDK core entry. `@quickchat/protocol` and `eventemitter3` stay external (dependencies).
      input: { index: src('sdk', 'index.ts') },
      external: externalFor('sdk'),
      plugins: plugins('neutral'),
      output: dualOutput(outRoot('sdk'), join(root, 'packages/sdk/src')),
    },
  ];
}

export default [
  ...libraryBuilds(),
  {
    input: { index: src('server', 'index.ts'), main: src('server', 'main.ts') },
    external: externalFor('server'),
    plugins: plugins('node'),
    output: { dir: join(root, 'packages/server/dist'), format: 'es', entryFileNames: '[name].js', sourcemap: true },
  },
];
