import type { mount } from '../mount.js';

/**
 * How rollup's AMD output registers one file of the script-tag build: the values of `deps`
 * (`'require'`, `'exports'`, or a path relative to the file, such as `'./quickchat-widget.js'`)
 * are handed to `factory` in order, and `factory` fills in `exports`.
 */
export type Define = (deps: string[], factory: (...values: unknown[]) => void) => void;

/**
 * rollup's AMD rendering of `import()`: loads the files at `paths` (relative to the importing
 * file) and hands their exports to `onLoad`, or the first failure to `onError`.
 */
export type Require = (paths: string[], onLoad: (...exports: object[]) => void, onError: (error: Error) => void) => void;

/**
 * The `QuickChat` global of the script-tag build. `mount` is the public API; the bootstrap adds
 * the two internals as non-enumerable properties, so `Object.keys(QuickChat)` stays `['mount']`.
 */
export interface ScriptTagGlobal {
  /** See the npm entry's `mount`; also passes `options.nonce` to the lazy-file loader. */
  mount: typeof mount;
  /** Registers a file of the build (`quickchat-widget.js` and its lazy siblings call it at load). */
  readonly __define: Define;
  /** Sets the CSP nonce lazy files are loaded with (the `nonce` mount option). */
  readonly __nonce: (nonce: string) => void;
}
