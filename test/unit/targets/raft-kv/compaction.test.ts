/** Log compaction: snapshots keep the log bounded, and a lagging node gets one. */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Status } from '../../../../targets/raft-kv/server/messages.js'
import { TestCluster } from './cluster.js'

let cluster: TestCluster
beforeAll(async () => {
  cluster = await TestCluster.start(3, { args: ['--snapshot-every', '50'] })
})
afterAll(async () => {
  await cluster?.close()
})

it('keeps the log bounded over many writes and installs a snapshot on a node that fell behind', async () => {
  let leader = await cluster.waitForLeader()
  const lagging = ['n1', 'n2', 'n3'].find((id) => id !== leader)!
  await cluster.kill(lagging)
  for (let batch = 0; batch < 20; batch++) {
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => cluster.post(leader, '/kv/write', { key: i, value: batch })))
    expect(replies.every((r) => r.ok)).toBe(true)
  }
  const s = (await cluster.status(leader))!
  expect(s.lastLogIndex).toBeGreaterThanOrEqual(400)
  expect(s.snapshotIndex).toBeGreaterThan(300)
  expect(s.logLength).toBeLessThan(100)

  cluster.startNode(lagging)
  const caughtUp: Status = await cluster.waitForStatus(lagging, (st) => st.lastApplied >= s.commitIndex)
  expect(caughtUp.snapshotIndex).toBeGreaterThan(0)
  expect(caughtUp.logLength).toBeLessThan(100)
  expect(readFileSync(cluster.node(lagging).log, 'utf8')).toMatch(/installed snapshot at \d+ from n\d/)

  // Now the node restored from a snapshot is needed for every majority.
  await cluster.kill(leader)
  leader = await cluster.waitForLeader(['n1', 'n2', 'n3'].filter((id) => id !== leader))
  for (let i = 0; i < 20; i++) expect(await cluster.post(leader, '/kv/read', { key: i })).toEqual({ ok: true, value: 19 })
})
