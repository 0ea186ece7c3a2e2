/**
 * A real 5-node chain-kv cluster on 127.0.0.1 (compiled server, temp data
 * folders): the chain forms, writes flow head → tail and reads come from the
 * tail; the head, a middle node and the tail are SIGKILLed in turn while a
 * client appends, and no acknowledged append is ever missing; a restarted node
 * rejoins at the tail after a state transfer; the chain keeps being repaired
 * after the master's Raft leader is killed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChainKvClient } from '../../../../targets/chain-kv/client.js'
import type { Status } from '../../../../targets/chain-kv/server/messages.js'
import { sleep, TestCluster } from './cluster.js'

let cluster: TestCluster
let appender: Appender
beforeAll(async () => {
  cluster = await TestCluster.start(5)
})
afterAll(async () => {
  await appender?.stop()
  await cluster?.close()
})

/** One client appending 0, 1, 2, ... to key 'log', one at a time, remembering what was acknowledged. */
class Appender {
  readonly acked: number[] = []
  readonly unknown: number[] = []
  private running = true
  private readonly done: Promise<void>
  private readonly client: ChainKvClient

  constructor(nodes: { name: string; address: string }[]) {
    this.client = new ChainKvClient({ node: 'n2', nodes, timeoutMs: 4000 })
    this.done = this.loop()
  }

  private async loop(): Promise<void> {
    for (let i = 0; this.running; i++) {
      const c = await this.client.invoke({ type: 'invoke', f: 'append', value: ['log', i], process: 0, time: 0 }, AbortSignal.timeout(5000))
      if (c.type === 'ok') this.acked.push(i)
      else if (c.type === 'info') this.unknown.push(i)
      else await sleep(20) // refused before entering the chain: definitely not applied
    }
  }

  async stop(): Promise<void> {
    this.running = false
    await this.done
    await this.client.close()
  }
}

/** Every append acknowledged so far is in the list the tail serves, in order, once. */
async function expectNoLostAppend(tail: string): Promise<void> {
  const acked = [...appender.acked]
  const reply = await cluster.postServed(tail, '/kv/read', { key: 'log' })
  expect(reply.ok).toBe(true)
  const list = (reply.ok ? reply.value : []) as number[]
  expect(new Set(list).size).toBe(list.length)
  const seen = list.filter((v) => acked.includes(v))
  expect(seen).toEqual(acked)
}

const chainIs = (chain: string[]) => (s: Status) => JSON.stringify(s.chain) === JSON.stringify(chain)

/** Waits until the appender has had more than `n` appends acknowledged in all. */
async function ackedMoreThan(n: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (appender.acked.length <= n && Date.now() < deadline) await sleep(20)
  expect(appender.acked.length).toBeGreaterThan(n)
}

