// `npm start`'s build step: the built files demo mode serves, the widget's script-tag build
// packages/widget/dist/quickchat-widget.js and its lazily loaded siblings
// (quickchat-widget-<name>-<hash>.js), with source maps, from `scriptTagBuild` in
// rollup.config.mjs, the same build `npm run build` uses.
//
// It deletes nothing and touches no other file. `npm run build` (which first empties every dist/,
// see clean-dist.mjs) may have left the packages' ESM and CJS bundles and declarations there,
// and something may be using them right now: examples/vite-app's dev server imports
// `@quickchat/widget` from packages/widget/dist. Each file is written beside its final path and
// renamed over it, so a reader sees the old file or the new one, never a missing or half-written
// one; quickchat-widget.js goes last, so it never names a lazy file that isn't there yet (the
// lazy files' names carry a content hash, so earlier builds' lazy files stay, unused).
// Usage: node scripts/build-demo.mjs
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { scriptTagBuild } from '../rollup.config.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const options = scriptTagBuild();
const outDir = options.output.dir;

const bundle = await rollup({ ...options, onwarn: (warning) => console.warn(`build-demo: rollup warning: ${warning.message}`) });
try {
  const { output } = await bundle.generate(options.output);
  mkdirSync(outDir, { recursive: true });
  // Source maps first, so no new file points at a missing or stale map; then the lazy files; the entry last.
  const rank = (file) => (file.type === 'asset' ? 0 : file.isEntry ? 2 : 1);
  const files = [...output].sort((a, b) => rank(a) - rank(b));
  for (const file of files) {
    const target = join(outDir, file.fileName);
    const temp = `${target}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, file.type === 'chunk' ? file.code : file.source);
      renameSync(temp, target);
    } finally {
      rmSync(temp, { force: true });
    }
  }
  console.log(`build-demo: ${files.map((f) => relative(root, join(outDir, f.fileName))).join(', ')}`);
} finally {
  await bundle.close();
}
