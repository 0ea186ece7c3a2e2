/**
 * Dequeues with request ids through chain-kv (server-kit/kv-store.ts): a
 * request answered by one head is answered the same by the next, from the
 * replicated record, and takes nothing more; the settle names every take, and
 * a request applied after it takes nothing. The client asks a dequeue whose
 * head died mid-request again itself, so its operation ends ok rather than
 * info.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ChainKvClient } from '../../../../targets/chain-kv/client.js'
import type { KvReply } from '../../../../targets/chain-kv/server/messages.js'
import { sleep, TestCluster } from './cluster.js'

let cluster: TestCluster
beforeEach(async () => {
  cluster = await TestCluster.start(3)
  await cluster.waitForChain(cluster.ids, (s) => s.chain.length === 3)
})
afterEach(async () => {
  await cluster?.close()
})

/** A command at the head of the chain that `live` agree on, asked again while it is refused before anything changed. */
async function atHead(live: readonly string[], path: string, body: unknown): Promise<KvReply> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const { head } = await cluster.waitForChain(live)
    const reply = await cluster.postServed(head!, path, body)
    if (reply.ok || !['not-head', 'unavailable'].includes(reply.error) || Date.now() > deadline) return reply
    await sleep(25)
  }
}

describe('chain-kv: dequeue requests', () => {
  it('answers a request asked again at the next head from its record, taking nothing more; settled, a new request takes nothing', async () => {
    for (const value of [1, 2]) expect(await cluster.postServed('n1', '/kv/append', { key: 'queue', value })).toEqual({ ok: true })
    expect(await cluster.postServed('n1', '/kv/pop', { key: 'queue', request: 'd1' })).toEqual({ ok: true, value: 1 })
    await cluster.kill('n1')
    const live = ['n2', 'n3']
    await cluster.waitForChain(live, (s) => s.chain.length === 2)
    expect(await atHead(live, '/kv/pop', { key: 'queue', request: 'd1' })).toEqual({ ok: true, value: 1 })
    expect(await atHead(live, '/kv/pop', { key: 'queue', request: 'd2' })).toEqual({ ok: true, value: 2 })
    expect(await atHead(live, '/kv/settle-dequeues', { key: 'queue' })).toEqual({ ok: true, value: { d1: 1, d2: 2 } })
    expect(await atHead(live, '/kv/pop', { key: 'queue', request: 'd3' })).toMatchObject({ ok: false, error: 'dequeue-settled' })
    expect(await atHead(live, '/kv/pop', { key: 'queue', request: 'd2' })).toEqual({ ok: true, value: 2 })
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
        // Taken at the head, stuck before the tail (until the master drops the paused node); the head dies.
        while (((await cluster.status('n1'))?.seq ?? 0) <= before) await sleep(10)
        await cluster.kill('n1')
      } finally {
        cluster.resume('n2')
      }
      expect(await dequeue).toMatchObject({ type: 'ok', value: 1 })
      const live = ['n2', 'n3']
      await cluster.waitForChain(live, (s) => s.chain.length === 2)
      expect(await atHead(live, '/kv/settle-dequeues', { key: 'queue' })).toEqual({ ok: true, value: { d1: 1 } })
      expect(await atHead(live, '/kv/pop', { key: 'queue' })).toEqual({ ok: true, value: 2 })
    } finally {
      await client.close()
    }
  })
})