describe('chain-kv cluster', () => {
  it('forms a chain of every node in order', async () => {
    const tail = await cluster.waitForChain(cluster.ids, chainIs(['n1', 'n2', 'n3', 'n4', 'n5']))
    expect(tail.id).toBe('n5')
    const head = await cluster.status('n1')
    expect(head).toMatchObject({ role: 'head', head: 'n1', tail: 'n5' })
    expect((await cluster.status('n3'))?.role).toBe('middle')
  })

  it('replicates writes to every node and reads them from the tail', async () => {
    for (let k = 0; k < 5; k++) expect(await cluster.postServed('n1', '/kv/write', { key: ['w', k], value: k * 10 })).toEqual({ ok: true })
    expect(await cluster.postServed('n5', '/kv/read', { key: ['w', 3] })).toEqual({ ok: true, value: 30 })
    const statuses = (await Promise.all(cluster.ids.map((id) => cluster.status(id)))) as Status[]
    expect(new Set(statuses.map((s) => s.seq)).size).toBe(1)
    expect(statuses.every((s) => s.ackedSeq === s.seq && s.sent === 0)).toBe(true)
    // Only the head takes writes and only the tail answers reads; both say where to go.
    expect(await cluster.post('n3', '/kv/write', { key: 'x', value: 1 })).toMatchObject({ ok: false, error: 'not-head', head: 'n1' })
    expect(await cluster.post('n3', '/kv/read', { key: 'x' })).toMatchObject({ ok: false, error: 'not-tail', tail: 'n5' })
  })

  it('compares and sets, and appends to lists', async () => {
    expect(await cluster.postServed('n1', '/kv/cas', { key: 'c', from: 1, to: 2 })).toMatchObject({ ok: false, error: 'cas-mismatch' })
    expect(await cluster.postServed('n1', '/kv/cas', { key: 'c', from: null, to: 1 })).toEqual({ ok: true })
    expect(await cluster.postServed('n1', '/kv/cas', { key: 'c', from: 1, to: 2 })).toEqual({ ok: true })
    expect(await cluster.postServed('n1', '/kv/cas', { key: 'c', from: 1, to: 3 })).toMatchObject({ ok: false, error: 'cas-mismatch' })
    expect(await cluster.postServed('n5', '/kv/read', { key: 'c' })).toEqual({ ok: true, value: 2 })
    expect(await cluster.postServed('n1', '/kv/append', { key: 'c', value: 9 })).toMatchObject({ ok: false, error: 'type-mismatch' })
  })

  it('loses no acknowledged write when the head is killed', async () => {
    appender = new Appender(cluster.nodes.map((n) => ({ name: n.id, address: n.address })))
    await ackedMoreThan(0) // appends flow through the whole chain before the head dies
    await cluster.kill('n1')
    await cluster.waitForChain(['n2', 'n3', 'n4', 'n5'], chainIs(['n2', 'n3', 'n4', 'n5']))
    await ackedMoreThan(5)
    await expectNoLostAppend('n5')
  })

  it('rejoins a restarted node at the tail after a state transfer', async () => {
    cluster.startNode('n1')
    const tail = await cluster.waitForChain(cluster.ids, chainIs(['n2', 'n3', 'n4', 'n5', 'n1']))
    expect(tail.id).toBe('n1')
    await expectNoLostAppend('n1')
    expect(await cluster.postServed('n1', '/kv/read', { key: ['w', 3] })).toEqual({ ok: true, value: 30 })
  })

  it('loses no acknowledged write when a middle node is killed', async () => {
    await cluster.kill('n3')
    await cluster.waitForChain(['n2', 'n4', 'n5', 'n1'], chainIs(['n2', 'n4', 'n5', 'n1']))
    await ackedMoreThan(appender.acked.length) // appends go on through the repaired chain
    await expectNoLostAppend('n1')
  })

  it('loses no acknowledged write when the tail is killed', async () => {
    await cluster.kill('n1')
    await cluster.waitForChain(['n2', 'n4', 'n5'], chainIs(['n2', 'n4', 'n5']))
    await ackedMoreThan(appender.acked.length)
    await expectNoLostAppend('n5')
  })

  it('keeps repairing the chain after the master\'s Raft leader is killed', async () => {
    cluster.startNode('n3')
    cluster.startNode('n1')
    await cluster.waitForChain(cluster.ids, (s) => s.chain.length === 5, 15_000)
    const leader = (await cluster.status('n2'))!.master.leader!
    expect(cluster.ids).toContain(leader)
    const before = (await cluster.status('n2'))!.epoch
    await cluster.kill(leader)
    const live = cluster.ids.filter((id) => id !== leader)
    const tail = await cluster.waitForChain(live, (s) => s.chain.length === 4 && !s.chain.includes(leader) && s.master.leader !== leader)
    expect(tail.epoch).toBeGreaterThan(before)
    const acked = appender.acked.length
    await expectNoLostAppend(tail.id)
    await ackedMoreThan(acked) // writes go on
    await appender.stop()
    await expectNoLostAppend(tail.id)
  })
})
