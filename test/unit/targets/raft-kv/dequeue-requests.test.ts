/**
 * Dequeues with request ids through raft-kv's log (server-kit/kv-store.ts):
 * a request answered once is answered the same by the next leader, from the
 * replicated record, and takes nothing more; a request the old leader could
 * not commit is settled as having taken nothing, and stays so when that
 * leader comes back with it in its log.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { KvReply } from '../../../../targets/raft-kv/server/messages.js'
import { sleep, TestCluster } from './cluster.js'

let cluster: TestCluster | undefined
afterEach(async () => {
  await cluster?.close()
  cluster = undefined
})

/**
 * A request to whichever node leads now, asked again only while it is refused
 * before anything changed (no leader known: an election is under way, as when
 * a node that comes back stands for one).
 */
async function atLeader(c: TestCluster, path: string, body: unknown): Promise<KvReply> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const reply = await c.post(await c.waitForLeader(), path, body)
    if (reply.ok || !['not-leader', 'unavailable'].includes(reply.error) || Date.now() > deadline) return reply
    await sleep(50)
  }
}

/** Enqueues `values` at the leader and waits until every node has applied them. */
async function enqueued(c: TestCluster, values: readonly number[]): Promise<string> {
  const leader = await c.waitForLeader()
  for (const value of values) expect(await c.post(leader, '/kv/append', { key: 'queue', value })).toEqual({ ok: true })
  const { lastApplied } = await c.waitForStatus(leader, () => true)
  for (const n of c.nodes) await c.waitForStatus(n.id, (s) => s.lastApplied >= lastApplied)
  return leader
}

describe('raft-kv: dequeue requests', () => {
  it('answers a request asked again at the next leader from its record, taking nothing more', async () => {
    cluster = await TestCluster.start(3)
    const leader = await enqueued(cluster, [1, 2])
    expect(await cluster.post(leader, '/kv/pop', { key: 'queue', request: 'd1' })).toEqual({ ok: true, value: 1 })
    await cluster.kill(leader)
    const rest = cluster.nodes.map((n) => n.id).filter((id) => id !== leader)
    const next = await cluster.waitForLeader(rest)
    expect(await cluster.post(next, '/kv/pop', { key: 'queue', request: 'd1' })).toEqual({ ok: true, value: 1 })
    expect(await cluster.post(next, '/kv/pop', { key: 'queue', request: 'd2' })).toEqual({ ok: true, value: 2 })
    expect(await cluster.post(next, '/kv/settle-dequeues', { key: 'queue' })).toEqual({ ok: true, value: { d1: 1, d2: 2 } })
  })

  it('settles a request the deposed leader never committed as taking nothing, for good', async () => {
    cluster = await TestCluster.start(3)
    const leader = await enqueued(cluster, [1, 2])
    const followers = cluster.nodes.map((n) => n.id).filter((id) => id !== leader)
    for (const f of followers) await cluster.kill(f)
    // Appended to the leader's log, never committed: no answer.
    expect(await cluster.post(leader, '/kv/pop', { key: 'queue', request: 'd1' }, 1000).catch(() => undefined)).toBeUndefined()
    await cluster.kill(leader)
    for (const f of followers) cluster.startNode(f)
    const next = await cluster.waitForLeader(followers)
    expect(await cluster.post(next, '/kv/settle-dequeues', { key: 'queue' })).toEqual({ ok: true, value: {} })
    // The old leader returns with d1 in its log: replaced by the new leader's entries, never applied.
    cluster.startNode(leader)
    const { lastApplied } = await cluster.waitForStatus(next, () => true)
    await cluster.waitForStatus(leader, (s) => s.lastApplied >= lastApplied)
    // Asked again, d1 takes nothing; the values are all still there for the drain (pops with no request).
    expect(await atLeader(cluster, '/kv/pop', { key: 'queue', request: 'd1' })).toMatchObject({ ok: false, error: 'dequeue-settled' })
    expect(await atLeader(cluster, '/kv/pop', { key: 'queue' })).toEqual({ ok: true, value: 1 })
    expect(await atLeader(cluster, '/kv/pop', { key: 'queue' })).toEqual({ ok: true, value: 2 })
    expect(await atLeader(cluster, '/kv/settle-dequeues', { key: 'queue' })).toEqual({ ok: true, value: {} })
  })
})
