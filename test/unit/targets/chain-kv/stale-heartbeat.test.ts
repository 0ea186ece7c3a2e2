/**
 * Regression (dstest run --target chain-kv --nemesis partition --seed 1, correct
 * mode, found NOT linearizable): the tail n5 was partitioned away, the master
 * removed it (epoch 7, n1 became tail) and writes went on. When the partition
 * healed, n5 first heard of epoch 7 (it turned standby), and then received
 * heartbeats of epoch 6 that the master had sent during the partition and given
 * up on (TCP delivered them late). An epoch-6 heartbeat matched n5's own epoch:
 * it cleared `removed` and renewed the lease from its arrival, so n5 answered
 * reads as epoch 6's tail for a while, from a store without the new writes
 * (a read of nil after acknowledged writes).
 *
 * Fixed: heartbeats older than an epoch the node has seen are ignored, and the
 * lease runs from a stamp of the node's own clock that the master echoes from a
 * reply it received, never from when a heartbeat arrives.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ChainNode } from '../../../../targets/chain-kv/server/chain.js'
import type { ChainConfig, HeartbeatArgs, HeartbeatReply, KvReply, Status } from '../../../../targets/chain-kv/server/messages.js'
import { Storage } from '../../../../targets/chain-kv/server/storage.js'
import { postJson } from '../../../../targets/server-kit/rpc.js'
import { sleep, TestCluster } from './cluster.js'

describe('chain-kv lease (one node in process)', () => {
  let dir: string
  let node: ChainNode | undefined
  afterEach(() => {
    node?.stop()
    node = undefined
    rmSync(dir, { recursive: true, force: true })
  })

  it('takes no lease from a heartbeat that arrives late, only from a reply the master echoes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'chain-kv-lease-'))
    // A chain of one: n3 is head and tail, with no predecessor to sync from.
    const config: ChainConfig = { epoch: 2, chain: ['n3'], joining: null }
    const addresses = new Map([['n3', '127.0.0.1:3']])
    node = new ChainNode({ id: 'n3', addresses, leaseMs: 200, requestTimeoutMs: 1000, bug: null }, new Storage(dir), { info: () => {} })
    node.start()
    const beat = (lease: HeartbeatArgs['lease']): HeartbeatReply => node!.handleHeartbeat({ epoch: 2, config, master: 'n1', lease })

    // The master's first probe (it has no reply of ours yet) grants nothing.
    const first = beat(null)
    expect(first.lease).toBeDefined()
    expect(await node.read('k')).toMatchObject({ ok: false, error: 'unavailable' })
    // The next one echoes our stamp: a lease.
    const second = beat(first.lease)
    expect(await node.read('k')).toEqual({ ok: true, value: null })

    // The master stops hearing from us; a heartbeat it sent then arrives now, past the lease.
    await sleep(250)
    expect(await node.read('k')).toMatchObject({ ok: false, error: 'unavailable' })
    beat(second.lease)
    expect(await node.read('k')).toMatchObject({ ok: false, error: 'unavailable' })
    // A stamp of another process (we restarted since) counts for nothing either.
    beat({ boot: 'another-process', at: performance.now() })
    expect(await node.read('k')).toMatchObject({ ok: false, error: 'unavailable' })
  })
})

describe('chain-kv removed tail and a stale heartbeat (3 nodes)', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await TestCluster.start(3)
  })
  afterAll(async () => {
    await cluster?.close()
  })

  it('does not serve reads again after a heartbeat of the epoch it was removed from', async () => {
    const tail = await cluster.waitForChain(cluster.ids, (s) => s.chain.length === 3)
    expect(tail.id).toBe('n3')
    const oldConfig: ChainConfig = { epoch: tail.epoch, chain: tail.chain, joining: tail.joining }
    const leader = (await cluster.status('n1'))?.master.leader ?? 'n1'
    // Leases start one heartbeat after a configuration is first adopted.
    expect(await cluster.postServed('n1', '/kv/write', { key: 'k', value: 'old' })).toEqual({ ok: true })
    expect(await cluster.postServed('n3', '/kv/read', { key: 'k' })).toEqual({ ok: true, value: 'old' })
    // A probe exactly as the master sends it in this epoch, with n3's freshest stamp: the one we deliver late.
    const probe = (await postJson(cluster.node('n3').address, '/chain/heartbeat', { epoch: oldConfig.epoch, config: oldConfig, master: leader, lease: null }, 2000)).body as HeartbeatReply
    const stale: HeartbeatArgs = { epoch: oldConfig.epoch, config: oldConfig, master: leader, lease: probe.lease ?? null }

    // The tail goes silent until the master removes it; a write is acknowledged by the new tail n2.
    cluster.pause('n3')
    try {
      await cluster.waitForChain(['n1', 'n2'], (s) => JSON.stringify(s.chain) === '["n1","n2"]')
      expect(await cluster.postServed('n1', '/kv/write', { key: 'k', value: 'new' })).toEqual({ ok: true })
    } finally {
      cluster.resume('n3')
    }
    // n3 hears of the newer epoch and stands by...
    const deadline = Date.now() + 5000
    let s: Status | undefined
    while (Date.now() < deadline && (s = await cluster.status('n3'))?.role !== 'standby') await sleep(5)
    expect(s?.role).toBe('standby')
    // ...then the late heartbeat of its old epoch arrives.
    await postJson(cluster.node('n3').address, '/chain/heartbeat', stale, 2000)
    const read: KvReply = await cluster.post('n3', '/kv/read', { key: 'k' })
    // Refused, or (only once it has rejoined as tail through a state transfer) the new value.
    if (read.ok) expect(read.value).toBe('new')
    else expect(['not-tail', 'unavailable']).toContain(read.error)
  })
})
