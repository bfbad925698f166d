// `npm start`'s build step: the one built file demo mode serves, the widget's script-tag bundle
// packages/widget/dist/quickchat-widget.js (and its source map), from the widget build in
// rollup.config.mjs, the same one `npm run build` uses.
//
// It deletes nothing and touches no other file. `npm run build` (which first empties every dist/,
// see clean-dist.mjs) may have left the packages' ESM and CJS bundles and declarations there,
// and something may be using them right now: examples/vite-app's dev server imports
// `@quickchat/widget` from packages/widget/dist. Each file is written beside its final path and
// renamed over it, so a reader sees the old file or the new one, never a missing or half-written
// one. Usage: node scripts/build-demo.mjs
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { widgetBuilds } from '../rollup.config.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const options = widgetBuilds().find((o) => !Array.isArray(o.output) && o.output?.format === 'iife');
if (!options?.output?.file) throw new Error('build-demo: rollup.config.mjs has no single-file IIFE widget build');
const outDir = dirname(options.output.file);

const bundle = await rollup({ ...options, onwarn: (warning) => console.warn(`build-demo: rollup warning: ${warning.message}`) });
try {
  const { output } = await bundle.generate(options.output);
  mkdirSync(outDir, { recursive: true });
  // The source map first, so the new bundle never points at a missing or stale map.
  const files = [...output].sort((a, b) => Number(a.type === 'chunk') - Number(b.type === 'chunk'));
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
