// Builds the publishable bundles. Browser-facing packages get ESM + CJS; the server gets ESM
// for Node. Type declarations come from `tsc -b` (TypeScript is used for checking only).
import esbuild from 'rollup-plugin-esbuild';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { readFileSync } from 'node:fs';

const pkg = (dir) => JSON.parse(readFileSync(`packages/${dir}/package.json`, 'utf8'));
/** Dependencies stay external: consumers install them. */
const externalFor = (dir) => {
  const deps = Object.keys(pkg(dir).dependencies ?? {});
  return (id) => id.startsWith('node:') || deps.some((d) => id === d || id.startsWith(`${d}/`));
};
const plugins = (platform) => [
  nodeResolve({ exportConditions: ['source', platform === 'node' ? 'node' : 'browser', 'import', 'default'], extensions: ['.ts', '.mjs', '.js'] }),
  esbuild({ target: platform === 'node' ? 'node20' : 'es2020', platform }),
];

export default [
  {
    input: { index: 'packages/protocol/src/index.ts', 'validate/index': 'packages/protocol/src/validate/index.ts' },
    external: externalFor('protocol'),
    plugins: plugins('neutral'),
    output: [
      { dir: 'packages/protocol/dist', format: 'es', entryFileNames: '[name].js', sourcemap: true },
      { dir: 'packages/protocol/dist', format: 'cjs', entryFileNames: '[name].cjs', sourcemap: true },
    ],
  },
  {
    input: { index: 'packages/server/src/index.ts', main: 'packages/server/src/main.ts' },
    external: externalFor('server'),
    plugins: plugins('node'),
    output: { dir: 'packages/server/dist', format: 'es', entryFileNames: '[name].js', sourcemap: true },
  },
];
