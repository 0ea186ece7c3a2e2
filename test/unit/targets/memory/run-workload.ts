/**
 * Runs a workload against the memory target in this process, as `dstest run
 * --target memory` does but without the CLI or the store: the real runner, the
 * real clients, the workload's checkers on the history.
 */
import { compose, type ComposedResult } from '../../../../checkers/checker.js'
import { memoryRuntime } from '../../../../control/memory/runtime.js'
import { clients, phases, stagger, timeLimit } from '../../../../core/generator/index.js'
import type { Op } from '../../../../core/op.js'
import { Random } from '../../../../core/random.js'
import { runGenerator } from '../../../../core/runner.js'
import { memoryTarget } from '../../../../targets/memory/index.js'
import type { Workload, WorkloadOptions } from '../../../../workloads/workload.js'

let runs = 0

export async function runOnMemory(
  workload: Workload,
  { bug, seconds = 1, rate = 500, seed = 1, workloadOptions = {} }: { bug?: string; seconds?: number; rate?: number; seed?: number; workloadOptions?: Record<string, unknown> } = {},
): Promise<{ history: Op[]; results: ComposedResult }> {
  const concurrency = 6
  const cluster = await memoryRuntime().createCluster({ runId: `unit-${workload.name}-${++runs}`, nodes: 3 })
  await memoryTarget.setup(cluster, { ...(bug ? { bug } : {}), options: {}, workload: { name: workload.name, options: workloadOptions } })
  const o: WorkloadOptions = { concurrency, nodes: cluster.nodes.map((n) => n.name), options: workloadOptions }
  const final = workload.finalGenerator?.(o)
  const history: Op[] = []
  try {
    await runGenerator({
      generator: phases(clients(timeLimit(seconds, stagger(1 / rate, workload.generator(o)))), ...(final ? [clients(final)] : [])),
      concurrency,
      random: new Random(seed),
      opTimeoutMs: 5000,
      openClient: (thread) => memoryTarget.client({ node: cluster.nodes[thread % 3]!.name, address: '', workload: workload.name, cluster, process: thread, bug, targetOptions: {}, opTimeoutMs: 5000 }),
      onOp: (op) => history.push(op),
    })
  } finally {
    await memoryTarget.teardown(cluster)
  }
  const results = (await compose(workload.checkers(o)).check(history, { concurrency, nodes: o.nodes })) as ComposedResult
  return { history, results }
}
