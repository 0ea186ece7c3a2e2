import { describe, expect, it } from 'vitest'
import { batchVerdict, KeyVerdicts, type BatchVerdict } from '../../../checkers/key-verdicts.js'
import type { LinearizableCheck } from '../../../checkers/linearizable-result.js'
import type { PartitionResult } from '../../../checkers/linearizability/index.js'
import { settle } from '../../../checkers/linearizability/partition.js'
import { Random } from '../../../core/random.js'

describe('KeyVerdicts: merging the batches of a fold by key', () => {
  type Verdict = 'ok' | 'illegal' | 'unknown'
  const partition = (first: number, result: Verdict, steps: number, index = 0): PartitionResult => ({
    index,
    result,
    opIds: [first, first + 1],
    stats: { ops: 2, steps, cacheEntries: 1, cacheBytes: 8, ms: 0 },
  })
  /** A batch's verdict as batchVerdict makes it from the library's result (each key is its first op's position). */
  const verdictOf = (partitions: PartitionResult[]): BatchVerdict =>
    batchVerdict(
      {
        result: 'ok',
        consistency: 'linearizable',
        partitions,
        stats: { ops: 2 * partitions.length, partitions: partitions.length, steps: 0, cacheEntries: 0, cacheBytes: 0, ms: 0, workers: 0 },
      },
      (first) => first,
      partitions.map((p) => ({ clientId: 0, input: { f: 'read', key: p.opIds[0] }, call: p.opIds[0]!, return: p.opIds[1]!, id: p.opIds[0]! })),
    )
  const check: LinearizableCheck = {
    model: 'cas-register',
    modelSpec: { name: 'cas-register' },
    consistency: 'linearizable',
    independent: true,
    nilReadIsUnknown: false,
    timeLimitSeconds: undefined,
    workers: undefined,
    batchOps: 1,
  }

  it('reports what settling every partition at once reports, however the partitions are batched (5,000 random cases)', () => {
    const random = new Random(7)
    for (let n = 0; n < 5000; n++) {
      const count = 1 + random.int(14)
      // Distinct first positions, in a shuffled order; few step counts, so ties happen.
      const firsts = random.shuffle(Array.from({ length: count }, (_, i) => 10 * i))
      const all = firsts.map((first) => {
        const r = random.float()
        return partition(first, r < 0.4 ? 'ok' : r < 0.7 ? 'illegal' : 'unknown', 1 + random.int(n % 2 === 0 ? 3 : 6))
      })
      // One check of everything: numbered by first position, settled together.
      const numbered = [...all].sort((a, b) => a.opIds[0]! - b.opIds[0]!).map((p, index) => ({ ...p, index }))
      const settled = settle(numbered)
      const failed = settled.filter((p) => p.result === 'illegal').sort((a, b) => a.stats.steps - b.stats.steps || a.index - b.index)[0]
      const unknown = settled.find((p) => p.result === 'unknown')
      const expected = {
        result: failed ? 'illegal' : unknown ? 'unknown' : 'ok',
        failedPartition: failed?.index,
        reason: failed || !unknown ? undefined : `partition ${unknown.index}: undecided`,
        shown: settled.filter((p) => p.result === 'illegal' || p.result === 'unknown').slice(0, 3),
        partitions: count,
      }
      // The fold's way: random batches in random order, each settled on its own first.
      const verdicts = new KeyVerdicts()
      let rest = all
      while (rest.length > 0) {
        const size = 1 + random.int(rest.length)
        const batch = [...rest.slice(0, size)].sort((a, b) => a.opIds[0]! - b.opIds[0]!).map((p, index) => ({ ...p, index }))
        rest = rest.slice(size)
        verdicts.add(verdictOf(settle(batch)))
      }
      const { result, failing } = verdicts.result(check, 0)
      expect({
        result: result.result,
        failedPartition: result.failedPartition,
        reason: result.reason,
        shown: result.partitions!.filter((p) => p.result === 'illegal' || p.result === 'unknown').slice(0, 3),
        partitions: result.stats.partitions,
      }).toEqual(expected)
      if (failed) {
        expect(failing?.key).toBe(failed.opIds[0])
        expect(failing?.operations.map((op) => op.id)).toEqual([failed.opIds[0]])
        expect(result.partitions!.find((p) => p.index === result.failedPartition)).toEqual(failed)
      }
    }
  })

  it('keeps an illegal partition behind three undecided ones that took as many steps: they are not shown, it is', () => {
    const verdicts = new KeyVerdicts()
    const add = (ps: PartitionResult[]): void => verdicts.add(verdictOf(ps))
    add([partition(10, 'unknown', 2), partition(20, 'unknown', 2, 1), partition(30, 'unknown', 2, 2)])
    add([partition(0, 'illegal', 2)])
    add([partition(40, 'illegal', 2)])
    const { result } = verdicts.result(check, 0)
    expect(result.failedPartition).toBe(0)
    expect(result.partitions!.map((p) => [p.index, p.result])).toEqual([
      [0, 'illegal'],
      [4, 'illegal'],
    ])
  })
})
