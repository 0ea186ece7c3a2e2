/**
 * The settling queue workload through the real runner and raft-kv clients
 * against a real 3-node cluster, with its leader paused for longer than the
 * operation timeout: the dequeues that time out meanwhile are settled at the
 * end, and the correct queue is valid (before settling, such a run was
 * unknown: a timed-out dequeue may have taken any missing value).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { compose, type ComposedResult } from '../../../../checkers/checker.js'
import type { QueueResult } from '../../../../checkers/queue.js'
import { clients, phases, stagger, timeLimit } from '../../../../core/generator/index.js'
import type { Op } from '../../../../core/op.js'
import { Random } from '../../../../core/random.js'
import { runGenerator } from '../../../../core/runner.js'
import { retryUntilOk } from '../../../../run/final-reads.js'
import { RaftKvClient } from '../../../../targets/raft-kv/client.js'
import { settlingQueueWorkload } from '../../../../workloads/queue.js'
import type { WorkloadOptions } from '../../../../workloads/workload.js'
import { sleep, TestCluster } from './cluster.js'

let cluster: TestCluster | undefined
afterEach(async () => {
  await cluster?.close()
  cluster = undefined
})

describe('raft-kv: the settling queue workload', () => {
  it('is valid with dequeues that timed out while the leader was paused, each settled', async () => {
    cluster = await TestCluster.start(3)
    const c = cluster
    await c.waitForLeader()
    const concurrency = 6
    const o: WorkloadOptions = { concurrency, nodes: c.nodes.map((n) => n.id), options: {} }
    const history: Op[] = []
    let paused: string | undefined
    let timedOut = 0
    const fault = (async () => {
      // Once the queue is in use, pause the leader for longer than an operation may take (until one dequeue has timed out, 1.5 s at least).
      const start = Date.now()
      while (!history.some((op) => op.type === 'ok' && op.f === 'dequeue' && op.value !== null) && Date.now() - start < 5000) await sleep(20)
      paused = await c.waitForLeader()
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
        openClient: (thread) => {
          const node = c.nodes[thread % 3]!
          return new RaftKvClient({ node: node.id, address: node.address, workload: 'queue' })
        },
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
    const queue = results.checkers.queue as QueueResult
    expect(timedOut).toBeGreaterThanOrEqual(1)
    expect(history.some((op) => op.type === 'ok' && op.f === 'settle-dequeues')).toBe(true)
    expect(queue.learnedDequeues.count).toBe(timedOut)
    expect(queue.valid).toBe(true)
  }, 60_000)
})
