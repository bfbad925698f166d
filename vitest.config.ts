import { defineConfig } from 'vitest/config';

export default defineConfig({
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
