/** The master's reconfiguration rules and the chain's neighbour relations, as pure functions. */
import { describe, expect, it } from 'vitest'
import type { ChainConfig, HeartbeatReply } from '../../../../targets/chain-kv/server/messages.js'
import {
  ackTargetOf,
  headOf,
  initialConfig,
  nextConfig,
  predecessorOf,
  roleOf,
  successorOf,
  tailOf,
  type MasterView,
  type NodeView,
} from '../../../../targets/chain-kv/server/reconfig.js'

const NODES = ['n1', 'n2', 'n3', 'n4']
const FAIL = 1000
const REJOIN = 500

/** A view at time 10 000 where `dead` nodes were last seen long ago and the others just now. */
function view(dead: string[], extra: Partial<Record<string, Partial<NodeView>>> = {}): MasterView {
  const now = 10_000
  const views = new Map<string, NodeView>(
    NODES.map((id) => [
      id,
      { lastSeen: dead.includes(id) ? now - FAIL - 1 : now, aliveSince: dead.includes(id) ? null : now - 5000, reply: null, ...extra[id] },
    ]),
  )
  return { now, failMs: FAIL, rejoinMs: REJOIN, nodes: NODES, views }
}
const reply = (id: string, epoch: number, synced: boolean): HeartbeatReply => ({ id, epoch, seq: 7, role: 'standby', synced })
const cfg = (epoch: number, chain: string[], joining: string | null = null): ChainConfig => ({ epoch, chain, joining })

describe('chain roles and neighbours', () => {
  const c = cfg(3, ['n1', 'n2', 'n3'], 'n4')
  it('names head, middle, tail and standby', () => {
    expect(['n1', 'n2', 'n3', 'n4'].map((id) => roleOf(c, id))).toEqual(['head', 'middle', 'tail', 'standby'])
    expect([headOf(c), tailOf(c)]).toEqual(['n1', 'n3'])
    expect(roleOf(cfg(1, ['n2']), 'n2')).toBe('head')
  })
  it('forwards down the chain and from the tail to the joining node; acks go up, never from the joining node', () => {
    expect(['n1', 'n2', 'n3', 'n4'].map((id) => successorOf(c, id))).toEqual(['n2', 'n3', 'n4', null])
    expect(['n1', 'n2', 'n3', 'n4'].map((id) => predecessorOf(c, id))).toEqual([null, 'n1', 'n2', 'n3'])
    expect(['n1', 'n2', 'n3', 'n4'].map((id) => ackTargetOf(c, id))).toEqual([null, 'n1', 'n2', null])
  })
})

describe('nextConfig', () => {
  const full = initialConfig(['n1', 'n2', 'n3', 'n4'])
  it('starts with every node in order at epoch 1 and keeps a healthy chain', () => {
    expect(full).toEqual(cfg(1, ['n1', 'n2', 'n3', 'n4']))
    expect(nextConfig(full, view([]))).toBeNull()
  })
  it('removes a failed head, middle or tail in a new epoch', () => {
    expect(nextConfig(full, view(['n1']))).toEqual(cfg(2, ['n2', 'n3', 'n4']))
    expect(nextConfig(full, view(['n3']))).toEqual(cfg(2, ['n1', 'n2', 'n4']))
    expect(nextConfig(full, view(['n4']))).toEqual(cfg(2, ['n1', 'n2', 'n3']))
    expect(nextConfig(full, view(['n1', 'n4']))).toEqual(cfg(2, ['n2', 'n3']))
  })
  it('never removes the last member, which holds the only copy', () => {
    expect(nextConfig(full, view(['n1', 'n2', 'n3', 'n4']))).toBeNull()
    expect(nextConfig(cfg(5, ['n2']), view(['n1', 'n2', 'n3', 'n4']))).toBeNull()
  })
  it('does not remove a node that was silent for less than fail-ms', () => {
    const v = view([], { n2: { lastSeen: 10_000 - FAIL, aliveSince: null } })
    expect(nextConfig(full, v)).toBeNull()
  })
  it('starts the join of a node outside the chain only after it answered for rejoin-ms', () => {
    const c = cfg(4, ['n2', 'n3', 'n4'])
    expect(nextConfig(c, view([], { n1: { aliveSince: 10_000 - REJOIN + 1 } }))).toBeNull()
    expect(nextConfig(c, view([], { n1: { aliveSince: 10_000 - REJOIN } }))).toEqual(cfg(5, ['n2', 'n3', 'n4'], 'n1'))
    expect(nextConfig(c, view(['n1']))).toBeNull()
  })
  it('appends the joining node at the tail once it reports the state transfer done in this epoch', () => {
    const c = cfg(5, ['n2', 'n3', 'n4'], 'n1')
    expect(nextConfig(c, view([], { n1: { reply: reply('n1', 5, false) } }))).toBeNull()
    expect(nextConfig(c, view([], { n1: { reply: reply('n1', 4, true) } }))).toBeNull() // synced in an older epoch
    expect(nextConfig(c, view([], { n1: { reply: reply('n1', 5, true) } }))).toEqual(cfg(6, ['n2', 'n3', 'n4', 'n1']))
  })
  it('drops a joining node that fails, and removes failures before finishing a join', () => {
    expect(nextConfig(cfg(5, ['n2', 'n3'], 'n1'), view(['n1']))).toEqual(cfg(6, ['n2', 'n3'], null))
    expect(nextConfig(cfg(5, ['n2', 'n3'], 'n1'), view(['n3'], { n1: { reply: reply('n1', 5, true) } }))).toEqual(cfg(6, ['n2'], 'n1'))
  })
})
