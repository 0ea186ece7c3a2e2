import { defineConfig } from 'vitest/config'

// Two projects: unit and e2e tests run files in parallel; integration tests share
// one Docker engine and its address space, so their files run one at a time.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 180_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/e2e/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], fileParallelism: false, testTimeout: 300_000 },
      },
    ],
  },
})
