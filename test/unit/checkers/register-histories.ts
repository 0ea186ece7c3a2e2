/**
 * Register-workload histories recorded from the in-process memory target, and
 * how the linearizability tests compare a fold over a file with a check of the
 * whole array.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkSource, type CheckResult, type Checker } from '../../../checkers/checker.js'
import type { LinearizableResult } from '../../../checkers/linearizable.js'
import type { Client } from '../../../core/client.js'
import { clients, limit, nemesis, phases, repeat, any } from '../../../core/generator/index.js'
import { HistoryWriter } from '../../../core/history/jsonl.js'
import { HistoryPositions } from '../../../core/history/positions.js'
import { historyFile, type HistorySource } from '../../../core/history/source.js'
import type { Op } from '../../../core/op.js'
import { Random } from '../../../core/random.js'
import { runGenerator } from '../../../core/runner.js'
import { memoryRuntime } from '../../../control/memory/runtime.js'
import { memoryTarget } from '../../../targets/memory/index.js'
import { registerWorkload } from '../../../workloads/register.js'

export const context = { concurrency: 10, nodes: ['n1', 'n2', 'n3', 'n4', 'n5'] }
let runs = 0

/**
 * A register workload history recorded from the in-process memory target (its
 * stale-read bug breaks some keys), with the workload's final read of every
 * key, a few nemesis ops, and clients that now and then time out after or
 * before acting (info) or are refused (fail).
 */
export async function recorded(o: { ops: number; seed: number; bug?: 'stale-read'; opsPerKey: number; uncertain: number }): Promise<Op[]> {
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
        const client: Client = await memoryTarget.client({ node: node.name, address: node.address, workload: 'register', cluster, process, bug: o.bug, targetOptions: {}, opTimeoutMs: 5000 })
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

/** The history in a file (positions noted by the writer, or left for the first pass to find). */
export function onDisk(history: readonly Op[], writerPositions: boolean): HistorySource {
  const path = join(mkdtempSync(join(tmpdir(), 'dstest-lin-fold-')), 'history.jsonl')
  const positions = new HistoryPositions()
  const writer = new HistoryWriter(path, writerPositions ? { positions } : {})
  for (const op of history) writer.append(op)
  writer.close()
  return historyFile(path, writerPositions ? { positions } : {})
}

/** The history on disk, checked by the checker's fold. */
export async function folded(checker: Checker, history: readonly Op[], writerPositions: boolean): Promise<CheckResult> {
  return checkSource(checker, onDisk(history, writerPositions), context)
}

/**
 * A result without what measures the search rather than judges the history:
 * times, and the step and memo totals, which count the partitions a check
 * stopped early once another was found illegal (how far each got differs).
 */
export function judged(r: CheckResult): unknown {
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
