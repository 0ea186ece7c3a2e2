import { fileURLToPath } from 'node:url'
import { configDefaults, defineConfig } from 'vitest/config'

// Tests that use the Docker engine share it and its address space, so their
// files run one at a time: test/integration/ (the runtimes and faults) and the
// end-to-end runs of the built CLI against Docker, test/e2e/*.docker.test.ts.
// Everything else (unit tests, the built CLI without Docker) runs in parallel.
const docker = ['test/integration/**/*.test.ts', 'test/e2e/**/*.docker.test.ts']

export default defineConfig({
  // A user's module (test fixtures, the guide's code) imports 'dstest': here that is the source.
  resolve: {
    alias: [
      { find: /^dstest$/, replacement: fileURLToPath(new URL('./index.ts', import.meta.url)) },
      { find: /^dstest\/linearizability$/, replacement: fileURLToPath(new URL('./checkers/linearizability/index.ts', import.meta.url)) },
    ],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 180_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // The built CLI spawned as a user runs it, one or more runs per test: each
      // spawn is bounded by helpers.ts (120 s), so the test's own bound is above
      // that, not the unit tests' 30 s, which two runs exceed at a load average of 50.
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], exclude: [...configDefaults.exclude, ...docker], testTimeout: 300_000 },
      },
      { extends: true, test: { name: 'integration', include: docker, fileParallelism: false, testTimeout: 300_000 } },
    ],
  },
})
