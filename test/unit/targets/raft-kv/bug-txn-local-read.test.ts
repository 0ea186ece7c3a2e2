/**
 * Bug txn-local-read: the node the client asks coordinates a transaction,
 * reading from its own applied state and sending only the writes through the
 * log. A follower applies an entry only once the leader's next AppendEntries
 * tells it of the commit, so a transaction at a follower right after an
 * acknowledged append misses it, and its own append still lands after it: no
 * serial order has both (G-single: each transaction missed the other's
 * effect, as the transaction order and the list say). The correct server
 * takes the whole transaction, its reads included, as one log entry.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { TestCluster } from './cluster.js'

let cluster: TestCluster | undefined
afterEach(async () => {
  await cluster?.close()
  cluster = undefined
})

type Mop = [string, unknown, unknown]

/**
 * Round i: append i to the list at the leader (acknowledged), then at once a
 * transaction at a follower that reads the list and appends -i. Returns the
 * rounds whose read missed i, and the list at the end.
 */
async function rounds(c: TestCluster, n: number): Promise<{ missed: number[]; list: unknown[] }> {
  const leader = await c.waitForLeader()
  const follower = c.nodes.map((x) => x.id).find((id) => id !== leader)!
  const missed: number[] = []
  for (let i = 1; i <= n; i++) {
    expect(await c.post(leader, '/kv/txn', { ops: [['append', 'k', i]] })).toEqual({ ok: true, value: [['append', 'k', i]] })
    const t = await c.post(follower, '/kv/txn', { ops: [['r', 'k', null], ['append', 'k', -i]] })
    expect(t.ok).toBe(true)
    const read = t.ok ? ((t.value as Mop[])[0]![2] as number[] | null) : null
    if (!(read ?? []).includes(i)) missed.push(i)
  }
  const final = await c.post(leader, '/kv/txn', { ops: [['r', 'k', null]] })
  return { missed, list: final.ok ? ((final.value as Mop[])[0]![2] as unknown[]) : [] }
}

describe('bug txn-local-read', () => {
  it('reads a follower\'s stale state inside a transaction whose append lands after what it missed, under --bug txn-local-read', async () => {
    cluster = await TestCluster.start(3, { bug: 'txn-local-read' })
    const { missed, list } = await rounds(cluster, 20)
    expect(missed.length).toBeGreaterThan(0)
    // The transaction that missed i appended -i after i: it read a state its own write did not follow.
    for (const i of missed) expect(list.indexOf(i)).toBeLessThan(list.indexOf(-i))
  })

  it('never reads past a committed append without the bug', async () => {
    cluster = await TestCluster.start(3)
    const { missed, list } = await rounds(cluster, 20)
    expect(missed).toEqual([])
    expect(list).toHaveLength(40)
  })
})
