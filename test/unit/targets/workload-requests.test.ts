/**
 * The workloads' operations through both bundled clients against real
 * 3-node clusters (the compiled servers): what each completes with, that a
 * read is answered from the replicated state, that a bank opens once, and
 * that transactions apply whole on both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from '../../../core/client.js'
import type { Invocation } from '../../../core/generator/types.js'
import { ChainKvClient } from '../../../targets/chain-kv/client.js'
import { RaftKvClient } from '../../../targets/raft-kv/client.js'
import { bankOptions, openBank, workloadRequest } from '../../../targets/workload-requests.js'
import { TestCluster as ChainCluster } from './chain-kv/cluster.js'
import { TestCluster as RaftCluster } from './raft-kv/cluster.js'

const inv = (f: string, value: unknown): Invocation => ({ type: 'invoke', f, value, process: 0, time: 0 })
const signal = (): AbortSignal => AbortSignal.timeout(8000)

interface Bed {
  clientFor(workload: string, node: string, workloadOptions?: Record<string, unknown>): Client
  close(): Promise<void>
}

const beds: Record<'raft-kv' | 'chain-kv', () => Promise<Bed>> = {
  'raft-kv': async () => {
    const cluster = await RaftCluster.start(3)
    await cluster.waitForLeader()
    const clients: Client[] = []
    return {
      clientFor(workload, node, workloadOptions = {}) {
        const c = new RaftKvClient({ node, address: cluster.node(node).address, workload, bank: workload === 'bank' ? bankOptions(workloadOptions) : undefined })
        clients.push(c)
        return c
      },
      async close() {
        await Promise.all(clients.map((c) => c.close?.()))
        await cluster.close()
      },
    }
  },
  'chain-kv': async () => {
    const cluster = await ChainCluster.start(3)
    await cluster.waitForChain(cluster.ids, (s) => s.chain.length === 3)
    const nodes = cluster.nodes.map((n) => ({ name: n.id, address: n.address }))
    const clients: Client[] = []
    return {
      clientFor(workload, node, workloadOptions = {}) {
        const c = new ChainKvClient({ node, nodes, workload, bank: workload === 'bank' ? bankOptions(workloadOptions) : undefined })
        clients.push(c)
        return c
      },
      async close() {
        await Promise.all(clients.map((c) => c.close?.()))
        await cluster.close()
      },
    }
  },
}

describe.each(['raft-kv', 'chain-kv'] as const)('the workloads on %s', (target) => {
  let bed: Bed
  beforeAll(async () => {
    bed = await beds[target]()
  })
  afterAll(async () => {
    await bed?.close()
  })

  it('set: adds once each and reads the whole set', async () => {
    const c = bed.clientFor('set', 'n2')
    expect(await c.invoke(inv('read', [0, null]), signal())).toMatchObject({ type: 'ok', value: [0, []] })
    for (const e of [0, 1, 2]) expect(await c.invoke(inv('add', [0, e]), signal())).toMatchObject({ type: 'ok', value: [0, e] })
    expect(await c.invoke(inv('add', [1, 9]), signal())).toMatchObject({ type: 'ok' })
    expect(await bed.clientFor('set', 'n3').invoke(inv('read', [0, null]), signal())).toMatchObject({ type: 'ok', value: [0, [0, 1, 2]] })
  })

  it('counter: increments and decrements, read from 0', async () => {
    const c = bed.clientFor('counter', 'n1')
    expect(await c.invoke(inv('read', null), signal())).toMatchObject({ type: 'ok', value: 0 })
    for (const n of [1, 1, -1, 1]) expect(await c.invoke(inv('add', n), signal())).toMatchObject({ type: 'ok', value: n })
    expect(await bed.clientFor('counter', 'n3').invoke(inv('read', null), signal())).toMatchObject({ type: 'ok', value: 2 })
  })

  it('unique-ids: every client gets ids no other got', async () => {
    const clients = ['n1', 'n2', 'n3'].map((n) => bed.clientFor('unique-ids', n))
    const done = await Promise.all(clients.flatMap((c) => [1, 2, 3, 4].map(() => c.invoke(inv('generate', null), signal()))))
    expect(done.every((d) => d.type === 'ok')).toBe(true)
    const ids = done.map((d) => d.value)
    expect(new Set(ids).size).toBe(12)
    expect(ids.every((id) => typeof id === 'number')).toBe(true)
  })

  it('queue: dequeues in the order of the enqueues, then null', async () => {
    const c = bed.clientFor('queue', 'n3')
    for (const v of [10, 11, 12]) expect(await c.invoke(inv('enqueue', v), signal())).toMatchObject({ type: 'ok', value: v })
    const other = bed.clientFor('queue', 'n1')
    const out = []
    for (let i = 0; i < 4; i++) out.push(await other.invoke(inv('dequeue', null), signal()))
    expect(out.map((d) => [d.type, d.value])).toEqual([['ok', 10], ['ok', 11], ['ok', 12], ['ok', null]])
  })

  it('queue: a dequeue asked again with its request id answers what it took, taking nothing more; settle-dequeues tells every take and ends the other requests', async () => {
    const c = bed.clientFor('queue', 'n2')
    for (const v of [20, 21, 22]) expect(await c.invoke(inv('enqueue', v), signal())).toMatchObject({ type: 'ok' })
    expect(await c.invoke(inv('dequeue', 'r1'), signal())).toMatchObject({ type: 'ok', value: 20 })
    // The same request from another client on another node (as after a timeout): the record answers.
    expect(await bed.clientFor('queue', 'n3').invoke(inv('dequeue', 'r1'), signal())).toMatchObject({ type: 'ok', value: 20 })
    expect(await c.invoke(inv('dequeue', 'r2'), signal())).toMatchObject({ type: 'ok', value: 21 })
    expect(await c.invoke(inv('settle-dequeues', null), signal())).toMatchObject({ type: 'ok', value: { r1: 20, r2: 21 } })
    // A request that had not been applied takes nothing now (certainly no effect: fail); a recorded one still answers.
    expect(await c.invoke(inv('dequeue', 'r3'), signal())).toMatchObject({ type: 'fail', error: 'dequeue-settled' })
    expect(await c.invoke(inv('dequeue', 'r2'), signal())).toMatchObject({ type: 'ok', value: 21 })
    // The drain's dequeues carry no request: not fenced.
    expect(await bed.clientFor('queue', 'n1').invoke(inv('dequeue', null), signal())).toMatchObject({ type: 'ok', value: 22 })
    expect(await c.invoke(inv('settle-dequeues', null), signal())).toMatchObject({ type: 'ok', value: { r1: 20, r2: 21 } })
  })

  it('bank: opens the accounts once, transfers atomically, refuses an overdraft (fail), reads every balance', async () => {
    const options = { accounts: 3, total: 10 }
    await openBank(bed.clientFor('register', 'n1'), options)
    await openBank(bed.clientFor('register', 'n2'), options) // a second opening changes nothing
    const c = bed.clientFor('bank', 'n2', options)
    expect(await c.invoke(inv('read', null), signal())).toMatchObject({ type: 'ok', value: { '0': 4, '1': 3, '2': 3 } })
    expect(await c.invoke(inv('transfer', { from: 0, to: 2, amount: 4 }), signal())).toMatchObject({ type: 'ok', value: { from: 0, to: 2, amount: 4 } })
    expect(await c.invoke(inv('transfer', { from: 0, to: 1, amount: 1 }), signal())).toMatchObject({ type: 'fail', error: 'insufficient-funds' })
    expect(await bed.clientFor('bank', 'n3', options).invoke(inv('read', null), signal())).toMatchObject({ type: 'ok', value: { '0': 0, '1': 3, '2': 7 } })
    const lenient = bed.clientFor('bank', 'n1', { ...options, negativeBalances: true })
    expect(await lenient.invoke(inv('transfer', { from: 0, to: 1, amount: 2 }), signal())).toMatchObject({ type: 'ok' })
    expect(await lenient.invoke(inv('read', null), signal())).toMatchObject({ type: 'ok', value: { '0': -2, '1': 5, '2': 7 } })
  })

  if (target === 'raft-kv') {
    it('long-fork: writes one key per transaction and reads a whole group in one', async () => {
      const c = bed.clientFor('long-fork', 'n2')
      expect(await c.invoke(inv('txn', [['w', 0, 1]]), signal())).toMatchObject({ type: 'ok', value: [['w', 0, 1]] })
      expect(await c.invoke(inv('txn', [['r', 1, null], ['r', 0, null], ['r', 2, null]]), signal())).toMatchObject({
        type: 'ok',
        value: [['r', 1, null], ['r', 0, 1], ['r', 2, null]],
      })
    })
  }

  it('list-append: appends and reads in one transaction, its own appends seen, other nodes read the lists whole', async () => {
    // Keys of their own: the register and long-fork cases use 0, 1, 2.
    const c = bed.clientFor('list-append', 'n1')
    expect(await c.invoke(inv('txn', [['r', 100, null]]), signal())).toMatchObject({ type: 'ok', value: [['r', 100, null]] })
    expect(await c.invoke(inv('txn', [['append', 100, 1], ['append', 101, 1], ['r', 100, null]]), signal())).toMatchObject({
      type: 'ok',
      value: [['append', 100, 1], ['append', 101, 1], ['r', 100, [1]]],
    })
    expect(await c.invoke(inv('txn', [['r', 101, null], ['append', 101, 2], ['r', 101, null]]), signal())).toMatchObject({
      type: 'ok',
      value: [['r', 101, [1]], ['append', 101, 2], ['r', 101, [1, 2]]],
    })
    // A read-only transaction (at the tail on chain-kv) sees both keys at one moment.
    const other = bed.clientFor('list-append', 'n3')
    expect(await other.invoke(inv('txn', [['r', 101, null], ['r', 100, null]]), signal())).toMatchObject({ type: 'ok', value: [['r', 101, [1, 2]], ['r', 100, [1]]] })
  })

  it('list-append: a transaction that cannot apply whole changes nothing (fail)', async () => {
    const c = bed.clientFor('list-append', 'n2')
    expect(await bed.clientFor('register', 'n2').invoke(inv('write', [110, 5]), signal())).toMatchObject({ type: 'ok' })
    // 111 would be appended to, 110 holds a number: neither happens.
    expect(await c.invoke(inv('txn', [['append', 111, 1], ['append', 110, 1]]), signal())).toMatchObject({ type: 'fail', error: 'type-mismatch' })
    expect(await c.invoke(inv('txn', [['r', 111, null]]), signal())).toMatchObject({ type: 'ok', value: [['r', 111, null]] })
  })

  it('rw-register: writes and reads in one transaction, the last write of a key read back', async () => {
    const c = bed.clientFor('rw-register', 'n2')
    expect(await c.invoke(inv('txn', [['w', 120, 1], ['r', 120, null], ['w', 120, 2], ['w', 121, 1]]), signal())).toMatchObject({
      type: 'ok',
      value: [['w', 120, 1], ['r', 120, 1], ['w', 120, 2], ['w', 121, 1]],
    })
    expect(await bed.clientFor('rw-register', 'n1').invoke(inv('txn', [['r', 121, null], ['r', 120, null], ['r', 122, null]]), signal())).toMatchObject({
      type: 'ok',
      value: [['r', 121, 1], ['r', 120, 2], ['r', 122, null]],
    })
  })
})

describe('workloadRequest', () => {
  it('marks reads read-only (never info) and everything else not', () => {
    const bank = bankOptions({})
    const ro = (w: string, f: string, v: unknown): boolean | undefined => workloadRequest(w, inv(f, v), bank)?.readOnly
    expect([ro('set', 'read', [1, null]), ro('counter', 'read', null), ro('bank', 'read', null), ro('register', 'read', [1, null])]).toEqual([true, true, true, true])
    expect([ro('set', 'add', [1, 2]), ro('counter', 'add', 1), ro('unique-ids', 'generate', null), ro('queue', 'dequeue', null), ro('bank', 'transfer', { from: 0, to: 1, amount: 1 })]).toEqual([
      false,
      false,
      false,
      false,
      false,
    ])
  })

  it('marks a dequeue with a request id idempotent (asked again after a lost answer), and nothing else', () => {
    expect(workloadRequest('queue', inv('dequeue', 'd3'))).toMatchObject({ path: '/kv/pop', body: { key: 'queue', request: 'd3' }, idempotent: true, readOnly: false })
    expect(workloadRequest('queue', inv('dequeue', null))).toEqual(expect.objectContaining({ body: { key: 'queue' } }))
    expect(workloadRequest('queue', inv('dequeue', null))?.idempotent).toBeUndefined()
    expect(workloadRequest('queue', inv('settle-dequeues', null))).toMatchObject({ path: '/kv/settle-dequeues', body: { key: 'queue' }, readOnly: false })
    expect(workloadRequest('queue', inv('settle-dequeues', null))?.idempotent).toBeUndefined()
  })

  it("maps list-append and rw-register transactions to /kv/txn, read-only when they only read, and refuses another workload's micro-operations", () => {
    const la = (v: unknown) => workloadRequest('list-append', inv('txn', v))
    const rw = (v: unknown) => workloadRequest('rw-register', inv('txn', v))
    const ops = [['append', 1, 2], ['r', 3, null]]
    expect(la(ops)).toMatchObject({ path: '/kv/txn', body: { ops }, readOnly: false })
    expect(la(ops)!.answer([['append', 1, 2], ['r', 3, [1]]])).toEqual([['append', 1, 2], ['r', 3, [1]]])
    expect(la([['r', 1, null], ['r', 2, null]])?.readOnly).toBe(true)
    expect(rw([['w', 1, 2], ['r', 1, null]])).toMatchObject({ path: '/kv/txn', readOnly: false })
    expect(rw([['r', 'k', null]])?.readOnly).toBe(true)
    // Nothing is sent for a transaction the workload could not have made.
    expect(la([['w', 1, 2]])).toBeUndefined()
    expect(rw([['append', 1, 2]])).toBeUndefined()
    expect(la([])).toBeUndefined()
    expect(la([['append', 1]])).toBeUndefined()
    expect(la([['append', 1, null]])).toBeUndefined()
    expect(la([['append', [1], 2]])).toBeUndefined()
    expect(la('txn')).toBeUndefined()
    // long-fork (and a user's transactions) keep the generic mapping; reads only are read-only too.
    expect(workloadRequest('long-fork', inv('txn', [['r', 1, null]]))).toMatchObject({ path: '/kv/txn', readOnly: true })
    expect(workloadRequest('long-fork', inv('txn', [['w', 1, 1]]))).toMatchObject({ path: '/kv/txn', readOnly: false })
  })

  it('refuses what it cannot express', () => {
    expect(workloadRequest('set', inv('add', 5))).toBeUndefined()
    expect(workloadRequest('counter', inv('add', 'x'))).toBeUndefined()
    expect(workloadRequest('bank', inv('read', null))).toBeUndefined() // no accounts known
    expect(workloadRequest('queue', inv('generate', null))).toBeUndefined()
  })
})
