/**
 * Bug early-dequeue: the leader answers a dequeue before it is committed. With
 * both followers paused nothing can commit, yet the leader hands out the head;
 * once it is killed, the next leader hands the same value out again. The
 * correct leader answers no dequeue it cannot commit.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { TestCluster } from './cluster.js'

let cluster: TestCluster | undefined
afterEach(async () => {
  await cluster?.close()
  cluster = undefined
})

/** Enqueues 1 and 2, pauses both followers, dequeues at the leader: its answer (undefined: none within 1.5 s). */
async function dequeueWithoutMajority(c: TestCluster): Promise<{ leader: string; followers: string[]; answer: unknown }> {
  const leader = await c.waitForLeader()
  for (const value of [1, 2]) expect(await c.post(leader, '/kv/append', { key: 'queue', value })).toEqual({ ok: true })
  const followers = c.nodes.map((n) => n.id).filter((id) => id !== leader)
  for (const f of followers) c.pause(f)
  const answer = await c.post(leader, '/kv/pop', { key: 'queue' }, 1500).catch(() => undefined)
  return { leader, followers, answer }
}

describe('bug early-dequeue', () => {
  it('hands out one value twice across a leader change under --bug early-dequeue', async () => {
    cluster = await TestCluster.start(3, { bug: 'early-dequeue' })
    const { leader, followers, answer } = await dequeueWithoutMajority(cluster)
    expect(answer).toEqual({ ok: true, value: 1 })
    await cluster.kill(leader)
    for (const f of followers) cluster.resume(f)
    const next = await cluster.waitForLeader(followers)
    expect(await cluster.post(next, '/kv/pop', { key: 'queue' })).toEqual({ ok: true, value: 1 })
  })

  it('answers no dequeue it cannot commit without the bug', async () => {
    cluster = await TestCluster.start(3)
    const { followers, answer } = await dequeueWithoutMajority(cluster)
    for (const f of followers) cluster.resume(f)
    expect(answer).toBeUndefined()
  })
})
