import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkSource, type CheckResult, type Checker } from '../../../checkers/checker.js'
import { linearizable, type LinearizableResult } from '../../../checkers/linearizable.js'
import { KeyVerdicts } from '../../../checkers/linearizable-keys.js'
import type { LinearizableCheck } from '../../../checkers/linearizable-result.js'
import type { CheckResult as LinResult, PartitionResult } from '../../../checkers/linearizability/index.js'
import { settle } from '../../../checkers/linearizability/partition.js'
import type { Client } from '../../../core/client.js'
import { clients, limit, nemesis, phases, repeat, any } from '../../../core/generator/index.js'
import { HistoryWriter } from '../../../core/history/jsonl.js'
import { HistoryPositions } from '../../../core/history/positions.js'
import { historyFile } from '../../../core/history/source.js'
import type { Op } from '../../../core/op.js'
import { Random } from '../../../core/random.js'
import { runGenerator } from '../../../core/runner.js'
import { memoryRuntime } from '../../../control/memory/runtime.js'
import { memoryTarget } from '../../../targets/memory/index.js'
import { registerWorkload } from '../../../workloads/register.js'

const context = { concurrency: 10, nodes: ['n1', 'n2', 'n3', 'n4', 'n5'] }
let runs = 0

/**
 * A register workload history recorded from the in-process memory target (its
 * stale-read bug breaks some keys), with the workload's final read of every
 * key, a few nemesis ops, and clients that now and then time out after or
 * before acting (info) or are refused (fail).
 */
async function recorded(o: { ops: number; seed: number; bug?: 'stale-read'; opsPerKey: number; uncertain: number }): Promise<Op[]> {
  const cluster = await memoryRuntime().createCluster({ runId: `lin-fold-${runs++}`, nodes: 5 })
  await memoryTarget.setup(cluster, { ...(o.bug ? { bug: o.bug } : {}), options: {} })
  const random = new Random(o.seed)
  const chance = new Random(o.seed + 1)
  const workloadOptions = { concurrency: 10, nodes: context.nodes, options: { opsPerKey: o.opsPerKey } }
  const history: Op[] = []
  try {
    await runGenerator({
      generator: phases(
        any(clients(limit(o.ops, registerWorkload.generator(workloadOptions))), nemesis(limit(4, repeat({ f: 'start-partition', value: 'halves' })))),
        clients(registerWorkload.finalGenerator!(workloadOptions)),
      ),
      concurrency: 10,
      opTimeoutMs: 2000,
      random,
      nemesis: { invoke: async (op) => ({ type: 'ok', value: op.value }) },
      openClient: async (thread, process) => {
        const node = cluster.nodes[thread % 5]!
        const client: Client = await memoryTarget.client({ node: node.name, address: node.address, workload: 'register', cluster, process })
        const flaky: Client = {
          async invoke(op, signal) {
            const r = chance.float()
            if (r < o.uncertain / 2) return { type: 'info', error: 'timeout before sending' }
            const answer = await client.invoke(op, signal)
            if (r < o.uncertain) return { type: 'info', error: 'timeout after acting' }
            if (r > 1 - o.uncertain / 4 && op.f === 'read') return { type: 'fail', error: 'refused' }
            return answer
          },
        }
        return flaky
      },
      onOp: (op) => history.push(op),
    })
  } finally {
    await memoryTarget.teardown(cluster)
  }
  return history
}

/** The history on disk, checked by the checker's fold (positions from the writer, or found by the fold's own pass). */
async function folded(checker: Checker, history: readonly Op[], writerPositions: boolean): Promise<CheckResult> {
  const path = join(mkdtempSync(join(tmpdir(), 'dstest-lin-fold-')), 'history.jsonl')
  const positions = new HistoryPositions()
  const writer = new HistoryWriter(path, writerPositions ? { positions } : {})
  for (const op of history) writer.append(op)
  writer.close()
  return checkSource(checker, historyFile(path, writerPositions ? { positions } : {}), context)
}

/**
 * A result without what measures the search rather than judges the history:
 * times, and the step and memo totals, which count the partitions a check
 * stopped early once another was found illegal (how far each got differs).
 */
function judged(r: CheckResult): unknown {
  const copy = structuredClone(r) as LinearizableResult
  if (copy.detail) {
    copy.detail.stats.ms = 0
    copy.detail.stats.steps = 0
    copy.detail.stats.cacheEntries = 0
    copy.detail.stats.cacheBytes = 0
    for (const p of copy.detail.partitions ?? []) p.stats.ms = 0
  }
  return copy
}

async function expectSameBothWays(checker: Checker, history: readonly Op[]): Promise<CheckResult> {
  const whole = await checker.check([...history], context)
  expect(judged(await folded(checker, history, true))).toEqual(judged(whole))
  expect(judged(await folded(checker, history, false))).toEqual(judged(whole))
  return whole
}

