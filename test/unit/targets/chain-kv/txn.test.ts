/**
 * chain-kv's transactions: one that writes is one update the head orders and
 * every replica applies whole; one that only reads is answered by the tail,
 * every key at one moment. Each is refused where it does not belong, before
 * anything changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestCluster } from './cluster.js'

let cluster: TestCluster
let head: string
let tail: string
beforeAll(async () => {
  cluster = await TestCluster.start(3)
  const s = await cluster.waitForChain(cluster.ids, (st) => st.chain.length === 3)
  head = s.head!
  tail = s.tail!
})
afterAll(async () => {
  await cluster?.close()
})

describe('chain-kv transactions', () => {
  it('applies a transaction of several keys at the head, answered with its reads once the tail holds it', async () => {
    expect(await cluster.postServed(head, '/kv/txn', { ops: [['append', 'a', 1], ['w', 'b', 7], ['r', 'a', null]] })).toEqual({
      ok: true,
      value: [['append', 'a', 1], ['w', 'b', 7], ['r', 'a', [1]]],
    })
    // Acknowledged: the tail holds it whole.
    expect(await cluster.postServed(tail, '/kv/txn', { ops: [['r', 'b', null], ['r', 'a', null], ['r', 'c', null]] })).toEqual({
      ok: true,
      value: [['r', 'b', 7], ['r', 'a', [1]], ['r', 'c', null]],
    })
  })

  it('applies none of a transaction that cannot apply whole (type-mismatch, no effect)', async () => {
    expect(await cluster.postServed(head, '/kv/txn', { ops: [['append', 'x', 1], ['append', 'b', 1]] })).toMatchObject({ ok: false, error: 'type-mismatch' })
    expect(await cluster.postServed(tail, '/kv/txn', { ops: [['r', 'x', null], ['r', 'b', null]] })).toEqual({ ok: true, value: [['r', 'x', null], ['r', 'b', 7]] })
  })

  it('refuses a read-only transaction away from the tail and a writing one away from the head, naming where to go', async () => {
    expect(await cluster.postServed(head, '/kv/txn', { ops: [['r', 'a', null]] })).toMatchObject({ ok: false, error: 'not-tail', tail })
    expect(await cluster.postServed(tail, '/kv/txn', { ops: [['append', 'a', 2]] })).toMatchObject({ ok: false, error: 'not-head', head })
    expect(await cluster.postServed(tail, '/kv/txn', { ops: [['r', 'a', null]] })).toEqual({ ok: true, value: [['r', 'a', [1]]] })
  })
})
