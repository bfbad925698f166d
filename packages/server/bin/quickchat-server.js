#!/usr/bin/env node
// The `quickchat-server` command. A published package (or a checkout after `npm run build`) runs
// the built CLI, dist/main.js. A checkout without a build runs the TypeScript sources through tsx,
// in a child process, since source conditions can only be set when Node starts.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/main.js', import.meta.url);
if (existsSync(fileURLToPath(built))) {
  await import(built.href);
} else {
  const source = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', source, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exitCode = run.status ?? 1;
}
