/**
 * Bug stale-read: a follower answers reads from its own applied state. It
 * learns that an entry committed only with the leader's next AppendEntries, so
 * a read right after an acknowledged write sees the old value. The correct
 * server forwards the read to the leader, which confirms it with ReadIndex.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { TestCluster } from './cluster.js'

let cluster: TestCluster | undefined
afterEach(async () => {
  await cluster?.close()
  cluster = undefined
})

/** Writes 1..n through the leader, each time reading at once from a follower; counts old values. */
async function staleReads(c: TestCluster, n: number): Promise<number> {
  const leader = await c.waitForLeader()
  const follower = c.nodes.map((x) => x.id).find((id) => id !== leader)!
  let stale = 0
  for (let i = 1; i <= n; i++) {
    expect(await c.post(leader, '/kv/write', { key: 's', value: i })).toEqual({ ok: true })
    const read = await c.post(follower, '/kv/read', { key: 's' })
    expect(read.ok).toBe(true)
    if (read.ok && read.value !== i) stale += 1
  }
  return stale
}

describe('bug stale-read', () => {
  it('serves stale reads from a follower under --bug stale-read', async () => {
    cluster = await TestCluster.start(3, { bug: 'stale-read' })
    expect(await staleReads(cluster, 20)).toBeGreaterThan(0)
  })

  it('never serves a stale read without the bug', async () => {
    cluster = await TestCluster.start(3)
    expect(await staleReads(cluster, 20)).toBe(0)
  })
})
