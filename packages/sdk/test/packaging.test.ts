/**
 * Packaging of `@quickchat/sdk` and `@quickchat/protocol` as a consumer sees them: the real
 * rollup library builds (from rollup.config.mjs) and `tsc` declarations are written into a temp
 * `node_modules` next to copies of the real package.json files, so resolution goes through the
 * `exports` maps exactly as after `npm install` (no `source` condition, no workspace links).
 * The `.d.cts` declarations for the `require` condition come from scripts/cjs-declarations.mjs,
 * as in `npm run build:types`; ESM (nodenext) and CommonJS (node16) consumer projects type-check
 * against them.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, transformSync } from 'esbuild';
import { rollup, type RollupOptions, type OutputOptions } from 'rollup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const tsc = join(repo, 'node_modules/typescript/bin/tsc');
const EXPECTED_EXPORTS = ['createClient', 'ChatClient', 'ConnectionState', 'QuickchatError', 'MemoryStorage', 'createStore'];
/** The entries besides the core, each with what it must export (and the core must not). */
const OTHER_ENTRIES = { '@quickchat/sdk/friends': ['friendsOf', 'FriendsManager'], '@quickchat/sdk/groups': ['groupsOf', 'GroupsManager'], '@quickchat/sdk/indexeddb': ['IndexedDBStorage'] } as const;
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
      ? `const sdk = await import('@quickchat/sdk'); const resolved = import.meta.resolve('@quickchat/sdk');
const { IndexedDBStorage } = await import('@quickchat/sdk/indexeddb'); const { groupsOf, GroupsManager } = await import('@quickchat/sdk/groups');`
      : `const sdk = require('@quickchat/sdk'); const resolved = require.resolve('@quickchat/sdk');
const { IndexedDBStorage } = require('@quickchat/sdk/indexeddb'); const { groupsOf, GroupsManager } = require('@quickchat/sdk/groups');`;
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
new IndexedDBStorage();
new sdk.MemoryStorage();
const groups = groupsOf(client);
const report = {
  resolved: String(resolved),
  keys: Object.keys(sdk).filter((k) => k !== 'default').sort(),
  touched: [...touched], // before isAvailable(), which reads indexedDB on purpose
  isClient: client instanceof sdk.ChatClient,
  state: client.connectionState,
  errorIsError: new sdk.QuickchatError('validation', 'x') instanceof Error,
  idbAvailable: IndexedDBStorage.isAvailable(),
  groups: groups instanceof GroupsManager && groupsOf(client) === groups,
};
report.validates = typeof (${loadValidate}).parseFrame;
client.close();
process.stdout.write(JSON.stringify(report));
`;
  return kind === 'esm' ? body : `(async () => {${body}})().catch((e) => { console.error(e); process.exit(1); });`;
}

/** The public entries, and their declaration files (relative to node_modules, without extension). */
const ENTRIES = ['@quickchat/sdk', '@quickchat/sdk/friends', '@quickchat/sdk/groups', '@quickchat/sdk/indexeddb', '@quickchat/protocol', '@quickchat/protocol/validate'];
const ENTRY_TYPES = ['@quickchat/sdk/dist/index', '@quickchat/sdk/dist/friends/index', '@quickchat/sdk/dist/groups/index', '@quickchat/sdk/dist/storage/indexeddb', '@quickchat/protocol/dist/index', '@quickchat/protocol/dist/validate/index'];

/**
 * A CommonJS consumer in TypeScript (below, also compiled to JavaScript to run it). Node 20 has no global WebSocket, hence the stand-in (never constructed: no connect).
 */
const CJS_CONSUMER_TS = `import { createClient, ConnectionState, MemoryStorage, QuickchatError, type ChatClient, type WebSocketLike } from '@quickchat/sdk';
import { groupsOf, type GroupEventContext } from '@quickchat/sdk/groups';
import { IndexedDBStorage } from '@quickchat/sdk/indexeddb';
import { ErrorCode, dmConversationId, type Message } from '@quickchat/protocol';
import { parseFrame, ProtocolError } from '@quickchat/protocol/validate';
class NoSocket implements WebSocketLike {
  readonly readyState = 3;
  onopen = null; onmessage = null; onclose = null; onerror = null;
  constructor(url: string) { throw new Error('no socket in this consumer: ' + url); }
  send(): void {}
  close(): void {}
}
const client: ChatClient = createClient({ url: 'https://chat.example.com', auth: { token: 't' }, storage: new MemoryStorage(), autoConnect: false, WebSocket: NoSocket, fetch: async () => { throw new Error('no network in this consumer'); } });
const state: ConnectionState = client.connectionState;
const frame = parseFrame('{"type":"ping","id":1}');
const bad = parseFrame('[]');
const history: Message[] = [];
const invited: GroupEventContext[] = [];
groupsOf(client).on('invited', (context) => invited.push(context));
const report = {
  state,
  frame: frame instanceof ProtocolError ? null : frame.type,
  bad: bad instanceof ProtocolError ? bad.code : null,
  dm: dmConversationId('b', 'a'),
  notFound: ErrorCode.NotFound,
  quickchatError: new QuickchatError('validation', 'x') instanceof Error,
  history: history.length,
  invited: invited.length,
  idb: IndexedDBStorage.isAvailable(),
};
client.close();
console.log(JSON.stringify(report));
`;
/** The same consumer compiled to CommonJS JavaScript (imports become require()), as tsc would emit it. */
const CJS_CONSUMER_JS = transformSync(CJS_CONSUMER_TS, { loader: 'ts', format: 'cjs', target: 'node20' }).code;

/**
 * TypeScript source stating that each entry's declared value exports are exactly the keys Node
 * loads through the given condition: a declared export missing at runtime fails with TS2741,
 * a runtime export the declarations lack with TS2353.
 */
async function exportsMatchRuntime(kind: 'esm' | 'cjs'): Promise<string> {
  const load = kind === 'esm' ? 'await import(s)' : 'require(s)';
  const script = `const keys = []; for (const s of ${JSON.stringify(ENTRIES)}) keys.push(Object.keys(${load})); process.stdout.write(JSON.stringify(keys));`;
  const r = await run(process.execPath, kind === 'esm' ? ['--input-type=module', '-e', script] : ['-e', script], tmp);
  expect(r.stderr).toBe('');
  const keys = JSON.parse(r.stdout) as string[][];
  const lines = ['type Exactly<T> = { [K in keyof T]: true };'];
  ENTRIES.forEach((entry, i) => {
    expect(keys[i]!.length, entry).toBeGreaterThan(0);
    lines.unshift(`import * as entry${i} from '${entry}';`);
    lines.push(`export const keys${i}: Exactly<typeof entry${i}> = ${JSON.stringify(Object.fromEntries(keys[i]!.map((k) => [k, true])))};`);
  });
  return lines.join('\n') + '\n';
}

/**
 * `tsc --noEmit` over a consumer project (strict, libraries checked too), listing the files it
 * read: `quickchatTypes` are those of the quickchat packages, relative to node_modules.
 */
async function typeCheck(dir: string, module: 'nodenext' | 'node16', files: string[]) {
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { module, moduleResolution: module, target: 'es2022', lib: ['es2023', 'dom'], types: [], strict: true, noEmit: true, skipLibCheck: false },
      files,
    }),
  );
  const r = await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--listFiles'], dir);
  const lines = (r.stdout + r.stderr).split('\n').filter(Boolean);
  // --listFiles prints absolute paths; diagnostics start with a relative path or indentation.
  const listed = lines.filter((l) => isAbsolute(l));
  return {
    code: r.code,
    output: lines.filter((l) => !isAbsolute(l)).join('\n'),
    quickchatTypes: listed.filter((f) => f.startsWith(join(nodeModules(), '@quickchat'))).map((f) => relative(nodeModules(), f)),
  };
}

beforeAll(async () => {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'quickchat-packaging-'))); // real: tools report resolved paths
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
  // The `.d.cts` twins for CommonJS consumers (the `require` condition's `types`), as build:types writes them.
  const cts = await run(process.execPath, [join(repo, 'scripts/cjs-declarations.mjs'), join(pkgDir('protocol'), 'dist'), join(pkgDir('sdk'), 'dist')], repo);
  expect(cts.stderr, 'cjs declarations').toBe('');
  expect(cts.code).toBe(0);
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
    expect(report).toMatchObject({ isClient: true, state: 'idle', errorIsError: true, idbAvailable: false, groups: true, validates: 'function' });
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
    expect(report).toMatchObject({ isClient: true, state: 'idle', errorIsError: true, idbAvailable: false, groups: true, validates: 'function' });
  });

  it('ESM and CJS builds export exactly what the source entry exports', async () => {
    const source = Object.keys(await import('../src/index.js')).sort();
    const esm = await run(process.execPath, ['--input-type=module', '-e', `process.stdout.write(JSON.stringify(Object.keys(await import('@quickchat/sdk')).sort()))`], tmp);
    const cjs = await run(process.execPath, ['-e', `process.stdout.write(JSON.stringify(Object.keys(require('@quickchat/sdk')).sort()))`], tmp);
    expect(JSON.parse(esm.stdout)).toEqual(source);
    expect(JSON.parse(cjs.stdout)).toEqual(source);
    expect(source).toEqual(expect.arrayContaining(EXPECTED_EXPORTS));
    // The other entries: theirs, not the core's.
    const sources = { '@quickchat/sdk/friends': '../src/friends/index.js', '@quickchat/sdk/groups': '../src/groups/index.js', '@quickchat/sdk/indexeddb': '../src/storage/indexeddb.js' };
    for (const [entry, names] of Object.entries(OTHER_ENTRIES)) {
      const own = Object.keys(await import(sources[entry as keyof typeof sources])).sort();
      const built = await run(process.execPath, ['--input-type=module', '-e', `process.stdout.write(JSON.stringify(Object.keys(await import('${entry}')).sort()))`], tmp);
      const builtCjs = await run(process.execPath, ['-e', `process.stdout.write(JSON.stringify(Object.keys(require('${entry}')).sort()))`], tmp);
      expect(JSON.parse(built.stdout), entry).toEqual(own);
      expect(JSON.parse(builtCjs.stdout), entry).toEqual(own);
      expect(own).toEqual(expect.arrayContaining([...names]));
      for (const name of names) expect(source, `${name} is not in the core`).not.toContain(name);
    }
  });

  it('type-checks for an ESM (nodenext) consumer through the "import" condition\'s .d.ts files, which declare exactly the runtime exports', async () => {
    const dir = join(tmp, 'consumer');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'main.mts'),
      `import { createClient, ConnectionState, MemoryStorage, QuickchatError, type ChatClient, type LocalMessage, type ClientEvents } from '@quickchat/sdk';
