/**
 * Bug no-vote-persist: votedFor lives in memory only, so a node that voted and
 * restarted votes again in the same term (two leaders of one term become
 * possible). We play the candidates ourselves, over the real /raft/vote route,
 * against a lone node (its peers are never started, so nothing else votes).
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { RequestVoteReply } from '../../../../targets/server-kit/raft/messages.js'
import { postJson } from '../../../../targets/server-kit/rpc.js'
import { TestCluster } from './cluster.js'

let cluster: TestCluster | undefined
afterEach(async () => {
  await cluster?.close()
  cluster = undefined
})

async function voteFor(c: TestCluster, candidateId: string): Promise<RequestVoteReply> {
  const args = { term: 1000, candidateId, lastLogIndex: 0, lastLogTerm: 0 }
  return (await postJson(c.node('n1').address, '/raft/vote', args, 2000)).body as RequestVoteReply
}

/** n1 votes for n2 in term 1000, is SIGKILLed and restarted, then n3 asks for the same term. */
async function votesTwice(bug?: string): Promise<boolean> {
  cluster = await TestCluster.start(3, { only: ['n1'], ...(bug ? { bug } : {}) })
  await cluster.waitForStatus('n1', () => true)
  expect(await voteFor(cluster, 'n2')).toEqual({ term: 1000, voteGranted: true })
  await cluster.restart('n1')
  await cluster.waitForStatus('n1', () => true)
  const second = await voteFor(cluster, 'n3')
  expect(second.term).toBe(1000) // no election of its own got in between
  return second.voteGranted
}

describe('bug no-vote-persist', () => {
  it('votes twice in one term across a restart under --bug no-vote-persist', async () => {
    expect(await votesTwice('no-vote-persist')).toBe(true)
  })

  it('remembers its vote across a restart without the bug', async () => {
    expect(await votesTwice()).toBe(false)
  })
})
