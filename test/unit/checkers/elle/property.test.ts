// The checker against the definitions (brute-force.ts) on random small
// histories (≤ 6 transactions, ok / fail / info), for serializability, snapshot
// isolation and strict serializability, on both data models: the verdicts
// agree on every history, those whose write orders the reads leave open
// included (the checker searches those orders: see README.md).
//
// 5,000 histories per data model by default. A longer run by hand:
//   ELLE_PROPERTY_RUNS=100000 ELLE_PROPERTY_SEED=13 npx vitest run test/unit/checkers/elle/property.test.ts
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { check } from '../../../../checkers/elle/index.js'
import type { Op } from '../../../../core/op.js'
import { serializable, snapshotIsolation, type DataModel } from './brute-force.js'
import { unorderedAppends, unorderedWrites } from './open-writes.js'
import { buildHistory, historyPlan } from './random-history.js'

const MODELS = ['serializable', 'snapshot-isolation', 'strict-serializable'] as const
const RUNS = Number(process.env.ELLE_PROPERTY_RUNS ?? 5000)
const SEED = Number(process.env.ELLE_PROPERTY_SEED ?? 20261127)

const committedAny = (h: Op[]): boolean => h.some((op) => op.type === 'ok')
const openWrites = (h: Op[], dm: DataModel): boolean => (dm === 'list-append' ? unorderedAppends(h) : unorderedWrites(h))

function definition(h: Op[], dm: DataModel, model: (typeof MODELS)[number]): boolean {
  if (model === 'serializable') return serializable(h, dm)
  if (model === 'strict-serializable') return serializable(h, dm, true)
  return snapshotIsolation(h, dm)
}

describe('agrees with brute-force serializability, snapshot isolation and strict serializability', () => {
  for (const dm of ['list-append', 'rw-register'] as const) {
    it(`${dm}: ${RUNS} random histories`, () => {
      const tally = new Map<string, number>()
      const count = (k: string): void => void tally.set(k, (tally.get(k) ?? 0) + 1)
      fc.assert(
        fc.property(historyPlan, (plan) => {
          const h = buildHistory(plan, dm)
          const open = openWrites(h, dm)
          for (const model of MODELS) {
            const expected = definition(h, dm, model)
            const got = check(h, dm, { consistencyModels: [model] }).valid
            if (!committedAny(h)) {
              // Nothing committed: trivially consistent, and the checker says it could not judge.
              expect(expected).toBe(true)
              expect(got).toBe('unknown')
              continue
            }
            expect(got).toBe(expected)
            count(`${model} ${expected ? 'valid' : 'invalid'}${open ? ' with open orders' : ''}`)
          }
        }),
        { numRuns: RUNS, seed: SEED },
      )
      console.log(`${dm}, ${RUNS} histories (seed ${SEED}):`, Object.fromEntries([...tally].sort()))
      // The mix exercises both verdicts of each model, with and without write orders the reads leave open.
      for (const model of MODELS) {
        expect(tally.get(`${model} valid`) ?? 0).toBeGreaterThan(RUNS / 10)
        expect(tally.get(`${model} invalid`) ?? 0).toBeGreaterThan(RUNS / 20)
        expect(tally.get(`${model} valid with open orders`) ?? 0).toBeGreaterThan(RUNS / 100)
        expect(tally.get(`${model} invalid with open orders`) ?? 0).toBeGreaterThan(RUNS / 200)
      }
    }, Math.max(300_000, RUNS * 100))
  }
})
