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
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/e2e/**/*.test.ts'], exclude: [...configDefaults.exclude, ...docker] },
      },
      { extends: true, test: { name: 'integration', include: docker, fileParallelism: false, testTimeout: 300_000 } },
    ],
  },
})