describe('linearizable, folding by key', () => {
  it('offers a fold only where keys are checked apart', () => {
    expect(linearizable({ model: 'cas-register', independent: true }).fold).toBeDefined()
    expect(linearizable({ model: 'kv', independent: true }).fold).toBeDefined()
    expect(linearizable({ model: 'cas-register' }).fold).toBeUndefined()
    // The counter model keeps every key in one state: no split by key.
    expect(linearizable({ model: 'counter', independent: true }).fold).toBeUndefined()
    expect(linearizable({ model: 'kv', consistency: 'sequential' }).fold).toBeUndefined()
  })

  it('gives the same result as the whole history for valid histories, batch by batch', async () => {
    const history = await recorded({ ops: 3000, seed: 11, opsPerKey: 40, uncertain: 0.05 })
    for (const batchOps of [50, 1000, 50_000]) {
      const r = await expectSameBothWays(linearizable({ model: 'cas-register', independent: true, batchOps }), history)
      expect(r.valid).toBe(true)
      expect(r.summary).toMatch(/^\d+ key\(s\) linearizable \(\d+ ops, model cas-register\)$/)
    }
  })

  it('gives the same failing key, counterexample and explanation as the whole history', async () => {
    let invalid = 0
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const history = await recorded({ ops: 2000, seed, bug: 'stale-read', opsPerKey: 30, uncertain: seed % 2 === 0 ? 0.1 : 0 })
      for (const batchOps of [60, 700]) {
        const r = await expectSameBothWays(linearizable({ model: 'cas-register', independent: true, batchOps }), history)
        if (r.valid !== false) continue
        invalid++
        const lin = r as LinearizableResult
        expect(lin.explanation).toMatch(/not linearizable/)
        expect(lin.failedKey).toBeDefined()
        expect(lin.detail?.failedPartition).toBeDefined()
      }
    }
    // The stale-read bug shows on most of these runs: the comparison covered failures.
    expect(invalid).toBeGreaterThanOrEqual(4)
  }, 120_000)

  it('agrees on literal histories: fail and info ops, values without a key, the nemesis, nothing at all', async () => {
    const ops: Omit<Op, 'index' | 'time'>[] = [
      { type: 'invoke', process: 0, f: 'write', value: ['a', 1] },
      { type: 'invoke', process: 'nemesis', f: 'start-partition', value: null },
      { type: 'invoke', process: 1, f: 'read', value: ['b', null] },
      { type: 'ok', process: 0, f: 'write', value: ['a', 1] },
      { type: 'ok', process: 'nemesis', f: 'start-partition', value: 'halves' },
      { type: 'invoke', process: 0, f: 'cas', value: ['a', [1, 2]] },
      { type: 'ok', process: 1, f: 'read', value: ['b', null] },
      { type: 'invoke', process: 1, f: 'write', value: 7 },
      { type: 'fail', process: 0, f: 'cas', value: ['a', [1, 2]] },
      { type: 'info', process: 1, f: 'write', value: 7 },
      { type: 'invoke', process: 11, f: 'read', value: null },
      { type: 'ok', process: 11, f: 'read', value: 7 },
      { type: 'invoke', process: 0, f: 'read', value: ['a', null] },
      { type: 'ok', process: 0, f: 'read', value: ['a', 2] },
      { type: 'invoke', process: 2, f: 'write', value: ['c', 3] },
    ]
    const history = ops.map((op, index) => ({ ...op, index, time: index * 10 }) as Op)
    const checker = linearizable({ model: 'cas-register', independent: true, batchOps: 1 })
    const bad = await expectSameBothWays(checker, history)
    // Key "a" reads 2, which no write made (the cas that would have failed).
    expect(bad.valid).toBe(false)
    expect((bad as LinearizableResult).failedKey).toBe('a')
    const good = await expectSameBothWays(checker, history.slice(0, 12))
    expect(good.valid).toBe(true)
    expect(good.summary).toBe('3 key(s) linearizable (4 ops, model cas-register)')
    const none = await expectSameBothWays(checker, [])
    expect(none.summary).toBe('0 key(s) linearizable (0 ops, model cas-register)')
  })
})

describe('KeyVerdicts: merging the batches of a fold by key', () => {
  type Verdict = 'ok' | 'illegal' | 'unknown'
  const partition = (first: number, result: Verdict, steps: number, index = 0): PartitionResult => ({
    index,
    result,
    opIds: [first, first + 1],
    stats: { ops: 2, steps, cacheEntries: 1, cacheBytes: 8, ms: 0 },
  })
  const libraryResult = (partitions: PartitionResult[]): LinResult => ({
    result: 'ok',
    consistency: 'linearizable',
    partitions,
    stats: { ops: 2 * partitions.length, partitions: partitions.length, steps: 0, cacheEntries: 0, cacheBytes: 0, ms: 0, workers: 0 },
  })
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
        const ops: Op[] = batch.map((p) => ({ index: p.opIds[0]!, time: 0, type: 'invoke', process: 0, f: 'read', value: [p.opIds[0], null] }))
        const operations = batch.map((p) => ({ clientId: 0, input: { f: 'read', key: p.opIds[0] }, call: p.opIds[0]!, return: p.opIds[1]!, id: p.opIds[0]! }))
        verdicts.add(libraryResult(settle(batch)), ops, operations)
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
        expect(result.partitions!.find((p) => p.index === result.failedPartition)).toEqual(failed)
      }
    }
  })

  it('keeps an illegal partition behind three undecided ones that took as many steps: they are not shown, it is', () => {
    const verdicts = new KeyVerdicts()
    const add = (ps: PartitionResult[]): void => {
      const ops: Op[] = ps.map((p) => ({ index: p.opIds[0]!, time: 0, type: 'invoke', process: 0, f: 'read', value: [p.opIds[0], null] }))
      verdicts.add(libraryResult(ps), ops, [])
    }
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
