/**
 * The settling queue workload through the real runner and a bundled target's
 * clients against its real 3-node cluster, with the node that orders updates
 * (raft-kv's leader, chain-kv's head) paused for longer than the operation
 * timeout: the dequeues that time out meanwhile are settled at the end. Shared
 * by raft-kv/queue-run.test.ts and chain-kv/queue-run.test.ts.
 */
import { compose, type ComposedResult } from '../../../checkers/checker.js'
import type { QueueResult } from '../../../checkers/queue.js'
import type { Client } from '../../../core/client.js'
import { clients, phases, stagger, timeLimit } from '../../../core/generator/index.js'
import type { Op } from '../../../core/op.js'
import { Random } from '../../../core/random.js'
import { runGenerator } from '../../../core/runner.js'
import { retryUntilOk } from '../../../run/final-reads.js'
import { settlingQueueWorkload } from '../../../workloads/queue.js'
import type { WorkloadOptions } from '../../../workloads/workload.js'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export interface SettlingQueueCluster {
  readonly nodes: readonly { readonly id: string }[]
  pause(id: string): void
  resume(id: string): void
}

export interface SettlingQueueRun {
  history: Op[]
  /** Dequeues with a request id that ended info. */
  timedOut: number
  queue: QueueResult
}

/** Runs the workload for 6 s plus its final phase; `primary` names the node to pause once the queue is in use. */
export async function runSettlingQueue(c: SettlingQueueCluster, primary: () => Promise<string>, openClient: (thread: number) => Client): Promise<SettlingQueueRun> {
  const concurrency = 6
  const o: WorkloadOptions = { concurrency, nodes: c.nodes.map((n) => n.id), options: {} }
  const history: Op[] = []
  let paused: string | undefined
  let timedOut = 0
  const fault = (async () => {
    // Once the queue is in use, pause the primary for longer than an operation may take (until one dequeue has timed out, 1.5 s at least).
    const start = Date.now()
    while (!history.some((op) => op.type === 'ok' && op.f === 'dequeue' && op.value !== null) && Date.now() - start < 5000) await sleep(20)
    paused = await primary()
    c.pause(paused)
    const at = Date.now()
    while ((timedOut < 1 || Date.now() - at < 1500) && Date.now() - at < 5000) await sleep(20)
    c.resume(paused)
    paused = undefined
  })()
  try {
    await runGenerator({
      generator: phases(
        clients(timeLimit(6, stagger(1 / 100, settlingQueueWorkload.generator(o)))),
        clients(timeLimit(30, retryUntilOk(settlingQueueWorkload.finalGenerator()))),
      ),
      concurrency,
      random: new Random(3),
      opTimeoutMs: 1000,
      openClient,
      onOp: (op) => {
        history.push(op)
        if (op.type === 'info' && op.f === 'dequeue' && op.value !== null) timedOut++
      },
    })
  } finally {
    if (paused) c.resume(paused)
  }
  await fault
  const results = (await compose(settlingQueueWorkload.checkers(o)).check(history, { concurrency, nodes: o.nodes })) as ComposedResult
  return { history, timedOut, queue: results.checkers.queue as QueueResult }
}
