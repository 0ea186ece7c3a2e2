/**
 * RaftKvClient against a real cluster: the register and txn operations, and
 * the outcome rules (no answer → info, never fail; a read, which changes
 * nothing, is never info).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Invocation } from '../../../../core/generator/types.js'
import { RaftKvClient } from '../../../../targets/raft-kv/client.js'
import { sleep, TestCluster } from './cluster.js'

let cluster: TestCluster
const clients: RaftKvClient[] = []
beforeAll(async () => {
  cluster = await TestCluster.start(3)
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await cluster?.close()
})

function clientFor(id: string): RaftKvClient {
  const c = new RaftKvClient({ node: id, address: cluster.node(id).address })
  clients.push(c)
  return c
}
const inv = (f: string, value: unknown): Invocation => ({ type: 'invoke', f, value, process: 0, time: 0 })
const never = new AbortController().signal

describe('RaftKvClient', () => {
  it('performs register operations on independent keys', async () => {
    await cluster.waitForLeader()
    const c = clientFor('n1')
    expect(await c.invoke(inv('read', [1, null]), never)).toEqual({ type: 'ok', value: [1, null], node: 'n1' })
    expect(await c.invoke(inv('write', [1, 3]), never)).toEqual({ type: 'ok', value: [1, 3], node: 'n1' })
    expect(await c.invoke(inv('read', [1, null]), never)).toEqual({ type: 'ok', value: [1, 3], node: 'n1' })
    expect(await c.invoke(inv('cas', [1, [2, 4]]), never)).toEqual({ type: 'fail', value: [1, [2, 4]], node: 'n1', error: 'cas-mismatch' })
    expect(await c.invoke(inv('cas', [1, [3, 4]]), never)).toEqual({ type: 'ok', value: [1, [3, 4]], node: 'n1' })
    expect(await c.invoke(inv('read', [2, null]), never)).toMatchObject({ type: 'ok', value: [2, null] })
  })

  it('runs transactions and fills in their reads', async () => {
    const c = clientFor('n2')
    const ops = [['append', 'x', 1], ['r', 'x', null], ['w', 'y', 2], ['r', 'y', null]]
    expect(await c.invoke(inv('txn', ops), never)).toEqual({
      type: 'ok',
      value: [['append', 'x', 1], ['r', 'x', [1]], ['w', 'y', 2], ['r', 'y', 2]],
      node: 'n2',
    })
  })

  it('fails operations it cannot express without sending anything', async () => {
    const c = clientFor('n1')
    expect(await c.invoke(inv('add', 1), never)).toMatchObject({ type: 'fail' })
    expect(await c.invoke(inv('cas', [1, 2]), never)).toMatchObject({ type: 'fail' })
  })

  it('answers info when the server dies mid-request (SIGKILL)', async () => {
    const leader = await cluster.waitForLeader()
    const victim = ['n1', 'n2', 'n3'].find((id) => id !== leader)!
    const c = clientFor(victim)
    expect(await c.invoke(inv('write', [5, 1]), never)).toMatchObject({ type: 'ok' }) // a warm keep-alive socket
    cluster.pause(victim) // the request reaches the socket but nobody answers it
    const pending = c.invoke(inv('write', [5, 2]), never)
    await sleep(200)
    await cluster.kill(victim)
    const done = await pending
    expect(done.type).toBe('info')
    expect(done.node).toBe(victim)
    cluster.startNode(victim)
    await cluster.waitForStatus(victim, (s) => s.leader !== null)
  })

  it('answers fail for a read whose node died mid-request: a read changes nothing', async () => {
    const leader = await cluster.waitForLeader()
    const victim = ['n1', 'n2', 'n3'].find((id) => id !== leader)!
    const c = clientFor(victim)
    expect(await c.invoke(inv('read', [5, null]), never)).toMatchObject({ type: 'ok' })
    cluster.pause(victim)
    const pending = c.invoke(inv('read', [5, null]), never)
    await sleep(200)
    await cluster.kill(victim)
    expect(await pending).toMatchObject({ type: 'fail', node: victim, error: `connection to ${victim} refused` })
    cluster.startNode(victim)
    await cluster.waitForStatus(victim, (s) => s.leader !== null)
  })

  it('answers info when the runner aborts a request that got no answer', async () => {
    const leader = await cluster.waitForLeader()
    const victim = ['n1', 'n2', 'n3'].find((id) => id !== leader)!
    const c = clientFor(victim)
    cluster.pause(victim)
    try {
      const done = await c.invoke(inv('cas', [5, [2, 3]]), AbortSignal.timeout(300))
      expect(done).toMatchObject({ type: 'info', error: 'aborted: no answer in time' })
    } finally {
      cluster.resume(victim)
    }
  })

  it('answers fail when the connection is refused: the request never left', async () => {
    const c = new RaftKvClient({ node: 'nx', address: '127.0.0.1:1' })
    clients.push(c)
    expect(await c.invoke(inv('write', [1, 1]), never)).toMatchObject({ type: 'fail', error: 'connection to nx refused' })
  })
})
