/**
 * The settling queue workload through the real runner and raft-kv clients
 * against a real 3-node cluster, with its leader paused for longer than the
 * operation timeout: the dequeues that time out meanwhile are settled at the
 * end, and the correct queue is valid (before settling, such a run was
 * unknown: a timed-out dequeue may have taken any missing value).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { RaftKvClient } from '../../../../targets/raft-kv/client.js'
import { runSettlingQueue } from '../settling-queue-run.js'
import { TestCluster } from './cluster.js'

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
    const { history, timedOut, queue } = await runSettlingQueue(c, () => c.waitForLeader(), (thread) => {
      const node = c.nodes[thread % 3]!
      return new RaftKvClient({ node: node.id, address: node.address, workload: 'queue' })
    })
    expect(timedOut).toBeGreaterThanOrEqual(1)
    expect(history.some((op) => op.type === 'ok' && op.f === 'settle-dequeues')).toBe(true)
    expect(queue.learnedDequeues.count).toBe(timedOut)
    expect(queue.valid).toBe(true)
  }, 60_000)
})