import { IndexedDBStorage } from '@quickchat/sdk/indexeddb';
import { groupsOf, type GroupInfo } from '@quickchat/sdk/groups';
import { parseFrame } from '@quickchat/protocol/validate';
const client: ChatClient = createClient({ url: 'https://chat.example.com', auth: { token: 't' }, storage: new MemoryStorage(), autoConnect: false });
const state: ConnectionState = client.connectionState;
const sent: LocalMessage = client.send(client.dmWith('u2'), 'hi');
const listener: ClientEvents['connectionStateChanged'] = (change) => void change.newState;
client.on('connectionStateChanged', listener);
const info: Promise<GroupInfo> = groupsOf(client).get('g:climbers');
export const all = [state, sent.state, new IndexedDBStorage(), new QuickchatError('validation', 'x').code, parseFrame, info];
`,
    );
    writeFileSync(join(dir, 'exports.mts'), await exportsMatchRuntime('esm'));
    const r = await typeCheck(dir, 'nodenext', ['main.mts', 'exports.mts']);
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
    expect(r.quickchatTypes).toEqual(expect.arrayContaining(ENTRY_TYPES.map((f) => `${f}.d.ts`)));
    expect(r.quickchatTypes.filter((f) => !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('type-checks for a CommonJS (node16) consumer through the "require" condition\'s .d.cts files, which declare exactly the runtime exports', async () => {
    const dir = join(tmp, 'consumer-cjs');
    mkdirSync(dir, { recursive: true });
    // A CommonJS project (no "type": "module"): main.ts is CJS, its imports compile to require().
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cjs-consumer', private: true }));
    writeFileSync(join(dir, 'main.ts'), CJS_CONSUMER_TS);
    writeFileSync(join(dir, 'exports.ts'), await exportsMatchRuntime('cjs'));
    const r = await typeCheck(dir, 'node16', ['main.ts', 'exports.ts']);
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
    expect(r.quickchatTypes).toEqual(expect.arrayContaining(ENTRY_TYPES.map((f) => `${f}.d.cts`)));
    // Every declaration reached from a .d.cts is a .d.cts: CJS types all the way down.
    expect(r.quickchatTypes.filter((f) => !f.endsWith('.d.cts'))).toEqual([]);
  });

  it('runs the CommonJS consumer, compiled by hand to require(), with the results its types promise', async () => {
    const dir = join(tmp, 'consumer-cjs-run');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.cjs'), CJS_CONSUMER_JS);
    const r = await run(process.execPath, ['main.cjs'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ state: 'idle', frame: 'ping', bad: 'bad_frame', dm: 'dm:a~b', notFound: 'not_found', quickchatError: true, history: 0, invited: 0, idb: false });
  });

  it('tree-shakes: a consumer importing only createStore gets neither the client nor eventemitter3', async () => {
    const bundle = async (contents: string) => {
      const out = await build({
        stdin: { contents, resolveDir: tmp, loader: 'js' },
        // The metafile's paths are relative to esbuild's working directory (default: the process's,
        // i.e. wherever the repository is cloned), so pin it to the dir they are resolved against below.
        absWorkingDir: tmp,
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
