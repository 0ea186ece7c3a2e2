/**
 * Bug early-ack: the head acknowledges a write once it holds it, before the
 * tail does. With the middle node paused, two writes are acknowledged at once;
 * the second has not even left the head (the first forward is still in flight)
 * when the head is SIGKILLed, and after the chain is repaired it is gone: an
 * acknowledged write lost. The correct server gives no answer for either
 * (client.test.ts: no answer → info).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestCluster } from './cluster.js'

let cluster: TestCluster
beforeAll(async () => {
  cluster = await TestCluster.start(3, { bug: 'early-ack' })
  await cluster.waitForChain(cluster.ids, (s) => s.chain.length === 3)
})
afterAll(async () => {
  await cluster?.close()
})

describe('bug early-ack', () => {
  it('acknowledges writes the tail never gets, and loses them with the head', async () => {
    expect(await cluster.post('n1', '/kv/write', { key: 'k', value: 0 })).toEqual({ ok: true })
    cluster.pause('n2')
    try {
      expect(await cluster.post('n1', '/kv/write', { key: 'k', value: 1 }, 1000)).toEqual({ ok: true })
      expect(await cluster.post('n1', '/kv/write', { key: 'k', value: 2 }, 1000)).toEqual({ ok: true })
      await cluster.kill('n1')
    } finally {
      cluster.resume('n2')
    }
    await cluster.waitForChain(['n2', 'n3'], (s) => JSON.stringify(s.chain) === '["n2","n3"]')
    const read = await cluster.post('n3', '/kv/read', { key: 'k' })
    expect(read.ok).toBe(true)
    // The last acknowledged write (2) is not what the new chain holds.
    expect(read.ok && read.value).not.toBe(2)
  })
})
