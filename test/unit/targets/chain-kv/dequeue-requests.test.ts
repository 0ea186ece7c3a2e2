/**
 * Dequeues with request ids through chain-kv (server-kit/kv-store.ts): a
 * dequeue whose answer was lost with the head (it may or may not have reached
 * the rest of the chain) is asked again at the new head and answers one value,
 * taken once; the settle then names every take, and a request applied after
 * it takes nothing. The client asks such a dequeue again itself, so its
 * operation ends ok rather than info.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ChainKvClient } from '../../../../targets/chain-kv/client.js'
import { sleep, TestCluster } from './cluster.js'

let cluster: TestCluster
beforeEach(async () => {
  cluster = await TestCluster.start(3)
  await cluster.waitForChain(cluster.ids, (s) => s.chain.length === 3)
})
afterEach(async () => {
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

  it('the client asks a dequeue whose head died mid-request again at the new head: ok, with the value it took, once', async () => {
    for (const value of [1, 2]) expect(await cluster.postServed('n1', '/kv/append', { key: 'queue', value })).toEqual({ ok: true })
    const client = new ChainKvClient({ node: 'n1', nodes: cluster.nodes.map((n) => ({ name: n.id, address: n.address })), workload: 'queue', timeoutMs: 15_000 })
    try {
      const before = (await cluster.status('n1'))!.seq
      cluster.pause('n2')
      let dequeue: ReturnType<ChainKvClient['invoke']>
      try {
        dequeue = client.invoke({ type: 'invoke', f: 'dequeue', value: 'd1', process: 0, time: 0 }, AbortSignal.timeout(15_000))
        // Taken at the head, stuck before the tail; then the head dies.
        while (((await cluster.status('n1'))?.seq ?? 0) <= before) await sleep(10)
        await cluster.kill('n1')
      } finally {
        cluster.resume('n2')
      }
      expect(await dequeue).toMatchObject({ type: 'ok', value: 1 })
      expect(await cluster.postServed('n2', '/kv/settle-dequeues', { key: 'queue' })).toEqual({ ok: true, value: { d1: 1 } })
      expect(await cluster.postServed('n3', '/kv/read', { key: 'queue' })).toEqual({ ok: true, value: [2] })
    } finally {
      await client.close()
    }
  })
})
