/**
 * Bug lease-read: a leader cut off from its peers, whose wall clock steps back,
 * keeps answering reads from its lease after the others elected a new leader
 * and committed a write. The correct server confirms every read with a
 * heartbeat round (ReadIndex) and so never answers the old value.
 *
 * The partition is SIMULATED: loopback cannot be partitioned without root
 * iptables, and a paused (SIGSTOP) leader would see the new leader's queued
 * AppendEntries in a racy order on resume. So three real RaftNodes (real
 * storage in temp folders, real timers) run in this process over an in-memory
 * transport that drops every message to or from a cut node, and the cut
 * node's wall clock is stepped back 30 s, as libfaketime does in a Docker run.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { BugName } from '../../../../targets/raft-kv/server/bugs.js'
import type { KvReply } from '../../../../targets/raft-kv/server/messages.js'
import { RaftNode, type PeerTransport } from '../../../../targets/raft-kv/server/raft.js'
import { Storage } from '../../../../targets/raft-kv/server/storage.js'
import { sleep } from './cluster.js'

const IDS = ['n1', 'n2', 'n3']

class SimulatedNetwork {
  readonly nodes = new Map<string, RaftNode>()
  readonly cut = new Set<string>()

  transportFrom(from: string): PeerTransport {
    const deliver = <T>(to: string, call: (n: RaftNode) => T): Promise<T> =>
      new Promise((resolve, reject) =>
        setImmediate(() => {
          const node = this.nodes.get(to)
          if (!node || this.cut.has(from) || this.cut.has(to)) setTimeout(() => reject(new Error('dropped')), 100)
          else resolve(call(node))
        }),
      )
    return {
      requestVote: (to, args) => deliver(to, (n) => n.handleRequestVote(args)),
      appendEntries: (to, args) => deliver(to, (n) => n.handleAppendEntries(args)),
      installSnapshot: (to, args) => deliver(to, (n) => n.handleInstallSnapshot(args)),
    }
  }
}

let cleanup: (() => void) | undefined
afterEach(() => {
  cleanup?.()
  cleanup = undefined
})

async function leaderOf(net: SimulatedNetwork, among: readonly string[]): Promise<RaftNode> {
  for (let i = 0; i < 200; i++) {
    const leader = among.map((id) => net.nodes.get(id)!).find((n) => n.isLeader)
    if (leader) return leader
    await sleep(20)
  }
  throw new Error(`no leader among ${among.join(', ')}`)
}

async function readFromCutOffLeader(bug: BugName | null, skewMs = -30_000): Promise<KvReply> {
  const dir = mkdtempSync(join(tmpdir(), 'raft-kv-lease-'))
  const net = new SimulatedNetwork()
  const skew = new Map<string, number>()
  const storages: Storage[] = []
  for (const id of IDS) {
    const storage = new Storage(join(dir, id), { persistVote: true })
    storages.push(storage)
    const options = {
      id,
      peers: IDS.filter((p) => p !== id),
      electionMs: { min: 300, max: 600 },
      heartbeatMs: 50,
      snapshotEvery: 1000,
      maxBatch: 100,
      requestTimeoutMs: 3000,
      bug,
      wallClock: () => Date.now() + (skew.get(id) ?? 0),
    }
    net.nodes.set(id, new RaftNode(options, storage, net.transportFrom(id), { info: () => undefined }))
  }
  cleanup = () => {
    for (const n of net.nodes.values()) n.stop()
    for (const s of storages) s.close()
    rmSync(dir, { recursive: true, force: true })
  }
  for (const n of net.nodes.values()) n.start()

  const old = await leaderOf(net, IDS)
  expect(await old.propose({ op: 'write', key: 'x', value: 'old' })).toEqual({ ok: true })
  await sleep(100) // a few heartbeat rounds: the lease is fresh

  net.cut.add(old.id)
  skew.set(old.id, skewMs)
  const next = await leaderOf(net, IDS.filter((id) => id !== old.id))
  expect(await next.propose({ op: 'write', key: 'x', value: 'new' })).toEqual({ ok: true })
  return old.read('x')
}

describe('bug lease-read (in-process cluster, simulated partition)', () => {
  it('a cut-off leader whose clock stepped back serves a stale read under --bug lease-read', async () => {
    expect(await readFromCutOffLeader('lease-read')).toEqual({ ok: true, value: 'old' })
  })

  it('lets the lease run out before a new leader can exist when clocks agree, even under the bug', async () => {
    expect(await readFromCutOffLeader('lease-read', 0)).toMatchObject({ ok: false, error: 'not-leader' })
  })

  it('never serves the stale value without the bug', async () => {
    const reply = await readFromCutOffLeader(null)
    expect(reply).toMatchObject({ ok: false, error: 'not-leader' })
  })
})
