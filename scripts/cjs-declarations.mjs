// Declarations for CommonJS consumers. `tsc` writes one set of declarations, `dist/**/*.d.ts`,
// and in a `"type": "module"` package TypeScript reads every `.d.ts` as ESM, so a CommonJS
// consumer (`"module": "node16"`, imports compiled to `require`) would be told it can't
// `require` the package (TS1479), although rollup ships a real CJS build (`.cjs`).
//
// This writes, next to each `foo.d.ts`, a `foo.d.cts` with the same text except that relative
// module specifiers end in `.cjs` instead of `.js` (TypeScript maps `./x.cjs` to `./x.d.cts`,
// so a `.d.cts` file only ever reaches other `.d.cts` files). The packages' `exports` maps point
// the `require` condition's `types` at these files and the `import` condition's at the `.d.ts`
// ones. Bare specifiers (`@quickchat/protocol`, `zod`) are left alone: TypeScript resolves them
// through the `require` condition of that package from a `.d.cts` file.
//
// Run by `npm run build:types` after tsc. Usage: node scripts/cjs-declarations.mjs [distDir ...]
// (default: the protocol's and the sdk's dist folders). Exits non-zero if a relative specifier
// does not end in `.js`, or if one ending in `.js` is left in a place this script doesn't rewrite,
// rather than writing a `.d.cts` that would quietly point back at ESM declarations.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Module specifiers in declaration files: `from '…'` (import/export … from), `import '…'`
 * (side effect), `import('…')` (import types, e.g. `import("./x.js").Foo`) and
 * `declare module '…'` (augmentations).
 */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\bmodule\s+)(['"])(\.\.?\/[^'"\n]*)\2/g;
/** Any string that still looks like a relative `.js` path after the rewrite. */
const LEFTOVER = /(['"])\.\.?\/[^'"\n]*\.js\1/;

/** The `.d.cts` text for a `.d.ts` file's text. Throws on a specifier it can't map. */
export function toCjsDeclaration(text, file = '<declaration>') {
  const out = text.replace(SPECIFIER, (_, before, quote, specifier) => {
    if (!specifier.endsWith('.js')) throw new Error(`${file}: relative specifier ${quote}${specifier}${quote} does not end in .js`);
    return `${before}${quote}${specifier.slice(0, -'.js'.length)}.cjs${quote}`;
  });
  const leftover = out.match(LEFTOVER);
  if (leftover) throw new Error(`${file}: ${leftover[0]} was not rewritten (not in a module specifier position this script knows)`);
  return out;
}

/** Writes a `.d.cts` next to every `.d.ts` under `dir`; returns how many. */
export function writeCjsDeclarations(dir) {
  let count = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
    const file = join(entry.parentPath ?? entry.path, entry.name); // `path` before Node 20.12
    const text = toCjsDeclaration(readFileSync(file, 'utf8'), relative(root, file));
    writeFileSync(file.slice(0, -'.d.ts'.length) + '.d.cts', text);
    count++;
  }
  if (count === 0) throw new Error(`no .d.ts files under ${dir}: run tsc first`);
  return count;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dirs = process.argv.slice(2);
  for (const dir of dirs.length ? dirs.map((d) => resolve(d)) : ['protocol', 'sdk'].map((p) => join(root, 'packages', p, 'dist'))) {
    const count = writeCjsDeclarations(dir);
    console.log(`cjs-declarations: ${count} .d.cts files in ${relative(root, dir) || dir}`);
  }
}
