/**
 * Bug lease-read: a leader cut off from its peers, whose wall clock steps back,
 * keeps answering reads from its lease after the others elected a new leader
 * and committed a write. The correct server confirms every read with a
 * heartbeat round (ReadIndex) and so never answers the old value.
 *
 * The partition is SIMULATED: loopback cannot be partitioned without root
 * iptables, and a paused (SIGSTOP) leader would see the new leader's queued
 * AppendEntries in a racy order on resume. So three real Raft servers of the
 * library with raft-kv's state machine (real storage in temp folders, real
 * timers) run in this process over an in-memory transport that drops every
 * message to or from a cut node (../server-kit/raft/in-process.ts), and the
 * cut node's wall clock is stepped back 30 s, as libfaketime does in a Docker
 * run. The bug is the library's `leaseReads` option, which raft-kv's main
 * sets for --bug lease-read.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Command, KvReply } from '../../../../targets/raft-kv/server/messages.js'
import { proposeKv, readKv } from '../../../../targets/raft-kv/server/routes.js'
import { KvStateMachine, type ApplyResult } from '../../../../targets/raft-kv/server/state-machine.js'
import { InProcessCluster } from '../server-kit/raft/in-process.js'

const IDS = ['n1', 'n2', 'n3']

let cluster: InProcessCluster<Command, ApplyResult, KvStateMachine> | undefined
afterEach(() => {
  cluster?.close()
  cluster = undefined
})

/** The old leader's answer to a read, once it is cut off, its clock moved by `skewMs` and a new leader wrote. */
async function readFromCutOffLeader(leaseReads: boolean, skewMs = -30_000): Promise<KvReply> {
  const skew = new Map<string, number>()
  const options = (id: string) => ({
    electionMs: { min: 300, max: 600 },
    heartbeatMs: 50,
    leaseReads,
    wallClock: () => Date.now() + (skew.get(id) ?? 0),
  })
  const c = (cluster = new InProcessCluster(IDS, () => new KvStateMachine(), options))
  const old = await c.leader()
  expect(await proposeKv(old.node, { op: 'write', key: 'x', value: 'old' })).toEqual({ ok: true })
  await new Promise((r) => setTimeout(r, 100)) // a few heartbeat rounds: the lease is fresh

  c.cut.add(old.id)
  skew.set(old.id, skewMs)
  const next = await c.leader(IDS.filter((id) => id !== old.id))
  expect(await proposeKv(next.node, { op: 'write', key: 'x', value: 'new' })).toEqual({ ok: true })
  return readKv(old.node, old.sm, 'x')
}

describe('bug lease-read (in-process cluster, simulated partition)', () => {
  it('a cut-off leader whose clock stepped back serves a stale read under --bug lease-read', async () => {
    expect(await readFromCutOffLeader(true)).toEqual({ ok: true, value: 'old' })
  })

  it('lets the lease run out before a new leader can exist when clocks agree, even under the bug', async () => {
    expect(await readFromCutOffLeader(true, 0)).toMatchObject({ ok: false, error: 'not-leader' })
  })

  it('never serves the stale value without the bug', async () => {
    const reply = await readFromCutOffLeader(false)
    expect(reply).toMatchObject({ ok: false, error: 'not-leader' })
  })
})
