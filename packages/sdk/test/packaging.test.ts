/**
 * Packaging of `@quickchat/sdk` and `@quickchat/protocol` as a consumer sees them: the real
 * rollup library builds (from rollup.config.mjs) and `tsc` declarations are written into a temp
 * `node_modules` next to copies of the real package.json files, so resolution goes through the
 * `exports` maps exactly as after `npm install` (no `source` condition, no workspace links).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { rollup, type RollupOptions, type OutputOptions } from 'rollup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const tsc = join(repo, 'node_modules/typescript/bin/tsc');
const EXPECTED_EXPORTS = ['createClient', 'ChatClient', 'ConnectionState', 'QuickchatError', 'MemoryStorage', 'IndexedDBStorage', 'createStore'];
/** Browser/DOM globals that must not be read while importing (or constructing) the SDK in Node/SSR. */
const DOM_GLOBALS = ['window', 'document', 'self', 'navigator', 'location', 'localStorage', 'sessionStorage', 'indexedDB'];

let tmp = '';
const nodeModules = () => join(tmp, 'node_modules');
const pkgDir = (name: string) => join(nodeModules(), '@quickchat', name);

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    // A clean environment: no NODE_OPTIONS (vitest may set loaders/conditions) and no DOM shims.
    const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? tmp };
    execFile(cmd, args, { cwd, env, timeout: 60_000 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A probe script that traps DOM globals, loads the package, and prints a JSON report. */
function probe(kind: 'esm' | 'cjs'): string {
  const load =
    kind === 'esm'
      ? `const sdk = await import('@quickchat/sdk'); const resolved = import.meta.resolve('@quickchat/sdk');`
      : `const sdk = require('@quickchat/sdk'); const resolved = require.resolve('@quickchat/sdk');`;
  // zod (behind '@quickchat/protocol/validate', not part of the SDK) reads `navigator` on purpose:
  // it is loaded after the snapshot, only to check that entry of the exports map.
  const loadValidate = kind === 'esm' ? `await import('@quickchat/protocol/validate')` : `require('@quickchat/protocol/validate')`;
  const body = `
const touched = [];
for (const name of ${JSON.stringify(DOM_GLOBALS)}) {
  if (name in globalThis) throw new Error('unexpected global ' + name);
  Object.defineProperty(globalThis, name, { configurable: true, get() { touched.push(name); return undefined; } });
}
${load}
const client = sdk.createClient({
  url: 'http://127.0.0.1:9',
  auth: { token: 'not-a-jwt' },
  autoConnect: false,
  fetch: async () => { throw new Error('no network in this probe'); },
  WebSocket: class { constructor() { throw new Error('no socket in this probe'); } },
});
new sdk.IndexedDBStorage();
new sdk.MemoryStorage();
const report = {
  resolved: String(resolved),
  keys: Object.keys(sdk).filter((k) => k !== 'default').sort(),
  touched: [...touched], // before isAvailable(), which reads indexedDB on purpose
  isClient: client instanceof sdk.ChatClient,
  state: client.connectionState,
  errorIsError: new sdk.QuickchatError('validation', 'x') instanceof Error,
  idbAvailable: sdk.IndexedDBStorage.isAvailable(),
};
report.validates = typeof (${loadValidate}).parseFrame;
client.close();
process.stdout.write(JSON.stringify(report));
`;
  return kind === 'esm' ? body : `(async () => {${body}})().catch((e) => { console.error(e); process.exit(1); });`;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'quickchat-packaging-'));
  for (const name of ['protocol', 'sdk']) {
    mkdirSync(pkgDir(name), { recursive: true });
    cpSync(join(repo, 'packages', name, 'package.json'), join(pkgDir(name), 'package.json'));
  }
  // Third-party dependencies as installed.
  for (const dep of ['eventemitter3', 'zod']) symlinkSync(join(repo, 'node_modules', dep), join(nodeModules(), dep), 'dir');

  // The real library builds, redirected into the temp packages.
  const configUrl = pathToFileURL(join(repo, 'rollup.config.mjs')).href;
  const { libraryBuilds } = (await import(configUrl)) as { libraryBuilds: (outRoot: (dir: string) => string) => RollupOptions[] };
  for (const options of libraryBuilds((dir) => join(pkgDir(dir), 'dist'))) {
    const bundle = await rollup({ ...options, onwarn: (w) => { throw new Error(`rollup warning: ${w.message}`); } });
    try {
      for (const output of [options.output].flat() as OutputOptions[]) await bundle.write(output);
    } finally {
      await bundle.close();
    }
  }

  // Declarations, as `npm run build:types` makes them (the sdk's point at the temp protocol).
  const sdkTsconfig = join(tmp, 'tsconfig.sdk.json');
  writeFileSync(
    sdkTsconfig,
    JSON.stringify({
      extends: join(repo, 'packages/sdk/tsconfig.build.json'),
      compilerOptions: {
        rootDir: join(repo, 'packages/sdk/src'),
        outDir: join(pkgDir('sdk'), 'dist'),
        paths: { '@quickchat/protocol': [join(pkgDir('protocol'), 'dist/index.d.ts')] },
      },
    }),
  );
  for (const args of [
    ['-p', join(repo, 'packages/protocol/tsconfig.build.json'), '--outDir', join(pkgDir('protocol'), 'dist')],
    ['-p', sdkTsconfig],
  ]) {
    const r = await run(process.execPath, [tsc, ...args], repo);
    expect(r.stdout + r.stderr, 'declaration build').toBe('');
    expect(r.code).toBe(0);
  }
}, 120_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('@quickchat/sdk package', () => {
  it('loads through the "import" condition in plain Node without touching DOM globals', async () => {
    writeFileSync(join(tmp, 'probe.mjs'), probe('esm'));
    const r = await run(process.execPath, ['probe.mjs'], tmp);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.resolved).toBe(pathToFileURL(join(pkgDir('sdk'), 'dist/index.js')).href);
    expect(report.keys).toEqual(expect.arrayContaining(EXPECTED_EXPORTS));
    expect(report.touched).toEqual([]);
    expect(report).toMatchObject({ isClient: true, state: 'idle', errorIsError: true, idbAvailable: false, validates: 'function' });
  });

  it('loads through the "require" condition (CJS all the way down) without touching DOM globals', async () => {
    writeFileSync(join(tmp, 'probe.cjs'), probe('cjs'));
    const r = await run(process.execPath, ['probe.cjs'], tmp);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.resolved).toBe(join(pkgDir('sdk'), 'dist/index.cjs'));
    expect(report.keys).toEqual(expect.arrayContaining(EXPECTED_EXPORTS));
    expect(report.touched).toEqual([]);
    expect(report).toMatchObject({ isClient: true, state: 'idle', errorIsError: true, idbAvailable: false, validates: 'function' });
  });

  it('ESM and CJS builds export exactly what the source entry exports', async () => {
    const source = Object.keys(await import('../src/index.js')).sort();
    const esm = await run(process.execPath, ['--input-type=module', '-e', `process.stdout.write(JSON.stringify(Object.keys(await import('@quickchat/sdk')).sort()))`], tmp);
    const cjs = await run(process.execPath, ['-e', `process.stdout.write(JSON.stringify(Object.keys(require('@quickchat/sdk')).sort()))`], tmp);
    expect(JSON.parse(esm.stdout)).toEqual(source);
    expect(JSON.parse(cjs.stdout)).toEqual(source);
    expect(source).toEqual(expect.arrayContaining(EXPECTED_EXPORTS));
  });

  it('type-checks for a consumer through the "types" condition', async () => {
    const dir = join(tmp, 'consumer');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'main.mts'),
      `import { createClient, ConnectionState, MemoryStorage, IndexedDBStorage, QuickchatError, type ChatClient, type LocalMessage, type ClientEvents } from '@quickchat/sdk';
import { parseFrame } from '@quickchat/protocol/validate';
const client: ChatClient = createClient({ url: 'https://chat.example.com', auth: { token: 't' }, storage: new MemoryStorage(), autoConnect: false });
const state: ConnectionState = client.connectionState;
const sent: LocalMessage = client.send(client.dmWith('u2'), 'hi');
const listener: ClientEvents['connectionStateChanged'] = (change) => void change.newState;
client.on('connectionStateChanged', listener);
export const all = [state, sent.state, new IndexedDBStorage(), new QuickchatError('validation', 'x').code, parseFrame];
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2023', 'dom'], types: [], strict: true, noEmit: true, skipLibCheck: false },
        files: ['main.mts'],
      }),
    );
    const r = await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], dir);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('tree-shakes: a consumer importing only createStore gets neither the client nor eventemitter3', async () => {
    const bundle = async (contents: string) => {
      const out = await build({
        stdin: { contents, resolveDir: tmp, loader: 'js' },
        bundle: true,
        minify: true,
        format: 'esm',
        platform: 'browser',
        write: false,
        logLevel: 'silent',
        metafile: true,
      });
      const text = out.outputFiles[0]!.text;
      // Modules that contributed code (the metafile's `inputs` also lists parsed-then-dropped ones).
      const contributed = Object.values(out.metafile.outputs)[0]!.inputs;
      const inputs = Object.keys(contributed).filter((i) => contributed[i]!.bytesInOutput > 0);
      return { text, gzip: gzipSync(text, { level: 9 }).length, inputs };
    };
    const full = await bundle(`export * from '@quickchat/sdk';`);
    const only = await bundle(`export { createStore } from '@quickchat/sdk';`);
    console.log(`[packaging] consumer bundle min+gzip: full SDK ${full.gzip} B, createStore only ${only.gzip} B`);

    // Both went through the built ESM file, not the sources.
    const fromDist = (b: { inputs: string[] }, file: string) => b.inputs.some((i) => resolve(tmp, i) === join(pkgDir('sdk'), 'dist', file));
    expect(fromDist(full, 'client.js')).toBe(true);
    expect(fromDist(only, 'stores/store.js')).toBe(true);
    expect(fromDist(only, 'client.js')).toBe(false);
    expect(full.inputs.some((i) => i.includes('eventemitter3'))).toBe(true);
    // Markers of code that must go: eventemitter3 internals and the client's own messages.
    const markers = ['_eventsCount', 'no fetch available', 'authenticating'];
    for (const marker of markers) {
      expect(full.text).toContain(marker);
      expect(only.text).not.toContain(marker);
    }
    expect(only.inputs.some((i) => i.includes('eventemitter3'))).toBe(false);
    expect(only.gzip * 10).toBeLessThan(full.gzip);
  });
});
