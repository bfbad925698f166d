// Types of plugin.mjs, for the TypeScript that imports it (vitest.config.ts, test support).
import type { Plugin as EsbuildPlugin } from 'esbuild';
import type { Plugin as RollupPlugin } from 'rollup';

/** simple-peer's dependencies that need a stand-in, and the file that replaces each. */
export declare const SIMPLE_PEER_STAND_INS: Record<string, string>;
/** The bundled simple-peer module's code (built once per process). Throws if it still needs a Node global. */
export declare function bundledSimplePeerCode(): string;
/** The first Node-only global that `text` uses outside strings and comments, or null. */
export declare function scanForNodeGlobals(text: string): string | null;
/** Rollup (and Vite) plugin: `simple-peer` resolves to {@link bundledSimplePeerCode}. */
export declare function bundledSimplePeer(): RollupPlugin;
/** esbuild plugin: `simple-peer` resolves to {@link bundledSimplePeerCode}. */
export declare function bundledSimplePeerForEsbuild(): EsbuildPlugin;
