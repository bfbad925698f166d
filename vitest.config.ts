import { defineConfig } from 'vitest/config';
import { bundledSimplePeer } from './packages/sdk/build/simple-peer/plugin.mjs';

export default defineConfig({
  // `simple-peer` as the calls entry ships it (bundled, with browser stand-ins for its Node-only
  // dependencies), so Node tests run the same simple-peer as browsers and published builds.
  plugins: [bundledSimplePeer()],
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  // Preact JSX for the widget's .tsx files (other packages have none). Widget component tests
  // opt into happy-dom per file (`// @vitest-environment happy-dom`); everything else stays node.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.{ts,tsx}', 'examples/*/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
