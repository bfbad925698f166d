// Empties the dist folders `npm run build` writes, so stale hashed chunks and declarations of
// deleted modules never linger. Usage: node scripts/clean-dist.mjs [package ...]
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const packages = process.argv.slice(2);
for (const name of packages.length ? packages : ['protocol', 'sdk', 'widget', 'server']) {
  rmSync(fileURLToPath(new URL(`../packages/${name}/dist`, import.meta.url)), { recursive: true, force: true });
}
