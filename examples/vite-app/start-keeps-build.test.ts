/**
 * The order this example's README gives, `npm run build` and then `npm start` while the Vite dev
 * server uses the build: the build step of `npm start` (everything in the root `scripts.start`
 * before the server command) must leave a build the user made whole. It runs here for real in a
 * copy of the repository that the real `npm run build` has just built: afterwards every file in
 * packages/<name>/dist is still there, byte for byte (declarations, ESM and CJS bundles), except
 * the script-tag build demo mode serves, which it rebuilds, and `@quickchat/widget` still resolves from
 * this example to the built ESM entry and its declarations. On a checkout with no build yet, the
 * same step alone must give demo mode its bundle.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_BUNDLE } from '../../packages/server/src/cli.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGES = ['protocol', 'sdk', 'widget', 'server'];
/** Demo mode's bundle and its source map. */
const DEMO_FILES = [DEMO_BUNDLE, `${DEMO_BUNDLE}.map`];
/** What the build step may rewrite: the script-tag build, i.e. the bundle, the lazy files it loads from next to itself, and their source maps. */
const isDemoFile = (file: string) => /^packages\/widget\/dist\/quickchat-widget(-[\w-]+)?\.js(\.map)?$/.test(file);

let copy = '';

/** The root `start` script split into its build step and the server command. */
function startScript(): { build: string; server: string } {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const steps = pkg.scripts['start']!.split(' && ');
  const server = steps.pop()!;
  return { build: steps.join(' && '), server };
}

/** Runs `command` with `sh -c` in the copy, on npm's PATH for scripts; fails with its output. */
function sh(command: string): Promise<string> {
  return new Promise((done, fail) => {
    // A clean environment, as in a terminal: no NODE_OPTIONS or other settings of vitest's.
    const env = { PATH: `${join(copy, 'node_modules/.bin')}:${process.env['PATH'] ?? ''}`, HOME: process.env['HOME'] ?? copy };
    execFile('sh', ['-c', command], { cwd: copy, env, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`\`${command}\` failed: ${err.message}\n${stdout}${stderr}`));
      else done(stdout + stderr);
    });
  });
}

/** Every file under packages/<name>/dist in the copy, as repository-relative path → SHA-256. */
function dists(): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of PACKAGES) {
    const dir = join(copy, 'packages', name, 'dist');
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = join(entry.parentPath, entry.name);
      files.set(relative(copy, file).split(sep).join('/'), createHash('sha256').update(readFileSync(file)).digest('hex'));
    }
  }
  return files;
}

beforeAll(() => {
  // A repository without dist/ folders: what the build reads, and node_modules as installed, but
  // with the workspace links pointing into the copy (so the build writes and resolves there).
  copy = realpathSync(mkdtempSync(join(tmpdir(), 'quickchat-start-')));
  for (const file of ['package.json', 'rollup.config.mjs', 'tsconfig.base.json']) cpSync(join(repo, file), join(copy, file));
  cpSync(join(repo, 'scripts'), join(copy, 'scripts'), { recursive: true });
  const skip = new Set(['dist', 'node_modules', 'test']);
  for (const name of PACKAGES) {
    cpSync(join(repo, 'packages', name), join(copy, 'packages', name), { recursive: true, filter: (src) => !skip.has(relative(join(repo, 'packages', name), src).split(sep)[0]!) });
  }
  mkdirSync(join(copy, 'examples/vite-app'), { recursive: true });
  cpSync(join(repo, 'examples/vite-app/package.json'), join(copy, 'examples/vite-app/package.json'));
  mkdirSync(join(copy, 'node_modules/@quickchat'), { recursive: true });
  for (const entry of readdirSync(join(repo, 'node_modules'))) {
    if (entry !== '@quickchat' && entry !== '.cache') symlinkSync(join(repo, 'node_modules', entry), join(copy, 'node_modules', entry));
  }
  for (const name of PACKAGES) symlinkSync(join(copy, 'packages', name), join(copy, 'node_modules/@quickchat', name), 'dir');
  symlinkSync(join(copy, 'examples/vite-app'), join(copy, 'node_modules/@quickchat/example-vite-app'), 'dir');
});

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('npm start after npm run build (examples/vite-app/README.md)', () => {
  it('the start script is a build step, then the server in demo mode', () => {
    const { build, server } = startScript();
    expect(build).not.toBe('');
    expect(server).toMatch(/^tsx .*packages\/server\/src\/main\.ts --demo$/);
  });

  it('keeps every file `npm run build` made, and @quickchat/widget resolvable from the example; only the demo bundle is rebuilt', async () => {
    await sh('npm run build --silent');
    const before = dists();
    // The real build made what the example and consumers resolve: ESM, CJS and declarations.
    for (const file of ['widget/dist/index.js', 'widget/dist/index.d.ts', 'sdk/dist/index.js', 'sdk/dist/index.cjs', 'sdk/dist/index.d.ts', 'sdk/dist/index.d.cts', 'protocol/dist/index.d.ts', ...DEMO_FILES.map((f) => f.replace(/^packages\//, ''))]) {
      expect(before.has(`packages/${file}`), file).toBe(true);
    }

    await sh(startScript().build);
    const after = dists();
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const changed = [...before].filter(([file, hash]) => after.get(file) !== hash).map(([file]) => file);
    expect(changed.filter((file) => !isDemoFile(file))).toEqual([]);

    // Resolved from the example by plain Node through the package's exports map, with the
    // "import" condition, as Vite resolves it; then the file must be there.
    const resolved = await sh(`cd examples/vite-app && node --input-type=module -e "process.stdout.write(import.meta.resolve('@quickchat/widget'))"`);
    expect(resolved).toBe(pathToFileURL(join(copy, 'packages/widget/dist/index.js')).href);
    expect(existsSync(fileURLToPath(resolved)), 'the ESM entry of @quickchat/widget').toBe(true);
    const widget = JSON.parse(readFileSync(join(copy, 'packages/widget/package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> };
    expect(existsSync(join(copy, 'packages/widget', widget.exports['.']!['types']!)), 'the types of @quickchat/widget').toBe(true);
  }, 180_000);

  it('on a checkout with no build, builds the bundle demo mode serves (and nothing else)', async () => {
    for (const name of PACKAGES) rmSync(join(copy, 'packages', name, 'dist'), { recursive: true, force: true });
    await sh(startScript().build);
    const built = [...dists().keys()];
    expect(built.filter((file) => !isDemoFile(file))).toEqual([]);
    expect(built).toEqual(expect.arrayContaining([...DEMO_FILES, expect.stringMatching(/\/quickchat-widget-profile-[\w-]{8}\.js$/)]));
    expect(readFileSync(join(copy, DEMO_BUNDLE), 'utf8')).toMatch(/QuickChat/);
  }, 120_000);
});
