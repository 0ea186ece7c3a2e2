/**
 * Bug local-ids: the leader answers an increment from its own counter and
 * commits it later. With both followers down nothing can commit, yet the
 * leader hands out id 2; once it is killed and the followers are back, the
 * next leader hands out 2 again. The correct leader answers no increment it
 * cannot commit. The followers are killed, not paused: a paused process's
 * kernel still takes the leader's appends into its socket buffer.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { TestCluster } from './cluster.js'

let cluster: TestCluster | undefined
afterEach(async () => {
  await cluster?.close()
  cluster = undefined
})

/** One committed id, then both followers killed: the leader's answer to the next (undefined: none within 1.5 s). */
async function idWithoutMajority(c: TestCluster): Promise<{ leader: string; followers: string[]; answer: unknown }> {
  const leader = await c.waitForLeader()
  expect(await c.post(leader, '/kv/incr', { key: 'ids', delta: 1 })).toEqual({ ok: true, value: 1 })
  // Committed everywhere before the followers go, so the next leader starts from it.
  const followers = c.nodes.map((n) => n.id).filter((id) => id !== leader)
  for (const f of followers) await c.waitForStatus(f, (s) => s.lastApplied >= 2)
  for (const f of followers) await c.kill(f)
  const answer = await c.post(leader, '/kv/incr', { key: 'ids', delta: 1 }, 1500).catch(() => undefined)
  return { leader, followers, answer }
}

describe('bug local-ids', () => {
  it('hands out one id twice across a leader change under --bug local-ids', async () => {
    cluster = await TestCluster.start(3, { bug: 'local-ids' })
    const { leader, followers, answer } = await idWithoutMajority(cluster)
    expect(answer).toEqual({ ok: true, value: 2 })
    await cluster.kill(leader)
    for (const f of followers) cluster.startNode(f)
    const next = await cluster.waitForLeader(followers)
    expect(await cluster.post(next, '/kv/incr', { key: 'ids', delta: 1 })).toEqual({ ok: true, value: 2 })
  })

  it('answers no increment it cannot commit without the bug', async () => {
    cluster = await TestCluster.start(3)
    const { answer } = await idWithoutMajority(cluster)
    expect(answer).toBeUndefined()
  })
})
