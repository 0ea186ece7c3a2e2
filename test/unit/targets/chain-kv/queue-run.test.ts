/**
 * The settling queue workload through the real runner and chain-kv clients
 * against a real 3-node chain, with its head paused for longer than the
 * operation timeout (and than the master waits before it drops it): the
 * dequeues that time out meanwhile are settled at the end, and the correct
 * queue is valid.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ChainKvClient } from '../../../../targets/chain-kv/client.js'
import { runSettlingQueue } from '../settling-queue-run.js'
import { TestCluster } from './cluster.js'

let cluster: TestCluster | undefined
afterEach(async () => {
  await cluster?.close()
  cluster = undefined
})

describe('chain-kv: the settling queue workload', () => {
  it('is valid with dequeues that timed out while the head was paused, each settled', async () => {
    cluster = await TestCluster.start(3)
    const c = cluster
    await c.waitForChain(c.ids, (s) => s.chain.length === 3)
    const nodes = c.nodes.map((n) => ({ name: n.id, address: n.address }))
    const { history, timedOut, queue } = await runSettlingQueue(c, async () => (await c.waitForChain(c.ids)).head!, (thread) => new ChainKvClient({ node: nodes[thread % 3]!.name, nodes, workload: 'queue' }))
    expect(timedOut).toBeGreaterThanOrEqual(1)
    expect(history.some((op) => op.type === 'ok' && op.f === 'settle-dequeues')).toBe(true)
    expect(queue.learnedDequeues.count).toBe(timedOut)
    expect(queue.valid).toBe(true)
  }, 60_000)
})
