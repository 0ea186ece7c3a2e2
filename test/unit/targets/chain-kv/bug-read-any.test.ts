/**
 * Bug read-any: every replica answers reads from its own state. With the tail
 * paused, a write enters the chain and waits for the tail's ack; a read at the
 * middle node already returns it although the tail does not hold it (the
 * middle's ackedSeq is behind its seq). The correct server refuses the same
 * read with not-tail (cluster.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChainKvClient } from '../../../../targets/chain-kv/client.js'
import { sleep, TestCluster } from './cluster.js'

let cluster: TestCluster
beforeAll(async () => {
  cluster = await TestCluster.start(3, { bug: 'read-any' })
  await cluster.waitForChain(cluster.ids, (s) => s.chain.length === 3)
})
afterAll(async () => {
  await cluster?.close()
})

describe('bug read-any', () => {
  it('answers a read at a middle node with a write the tail does not hold yet', async () => {
    expect(await cluster.post('n1', '/kv/write', { key: 'k', value: 'old' })).toEqual({ ok: true })
    cluster.pause('n3')
    try {
      const write = cluster.post('n1', '/kv/write', { key: 'k', value: 'in-flight' }, 3000).catch(() => undefined)
      await sleep(150)
      const middle = await cluster.status('n2')
      expect(middle!.seq).toBeGreaterThan(middle!.ackedSeq) // the tail has not acknowledged it
      expect(await cluster.post('n2', '/kv/read', { key: 'k' })).toEqual({ ok: true, value: 'in-flight' })
      // The target's client sends reads to its own node under this bug.
      const client = new ChainKvClient({ node: 'n2', nodes: cluster.nodes.map((n) => ({ name: n.id, address: n.address })), readAt: 'own-node' })
      expect(await client.invoke({ type: 'invoke', f: 'read', value: ['k', null], process: 0, time: 0 }, AbortSignal.timeout(2000))).toEqual({
        type: 'ok',
        value: ['k', 'in-flight'],
        node: 'n2',
      })
      await client.close()
      cluster.resume('n3')
      await write
    } finally {
      cluster.resume('n3')
    }
  })
})
