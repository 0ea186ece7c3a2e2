/**
 * Bug split-transfer: a transfer is two log entries (debit, then credit), so a
 * snapshot read of both balances between them sees the money missing. The
 * correct server applies a transfer as one entry: every read sums to the total.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { TestCluster } from './cluster.js'

let cluster: TestCluster | undefined
afterEach(async () => {
  await cluster?.close()
  cluster = undefined
})

const ACCOUNTS = [['bank', 0], ['bank', 1]]

/** Transfers back and forth with snapshot reads alongside; the totals the reads saw. */
async function totalsSeen(c: TestCluster, rounds: number): Promise<number[]> {
  const leader = await c.waitForLeader()
  for (const key of ACCOUNTS) expect(await c.post(leader, '/kv/cas', { key, from: null, to: 50 })).toEqual({ ok: true })
  const totals: number[] = []
  for (let i = 0; i < rounds && !totals.some((t) => t !== 100); i++) {
    const [from, to] = i % 2 === 0 ? ACCOUNTS : [...ACCOUNTS].reverse()
    const transfer = c.post(leader, '/kv/transfer', { from, to, amount: 1, floor: 0 })
    const reads = Array.from({ length: 10 }, () => c.post(leader, '/kv/read-many', { keys: ACCOUNTS }))
    expect(await transfer).toEqual({ ok: true })
    for (const r of await Promise.all(reads)) {
      expect(r.ok).toBe(true)
      if (r.ok) totals.push((r.value as number[]).reduce((a: number, b: number) => a + b, 0))
    }
  }
  return totals
}

describe('bug split-transfer', () => {
  it('lets a read see a transfer half done under --bug split-transfer', async () => {
    cluster = await TestCluster.start(3, { bug: 'split-transfer' })
    const totals = await totalsSeen(cluster, 200)
    expect(totals.some((t) => t !== 100)).toBe(true)
  })

  it('keeps every read at the total without the bug', async () => {
    cluster = await TestCluster.start(3)
    const totals = await totalsSeen(cluster, 60)
    expect(totals.length).toBeGreaterThan(500)
    expect(totals.every((t) => t === 100)).toBe(true)
  })
})
