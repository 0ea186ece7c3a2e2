// The linearizability fold by key on its own worker threads, against the
// compiled checker in dist/ (the workers run the compiled script; `npm test`
// builds first): each worker reads its batches of keys from the history file.
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { LinearizableResult } from '../../../checkers/linearizable.js'
import { context, judged, onDisk, recorded } from './register-histories.js'

const DIST = new URL('../../../dist/checkers/', import.meta.url)
const built = existsSync(new URL('./linearizable-keys-worker.js', DIST))
type Lin = typeof import('../../../checkers/linearizable.js')
type Check = typeof import('../../../checkers/checker.js')

describe.skipIf(!built)('linearizable fold on worker threads (dist build; skipped when dist/ is missing: run npm run build)', () => {
  it('checks batches of keys on 2 workers with the same result as the whole history', async () => {
    const { linearizable } = (await import(new URL('./linearizable.js', DIST).href)) as Lin
    const { checkSource } = (await import(new URL('./checker.js', DIST).href)) as Check
    let invalid = 0
    for (const seed of [21, 22, 23, 24]) {
      const history = await recorded({ ops: 2500, seed, bug: 'stale-read', opsPerKey: 30, uncertain: seed % 2 === 0 ? 0.1 : 0 })
      const checker = linearizable({ model: 'cas-register', independent: true, workers: 2, batchOps: 300 })
      const whole = (await checker.check(history, context)) as LinearizableResult
      for (const positions of [true, false]) {
        const folded = (await checkSource(checker, onDisk(history, positions), context)) as LinearizableResult
        expect(judged(folded)).toEqual(judged(whole))
        if (folded.detail) expect(folded.detail.stats.workers).toBe(2)
      }
      if (whole.valid === false) invalid++
    }
    expect(invalid).toBeGreaterThanOrEqual(2)
  }, 120_000)
})
