/**
 * A real 3-node raft-kv cluster on 127.0.0.1 (compiled server, temp data
 * folders): election, replication, crash recovery, forwarding, cas and txn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Status } from '../../../../targets/raft-kv/server/messages.js'
import { sleep, TestCluster } from './cluster.js'

let cluster: TestCluster
beforeAll(async () => {
  cluster = await TestCluster.start(3)
})
afterAll(async () => {
  await cluster?.close()
})

const ids = ['n1', 'n2', 'n3']
const others = (leader: string): string[] => ids.filter((id) => id !== leader)

describe('raft-kv cluster', () => {
  it('elects exactly one leader that every node follows', async () => {
    const leader = await cluster.waitForLeader()
    const statuses = (await Promise.all(ids.map((id) => cluster.status(id)))) as Status[]
    expect(statuses.filter((s) => s.role === 'leader').map((s) => s.id)).toEqual([leader])
    expect(new Set(statuses.map((s) => s.leader))).toEqual(new Set([leader]))
  })

  it('replicates acknowledged writes to every node', async () => {
    const leader = await cluster.waitForLeader()
    for (let k = 0; k < 5; k++) expect(await cluster.post(leader, '/kv/write', { key: k, value: k * 10 })).toEqual({ ok: true })
    const target = (await cluster.status(leader))!.commitIndex
    for (const id of others(leader)) await cluster.waitForStatus(id, (s) => s.lastApplied >= target)
    expect(await cluster.post(leader, '/kv/read', { key: 3 })).toEqual({ ok: true, value: 30 })
  })

  it('forwards client requests from followers to the leader, one hop only', async () => {
    const leader = await cluster.waitForLeader()
    const follower = others(leader)[0]!
    expect(await cluster.post(follower, '/kv/write', { key: 'fwd', value: 'via-follower' })).toEqual({ ok: true })
    expect(await cluster.post(follower, '/kv/read', { key: 'fwd' })).toEqual({ ok: true, value: 'via-follower' })
    // A request already forwarded once is not forwarded again.
    const { postJson } = await import('../../../../targets/server-kit/rpc.js')
    const res = await postJson(cluster.node(follower).address, '/kv/read', { key: 'fwd' }, 2000, { headers: { 'x-raft-kv-forwarded': 'test' } })
    expect(res.body).toEqual({ ok: false, error: 'not-leader', leader })
  })

  it('compares and sets', async () => {
    const leader = await cluster.waitForLeader()
    expect(await cluster.post(leader, '/kv/cas', { key: 'c', from: 1, to: 2 })).toMatchObject({ ok: false, error: 'cas-mismatch' })
    expect(await cluster.post(leader, '/kv/cas', { key: 'c', from: null, to: 1 })).toEqual({ ok: true })
    expect(await cluster.post(leader, '/kv/cas', { key: 'c', from: 1, to: 2 })).toEqual({ ok: true })
    expect(await cluster.post(leader, '/kv/cas', { key: 'c', from: 1, to: 3 })).toMatchObject({ ok: false, error: 'cas-mismatch' })
    expect(await cluster.post(leader, '/kv/read', { key: 'c' })).toEqual({ ok: true, value: 2 })
  })

  it('applies transactions atomically and in one serial order', async () => {
    const leader = await cluster.waitForLeader()
    const follower = others(leader)[0]!
    // 40 concurrent txns, each appending its number to two lists and reading one.
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        cluster.post(i % 2 ? leader : follower, '/kv/txn', { ops: [['append', 'ta', i], ['append', 'tb', i], ['r', 'ta', null]] }),
      ),
    )
    expect(replies.every((r) => r.ok)).toBe(true)
    const a = (await cluster.post(leader, '/kv/read', { key: 'ta' })) as { ok: true; value: number[] }
    const b = (await cluster.post(leader, '/kv/read', { key: 'tb' })) as { ok: true; value: number[] }
    expect(a.value).toHaveLength(40)
    expect(b.value).toEqual(a.value)
    // Each txn read 'ta' right after its own append: a prefix of the final order ending with itself.
    for (const [i, r] of replies.entries()) {
      const read = ((r as { ok: true; value: [string, string, number[]][] }).value[2]![2])
      expect(read[read.length - 1]).toBe(i)
      expect(a.value.slice(0, read.length)).toEqual(read)
    }
    // A txn that fails part-way changes nothing.
    await cluster.post(leader, '/kv/write', { key: 'scalar', value: 1 })
    const bad = await cluster.post(leader, '/kv/txn', { ops: [['w', 'tc', 1], ['append', 'scalar', 2]] })
    expect(bad).toMatchObject({ ok: false, error: 'type-mismatch' })
    expect(await cluster.post(leader, '/kv/read', { key: 'tc' })).toEqual({ ok: true, value: null })
  })

  it('keeps acknowledged writes when the leader is SIGKILLed, and the old leader catches up', async () => {
    const leader = await cluster.waitForLeader()
    expect(await cluster.post(leader, '/kv/write', { key: 'k', value: 'before-kill' })).toEqual({ ok: true })
    await cluster.kill(leader)
    const next = await cluster.waitForLeader(others(leader))
    expect(next).not.toBe(leader)
    expect(await cluster.post(next, '/kv/read', { key: 'k' })).toEqual({ ok: true, value: 'before-kill' })
    expect(await cluster.post(next, '/kv/write', { key: 'k', value: 'after-kill' })).toEqual({ ok: true })
    cluster.startNode(leader)
    const commit = (await cluster.status(next))!.commitIndex
    const back = await cluster.waitForStatus(leader, (s) => s.lastApplied >= commit && s.role === 'follower')
    expect(back.leader).toBe(next)
  })

  it('recovers every acknowledged write from disk after a full-cluster SIGKILL', async () => {
    const leader = await cluster.waitForLeader()
    const writes = await Promise.all(Array.from({ length: 20 }, (_, i) => cluster.post(leader, '/kv/write', { key: `d${i}`, value: i })))
    expect(writes.every((w) => w.ok)).toBe(true)
    await Promise.all(ids.map((id) => cluster.kill(id)))
    for (const id of ids) cluster.startNode(id)
    const after = await cluster.waitForLeader()
    for (let i = 0; i < 20; i++) expect(await cluster.post(after, '/kv/read', { key: `d${i}` })).toEqual({ ok: true, value: i })
    expect(await cluster.post(after, '/kv/read', { key: 'k' })).toEqual({ ok: true, value: 'after-kill' })
  })

  it('answers /status with the documented fields', async () => {
    await cluster.waitForLeader()
    const s = await cluster.status('n1')
    expect(Object.keys(s!)).toEqual(expect.arrayContaining(['id', 'role', 'term', 'leader', 'commitIndex', 'lastApplied']))
    await sleep(0)
  })
})
