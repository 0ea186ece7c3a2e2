/**
 * ChainKvClient against a real 3-node chain-kv cluster: register operations,
 * append and transactions, the outcome rules (no answer → info, never fail; fail only when the
 * operation certainly had no effect), and fencing of a removed head.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChainKvClient } from '../../../../targets/chain-kv/client.js'
import type { Invocation } from '../../../../core/generator/types.js'
import { sleep, TestCluster } from './cluster.js'

let cluster: TestCluster
let client: ChainKvClient
beforeAll(async () => {
  cluster = await TestCluster.start(3)
  await cluster.waitForChain(cluster.ids, (s) => s.chain.length === 3)
  client = new ChainKvClient({ node: 'n2', nodes: cluster.nodes.map((n) => ({ name: n.id, address: n.address })), timeoutMs: 600 })
})
afterAll(async () => {
  await client?.close()
  await cluster?.close()
})

const op = (f: string, value: unknown): Invocation => ({ type: 'invoke', f, value, process: 0, time: 0 })
const run = (f: string, value: unknown, signal: AbortSignal = AbortSignal.timeout(5000)) => client.invoke(op(f, value), signal)

describe('ChainKvClient', () => {
  it('writes at the head and reads at the tail, naming the node it talked to', async () => {
    expect(await run('write', ['r', 1])).toEqual({ type: 'ok', value: ['r', 1], node: 'n1' })
    expect(await run('read', ['r', null])).toEqual({ type: 'ok', value: ['r', 1], node: 'n3' })
    expect(await run('read', ['missing', null])).toEqual({ type: 'ok', value: ['missing', null], node: 'n3' })
  })

  it('answers cas ok when it swapped and fail when the value was not `from`', async () => {
    expect(await run('cas', ['r', [1, 2]])).toMatchObject({ type: 'ok', value: ['r', [1, 2]] })
    expect(await run('cas', ['r', [1, 3]])).toMatchObject({ type: 'fail', error: 'cas-mismatch' })
    expect(await run('cas', ['fresh', [null, 'a']])).toMatchObject({ type: 'ok' })
    expect(await run('read', ['r', null])).toMatchObject({ type: 'ok', value: ['r', 2] })
  })

  it('appends atomically to a list', async () => {
    await Promise.all([1, 2, 3, 4].map((v) => run('append', ['l', v])))
    const read = await run('read', ['l', null])
    expect(((read.value as [string, number[]])[1] ?? []).slice().sort()).toEqual([1, 2, 3, 4])
    expect(await run('append', ['r', 5])).toMatchObject({ type: 'fail', error: 'type-mismatch' })
  })

  it('sends a transaction that writes to the head and one that only reads to the tail', async () => {
    expect(await run('txn', [['append', 't', 1], ['r', 't', null]])).toEqual({ type: 'ok', value: [['append', 't', 1], ['r', 't', [1]]], node: 'n1' })
    expect(await run('txn', [['r', 't', null]])).toEqual({ type: 'ok', value: [['r', 't', [1]]], node: 'n3' })
  })

  it('fails an operation it does not know, and one that never left (connection refused everywhere)', async () => {
    expect(await run('generate', null)).toMatchObject({ type: 'fail', error: expect.stringMatching(/no operation 'generate'/) })
    const nowhere = new ChainKvClient({ node: 'a', nodes: [{ name: 'a', address: '127.0.0.1:1' }], timeoutMs: 500 })
    expect(await nowhere.invoke(op('write', ['r', 9]), AbortSignal.timeout(2000))).toMatchObject({ type: 'fail', node: 'a' })
    await nowhere.close()
  })

  it('maps no answer (timeout or abort) to info, never fail', async () => {
    cluster.pause('n3') // the tail: writes enter the chain but are never acknowledged
    try {
      expect(await run('write', ['r', 7])).toMatchObject({ type: 'info', node: 'n1' })
      const aborted = await run('write', ['r', 8], AbortSignal.timeout(100))
      expect(aborted).toMatchObject({ type: 'info' })
    } finally {
      cluster.resume('n3')
    }
  })

  it('fences a head removed while paused: it refuses writes when it comes back', async () => {
    await cluster.waitForChain(cluster.ids, (s) => s.chain.length === 3, 10_000)
    const head = (await cluster.status('n2'))!.head!
    cluster.pause(head)
    const rest = cluster.ids.filter((id) => id !== head)
    await cluster.waitForChain(rest, (s) => !s.chain.includes(head))
    expect(await cluster.post(rest[0]!, '/kv/write', { key: 'f', value: 'new' })).toEqual({ ok: true })
    cluster.resume(head)
    const stale = await cluster.post(head, '/kv/write', { key: 'f', value: 'stale' }, 3000)
    expect(stale).toMatchObject({ ok: false })
    if (!stale.ok) expect(['not-head', 'unavailable']).toContain(stale.error)
    await sleep(100)
    expect(await run('read', ['f', null])).toMatchObject({ type: 'ok', value: ['f', 'new'] })
  })
})
