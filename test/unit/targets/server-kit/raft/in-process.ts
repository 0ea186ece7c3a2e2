/**
 * Raft servers of the library in this process, for tests: real RaftNodes with
 * real storage in a temporary folder and real timers, talking over an
 * in-memory transport instead of HTTP. The transport is SIMULATED so that a
 * partition can be cut exactly (loopback cannot be partitioned without root
 * iptables): a message to or from a cut server is dropped, as a partition
 * drops it, and the caller sees the failure after 100 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { StateMachine } from '../../../../../targets/server-kit/raft/messages.js'
import { RaftNode, type PeerTransport, type RaftOptions } from '../../../../../targets/server-kit/raft/raft.js'
import { RaftStorage, type StorageOptions } from '../../../../../targets/server-kit/raft/storage.js'

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export interface Member<C, R, S extends StateMachine<C, R>> {
  id: string
  node: RaftNode<C, R>
  sm: S
  storage: RaftStorage<C>
}

export class InProcessCluster<C, R, S extends StateMachine<C, R>> {
  readonly members = new Map<string, Member<C, R, S>>()
  /** Servers whose every message is dropped. */
  readonly cut = new Set<string>()
  readonly dir = mkdtempSync(join(tmpdir(), 'raft-in-process-'))

  constructor(
    readonly ids: readonly string[],
    private readonly makeStateMachine: () => S,
    private readonly options: (id: string) => Partial<RaftOptions> & { storage?: StorageOptions } = () => ({}),
  ) {
    for (const id of ids) this.add(id)
  }

  /** (Re)creates server `id` from its data folder and starts it. */
  add(id: string): Member<C, R, S> {
    const { storage: storageOptions, ...own } = this.options(id)
    const storage = new RaftStorage<C>(join(this.dir, id), storageOptions ?? { persistVote: true })
    const sm = this.makeStateMachine()
    const options: RaftOptions = {
      id,
      peers: this.ids.filter((p) => p !== id),
      electionMs: { min: 150, max: 300 },
      heartbeatMs: 30,
      snapshotEvery: 1000,
      maxBatch: 100,
      requestTimeoutMs: 3000,
      ...own,
    }
    const member = { id, node: new RaftNode(options, sm, storage, this.transportFrom(id), { info: () => undefined }), sm, storage }
    this.members.set(id, member)
    member.node.start()
    return member
  }

  member(id: string): Member<C, R, S> {
    const m = this.members.get(id)
    if (!m) throw new Error(`no server ${id}`)
    return m
  }

  /** Stops server `id` as a crash would leave it: nothing more is written. */
  crash(id: string): void {
    const m = this.member(id)
    m.node.stop()
    m.storage.close()
    this.members.delete(id)
  }

  /** The leader among `among` (all by default), once there is one. */
  async leader(among: readonly string[] = this.ids, timeoutMs = 5000): Promise<Member<C, R, S>> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const leader = among.map((id) => this.members.get(id)).find((m) => m?.node.isLeader)
      if (leader) return leader
      await sleep(10)
    }
    throw new Error(`no leader among ${among.join(', ')} within ${timeoutMs} ms`)
  }

  close(): void {
    for (const id of [...this.members.keys()]) this.crash(id)
    rmSync(this.dir, { recursive: true, force: true })
  }

  private transportFrom(from: string): PeerTransport<C> {
    const deliver = <T>(to: string, call: (n: RaftNode<C, R>) => T): Promise<T> =>
      new Promise((resolve, reject) =>
        setImmediate(() => {
          const target = this.members.get(to)
          if (!target || this.cut.has(from) || this.cut.has(to)) setTimeout(() => reject(new Error('dropped')), 100)
          else resolve(call(target.node))
        }),
      )
    return {
      requestVote: (to, args) => deliver(to, (n) => n.handleRequestVote(args)),
      appendEntries: (to, args) => deliver(to, (n) => n.handleAppendEntries(args)),
      installSnapshot: (to, args) => deliver(to, (n) => n.handleInstallSnapshot(args)),
    }
  }
}
