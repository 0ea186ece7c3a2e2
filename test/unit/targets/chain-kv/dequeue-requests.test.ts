/**
 * Dequeues with request ids through chain-kv (server-kit/kv-store.ts): a
 * dequeue whose answer was lost with the head (it may or may not have reached
 * the rest of the chain) is asked again at the new head and answers one value,
 * taken once; the settle then names every take, and a request applied after
 * it takes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestCluster } from './cluster.js'

let cluster: TestCluster
beforeAll(async () => {
  cluster = await TestCluster.start(3)
  await cluster.waitForChain(cluster.ids, (s) => s.chain.length === 3)
})
afterAll(async () => {
  await cluster?.close()
})

describe('chain-kv: dequeue requests', () => {
  it('a request whose answer died with the head is answered once by the new head, and settled', async () => {
    for (const value of [1, 2]) expect(await cluster.postServed('n1', '/kv/append', { key: 'queue', value })).toEqual({ ok: true })
    cluster.pause('n2')
    try {
      // Taken at the head, stuck before the tail: no answer.
      expect(await cluster.post('n1', '/kv/pop', { key: 'queue', request: 'd1' }, 1000).catch(() => undefined)).toBeUndefined()
      await cluster.kill('n1')
    } finally {
      cluster.resume('n2')
    }
    await cluster.waitForChain(['n2', 'n3'], (s) => JSON.stringify(s.chain) === '["n2","n3"]')
    // Whether or not d1 reached n2 before the head died, it takes the head of the queue once.
    expect(await cluster.postServed('n2', '/kv/pop', { key: 'queue', request: 'd1' })).toEqual({ ok: true, value: 1 })
    expect(await cluster.postServed('n2', '/kv/pop', { key: 'queue', request: 'd1' })).toEqual({ ok: true, value: 1 })
    expect(await cluster.postServed('n2', '/kv/settle-dequeues', { key: 'queue' })).toEqual({ ok: true, value: { d1: 1 } })
    expect(await cluster.postServed('n2', '/kv/pop', { key: 'queue', request: 'd2' })).toMatchObject({ ok: false, error: 'dequeue-settled' })
    expect(await cluster.postServed('n3', '/kv/read', { key: 'queue' })).toEqual({ ok: true, value: [2] })
  })
})
