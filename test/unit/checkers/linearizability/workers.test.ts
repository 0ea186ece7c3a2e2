// The worker-thread path, against the compiled library in dist/ (workers need
// the compiled worker.js; `npm test` builds first).
import { existsSync, readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'

const DIST = new URL('../../../../dist/checkers/linearizability/index.js', import.meta.url)
const KV = new URL('../../../fixtures/porcupine/kv/', import.meta.url).pathname
const built = existsSync(DIST) && existsSync(new URL('./worker.js', DIST))
type Lib = typeof import('../../../../checkers/linearizability/index.js')

describe.skipIf(!built)('worker threads (dist build; skipped when dist/ is missing: run npm run build)', () => {
  const load = async (): Promise<Lib> => (await import(DIST.href)) as Lib
  afterAll(async () => (await load()).closeWorkers())

  for (const [name, expected] of [
    ['c10-ok', 'ok'],
    ['c50-ok', 'ok'],
    ['c50-bad', 'illegal'],
  ] as const) {
    it(`${name}: 2 workers give the same result as the calling thread`, async () => {
      const lib = await load()
      const events = lib.parseKvLog(readFileSync(`${KV}${name}.txt`, 'utf8'))
      const one = await lib.checkEvents(lib.models.kv(), events, { verbose: true })
      const two = await lib.checkEvents(lib.models.kv(), events, { verbose: true, workers: 2 })
      expect(one.stats.workers).toBe(0)
      expect(two.stats.workers).toBe(2)
      expect(two.result).toBe(expected)
      expect(two.result).toBe(one.result)
      expect(two.failedPartition).toBe(one.failedPartition)
      const strip = (r: typeof one) => r.partitions!.map((p) => ({ index: p.index, result: p.result, longest: p.longest, failure: p.failure }))
      expect(strip(two)).toEqual(strip(one))
    })
  }

  it('a model without a spec stays on the calling thread and says why', async () => {
    const lib = await load()
    const { spec: _spec, ...custom } = lib.models.kv()
    const events = lib.parseKvLog(readFileSync(`${KV}c01-ok.txt`, 'utf8'))
    const r = await lib.checkEvents(custom, events, { workers: 2 })
    expect(r.result).toBe('ok')
    expect(r.stats.workers).toBe(0)
    expect(r.stats.workersNote).toMatch(/no spec/)
  })
})
