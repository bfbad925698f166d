// The calls entry's simple-peer, as browsers and bundlers get it: one ES module, built by
// esbuild from simple-peer's own CommonJS sources with its Node-only dependencies swapped for the
// small stand-ins next to this file. Plain simple-peer needs `process`, `Buffer`, `events` and
// `global` polyfills from the app's bundler (Vite and rollup give none: "global is not defined",
// "Could not resolve events"), and its prebuilt `simplepeer.min.js` carries them all (28 KiB
// gzipped). Bundled this way it adds about 6 KiB, works under any bundler, in Node 20 (with a
// `wrtc` implementation passed in) and in web workers. `eventemitter3` stays an import: the SDK
// already depends on it. simple-peer is MIT-licensed; its notice is kept at the top.
import { buildSync } from 'esbuild';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const require = createRequire(import.meta.url);
const VIRTUAL_ID = '\0simple-peer';

/** simple-peer's dependencies that need a stand-in, and the file that replaces each. */
export const SIMPLE_PEER_STAND_INS = {
  'readable-stream': here('./duplex.mjs'),
  buffer: here('./buffer.mjs'),
  randombytes: here('./random-bytes.cjs'),
  debug: here('./debug.cjs'),
  'queue-microtask': here('./queue-microtask.cjs'),
};

let code;
/** The bundled module's code (built once per process). Throws if it still needs a Node global. */
export function bundledSimplePeerCode() {
  if (code) return code;
  const entry = require.resolve('simple-peer');
  const license = `/*! simple-peer ${require('simple-peer/package.json').version}. MIT License. Feross Aboukhadijeh <https://feross.org/opensource>. Bundled with browser stand-ins for readable-stream, buffer, randombytes, debug and queue-microtask. */`;
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    alias: SIMPLE_PEER_STAND_INS,
    external: ['eventemitter3'],
    legalComments: 'none',
    banner: { js: license },
    logLevel: 'silent',
  });
  const text = result.outputFiles[0].text;
  const leak = scanForNodeGlobals(text);
  if (leak) throw new Error(`bundled simple-peer still uses the Node global \`${leak}\`; give its dependency a stand-in in packages/sdk/build/simple-peer`);
  code = text;
  return code;
}

/** String literals and comments, which may mention anything. */
const STRINGS_AND_COMMENTS = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g;

/**
 * The first Node-only global (`process`, `global`, `Buffer`, `require`) that `text` reads, calls
 * or checks with `typeof` outside strings and comments, or null. esbuild's CommonJS wrapper names
 * `exports` and `module` only as its own helpers' parameters, so those are not looked for.
 */
export function scanForNodeGlobals(text) {
  const code = text.replace(STRINGS_AND_COMMENTS, '""');
  for (const name of ['process', 'global', 'Buffer', 'require']) {
    const use = new RegExp(`(?<![.\\w$])${name}\\s*(?:\\.|\\(|\\[)`);
    const typeofUse = new RegExp(`typeof\\s+${name}\\b`);
    if (use.test(code) || typeofUse.test(code)) return name;
  }
  return null;
}

/**
 * Rollup (and Vite/vitest) plugin: `import SimplePeer from 'simple-peer'` resolves to
 * {@link bundledSimplePeerCode}. `enforce: 'pre'` puts it before Vite's own resolver, which would
 * otherwise resolve the package first (rollup ignores the field).
 */
export function bundledSimplePeer() {
  return {
    name: 'bundled-simple-peer',
    enforce: 'pre',
    resolveId: (id) => (id === 'simple-peer' ? VIRTUAL_ID : null),
    load: (id) => (id === VIRTUAL_ID ? bundledSimplePeerCode() : null),
  };
}

/**
 * The same for esbuild (the tests' browser bundles and size measurements): `simple-peer`
 * resolves to {@link bundledSimplePeerCode}, whose `eventemitter3` import resolves from the SDK.
 */
export function bundledSimplePeerForEsbuild() {
  return {
    name: 'bundled-simple-peer',
    setup(build) {
      build.onResolve({ filter: /^simple-peer$/ }, () => ({ path: 'simple-peer', namespace: 'bundled-simple-peer' }));
      build.onLoad({ filter: /.*/, namespace: 'bundled-simple-peer' }, () => ({ contents: bundledSimplePeerCode(), loader: 'js', resolveDir: here('../..') }));
    },
  };
}
