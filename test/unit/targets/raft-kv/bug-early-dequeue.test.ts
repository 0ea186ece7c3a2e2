/**
 * Bug early-dequeue: the leader answers a dequeue before it is committed. With
 * both followers down nothing can commit, yet the leader hands out the head;
 * once it is killed and the followers are back, the next leader hands the same
 * value out again. The correct leader answers no dequeue it cannot commit.
 * The followers are killed, not paused: a paused process's kernel still takes
 * the leader's appends into its socket buffer, and on resume the follower
 * would apply the dequeue after all (then correctly not handed out twice).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { TestCluster } from './cluster.js'

let cluster: TestCluster | undefined
afterEach(async () => {
  await cluster?.close()
  cluster = undefined
})

/** Enqueues 1 and 2, kills both followers, dequeues at the leader: its answer (undefined: none within 1.5 s). */
async function dequeueWithoutMajority(c: TestCluster): Promise<{ leader: string; followers: string[]; answer: unknown }> {
  const leader = await c.waitForLeader()
  for (const value of [1, 2]) expect(await c.post(leader, '/kv/append', { key: 'queue', value })).toEqual({ ok: true })
  const followers = c.nodes.map((n) => n.id).filter((id) => id !== leader)
  // Both enqueues in every log before the followers go, so the next leader has them.
  const { lastApplied } = await c.waitForStatus(leader, () => true)
  for (const f of followers) await c.waitForStatus(f, (s) => s.lastApplied >= lastApplied)
  for (const f of followers) await c.kill(f)
  const answer = await c.post(leader, '/kv/pop', { key: 'queue' }, 1500).catch(() => undefined)
  return { leader, followers, answer }
}

describe('bug early-dequeue', () => {
  it('hands out one value twice across a leader change under --bug early-dequeue', async () => {
    cluster = await TestCluster.start(3, { bug: 'early-dequeue' })
    const { leader, followers, answer } = await dequeueWithoutMajority(cluster)
    expect(answer).toEqual({ ok: true, value: 1 })
    await cluster.kill(leader)
    for (const f of followers) cluster.startNode(f)
    const next = await cluster.waitForLeader(followers)
    expect(await cluster.post(next, '/kv/pop', { key: 'queue' })).toEqual({ ok: true, value: 1 })
  })

  it('answers no dequeue it cannot commit without the bug', async () => {
    cluster = await TestCluster.start(3)
    const { answer } = await dequeueWithoutMajority(cluster)
    expect(answer).toBeUndefined()
  })
})
