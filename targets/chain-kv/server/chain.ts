/**
 * One chain-replication server (van Renesse & Schneider, OSDI 2004): the data
 * path. Writes enter at the head, which orders them (seq) and evaluates them;
 * each node applies an update durably and forwards it to its successor; the
 * tail's acknowledgements flow back up (explicit acks, and piggybacked on
 * forward replies) and prune each node's Sent list; the head answers the client
 * once the tail holds the update. Reads are answered by the tail.
 *
 * Configurations come from the master (master.ts) with an epoch. Fencing: a
 * node takes chain messages only from its neighbours in its own epoch, and it
 * serves clients (head: writes, tail: reads) only while it holds a lease: at
 * most `leaseMs` from a heartbeat reply of ours that the master received and
 * echoed back (the master waits longer, `failMs`, after the last reply it
 * received before it removes a silent node). Heartbeats of an epoch older than
 * one we have seen are ignored.
 */
import { performance } from 'node:perf_hooks'
import { Agent } from 'node:http'
import { randomUUID } from 'node:crypto'
import type { Logger } from '../../server-kit/logger.js'
import { KvMap, type KvResult, type MicroOp } from '../../server-kit/kv-store.js'
import type { KvError } from '../../server-kit/replies.js'
import { postJson } from '../../server-kit/rpc.js'
import type { BugName } from './bugs.js'
import type {
  AckArgs,
  ChainConfig,
  ChainReply,
  ForwardArgs,
  HeartbeatArgs,
  HeartbeatReply,
  KvReply,
  Operation,
  Role,
  SnapshotArgs,
  Status,
  Update,
} from './messages.js'
import { ackTargetOf, headOf, isNamed, predecessorOf, roleOf, successorOf, tailOf } from './reconfig.js'
import type { Storage } from './storage.js'

export interface ChainOptions {
  id: string
  /** id → host:port of every server. */
  addresses: ReadonlyMap<string, string>
  leaseMs: number
  requestTimeoutMs: number
  bug: BugName | null
  /** Compact the update file past this many lines. */
  compactEvery?: number
  /** The master replica's state for /status. */
  masterStatus?: () => Status['master']
}

/** Most updates in one forward request. */
const MAX_BATCH = 500
/** How long a neighbour may take to answer a chain message before we retry. */
const RPC_TIMEOUT_MS = 1000
const RETRY_MS = 50

/** Chain messages between nodes: their own pool, so client traffic never queues behind them. */
const chainAgent = new Agent({ keepAlive: true, maxSockets: 4 })

interface Waiter {
  result: KvResult
  resolve(reply: KvReply): void
  timer: NodeJS.Timeout
}

/** Forwarding to one successor in one epoch; at most one request in flight. */
interface Link {
  peer: string
  epoch: number
  /** The successor's next missing seq, once it told us (null: ask first). */
  nextSeq: number | null
  /** The successor gets our whole state first (a joining node, or one behind our log). */
  snapshot: boolean
  inflight: boolean
  again: boolean
  retry: NodeJS.Timeout | undefined
}

export class ChainNode {
  private config: ChainConfig = { epoch: 0, chain: [], joining: null }
  /** The master told us of a newer epoch that does not name us: we were removed. */
  private removed = false
  private readonly store = new KvMap()
  private seq = 0
  /** The tail holds every update up to here. */
  private ackedSeq = 0
  /** Applied updates still kept in memory, seq ascending: the Sent list (seq > ackedSeq) and what a lagging successor may still need. */
  private log: Update[] = []
  /** We hold everything our predecessor had when the current epoch began (see handleForward). */
  private synced = false
  private leaseUntil = -Infinity
  /** Names this process in lease stamps (see HeartbeatArgs.lease). */
  private readonly boot = randomUUID()
  /** The newest epoch any master told us of: heartbeats of older epochs are stale messages. */
  private masterEpoch = 0
  private readonly waiters = new Map<number, Waiter>()
  private link: Link | null = null
  private ack = { peer: null as string | null, epoch: 0, sent: 0, inflight: false }
  private flushWaiters: (() => void)[] = []
  private flushScheduled = false
  private tickTimer: NodeJS.Timeout | undefined
  private stopped = false
  private readonly fenced: boolean

  constructor(
    private readonly options: ChainOptions,
    private readonly storage: Storage,
    private readonly logger: Logger,
  ) {
    this.fenced = options.bug !== 'no-fence'
  }

  get id(): string {
    return this.options.id
  }

  /** Recovery from the data folder: the configuration, the store and the retained updates. */
  start(): void {
    const r = this.storage.load()
    if (r.config) this.config = r.config
    if (r.snapshot) {
      this.store.restore(r.snapshot.kv)
      this.seq = r.snapshot.seq
    }
    for (const u of r.updates) {
      if (u.seq === this.seq + 1) {
        this.store.apply(u.operation)
        this.seq = u.seq
      }
      if (u.seq <= this.seq) this.log.push(u)
    }
    this.synced = predecessorOf(this.config, this.id) === null
    this.masterEpoch = this.config.epoch
    if (this.role === 'tail') this.ackedSeq = this.seq
    this.logger.info(`start epoch=${this.config.epoch} chain=${this.config.chain.join(',')} seq=${this.seq} retained=${this.log.length}`)
    // Retries of forwards and acks that failed, and of links idle after a config change.
    this.tickTimer = setInterval(() => {
      this.pump()
      this.sendAck()
    }, 100)
  }

  stop(): void {
    this.stopped = true
    clearInterval(this.tickTimer)
    if (this.link) clearTimeout(this.link.retry)
    this.failWaiters('shutting-down')
    this.storage.close()
  }

  private get role(): Role {
    return this.removed ? 'standby' : roleOf(this.config, this.id)
  }
  private get isTail(): boolean {
    return !this.removed && tailOf(this.config) === this.id
  }
  private get leaseValid(): boolean {
    return !this.fenced || performance.now() < this.leaseUntil
  }

  status(): Status {
    return {
      id: this.id,
      role: this.role,
      epoch: this.config.epoch,
      chain: this.removed ? [] : this.config.chain,
      head: this.removed ? null : headOf(this.config),
      tail: this.removed ? null : tailOf(this.config),
      joining: this.config.joining,
      seq: this.seq,
      ackedSeq: this.ackedSeq,
      sent: this.log.filter((u) => u.seq > this.ackedSeq).length,
      synced: this.synced,
      lease: this.leaseValid,
      master: this.options.masterStatus?.() ?? { role: 'none', term: 0, leader: null },
      bug: this.options.bug,
    }
  }

  /** A refusal, with where the chain is (the client follows it). */
  refuse(error: KvError, message?: string): KvReply {
    const c = this.config
    return { ok: false, error, epoch: c.epoch, head: this.removed ? null : headOf(c), tail: this.removed ? null : tailOf(c), ...(message ? { message } : {}) }
  }

  // ---- clients ---------------------------------------------------------------------

  /**
   * A command (write, cas, append, add, incr, pop, transfer, a transaction): ordered and
   * evaluated here at the head, answered once the tail holds it, with the head's result.
   * A transaction's reads see the head's state, updates the tail does not hold yet
   * included; its ack comes after theirs (the tail holds a prefix), so the client hears
   * of it only once everything it read is at the tail too.
   */
  submit(operation: Operation): Promise<KvReply> {
    if (this.role !== 'head') return Promise.resolve(this.refuse('not-head'))
    if (!this.leaseValid) return Promise.resolve(this.refuse('unavailable', 'no lease from the master'))
    const update: Update = { seq: this.seq + 1, operation }
    const result = this.store.apply(operation)
    this.seq = update.seq
    this.log.push(update)
    this.storage.append([update])
    this.scheduleFlush()
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(update.seq)
        resolve(this.refuse('timeout', `not acknowledged by the tail within ${this.options.requestTimeoutMs} ms`))
      }, this.options.requestTimeoutMs)
      this.waiters.set(update.seq, { result, resolve, timer })
    })
  }

  /** A read of one key, answered by the tail from its applied (and durable) state. */
  read(key: unknown): Promise<KvReply> {
    return this.query(() => this.store.read(key))
  }

  /** A read of several keys at one moment (updates apply whole, between reads), answered by the tail. */
  readMany(keys: readonly unknown[]): Promise<KvReply> {
    return this.query(() => this.store.readMany(keys))
  }

  /** A transaction of reads only, answered by the tail: every read at one moment (updates apply whole, between reads). */
  readTxn(ops: readonly MicroOp[]): Promise<KvReply> {
    return this.query(() => {
      const r = this.store.previewTxn(ops)
      return r.ok ? r.value : null
    })
  }

  private async query(value: () => unknown): Promise<KvReply> {
    await this.flushed()
    if (this.options.bug === 'read-any') return { ok: true, value: value() }
    if (!this.isTail) return this.refuse('not-tail')
    if (!this.synced) return this.refuse('unavailable', 'new tail still receiving its predecessor\'s updates')
    if (!this.leaseValid) return this.refuse('unavailable', 'no lease from the master')
    return { ok: true, value: value() }
  }

  /** Group commit: every update the head took in this turn of the event loop shares one fsync. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    setImmediate(() => {
      this.flushScheduled = false
      if (this.stopped) return
      this.storage.flush()
      const done = this.flushWaiters
      this.flushWaiters = []
      for (const f of done) f()
      if (this.options.bug === 'early-ack') {
        // Bug early-ack: durable at the head is taken for committed.
        for (const [seq, w] of this.waiters) this.finish(seq, w)
      }
      if (this.isTail) this.advanceAck(this.seq) // a chain of one
      this.maybeCompact()
      this.pump()
    })
  }

  private flushed(): Promise<void> {
    if (!this.flushScheduled) return Promise.resolve()
    return new Promise((resolve) => this.flushWaiters.push(resolve))
  }

  private finish(seq: number, w: Waiter): void {
    clearTimeout(w.timer)
    this.waiters.delete(seq)
    w.resolve(w.result.ok ? { ok: true, value: w.result.value } : this.refuse(w.result.error, w.result.message))
  }

  private failWaiters(error: KvError): void {
    for (const [seq, w] of this.waiters) {
      clearTimeout(w.timer)
      this.waiters.delete(seq)
      w.resolve(this.refuse(error))
    }
  }

  // ---- configuration (from the master) ------------------------------------------------

  handleHeartbeat(args: HeartbeatArgs): HeartbeatReply {
    // A heartbeat from before an epoch we already know of (delayed in the network, or queued
    // while we were paused) says nothing about now: it must neither revive a removed node
    // nor renew a lease.
    if (this.fenced && args.epoch < this.masterEpoch) return this.heartbeatReply()
    this.masterEpoch = Math.max(this.masterEpoch, args.epoch)
    const c = args.config
    if (c && (!this.fenced || c.epoch > this.config.epoch)) this.adopt(c)
    if (args.epoch === this.config.epoch && isNamed(this.config, this.id)) {
      this.removed = false
      // The lease runs from our stamp that the master echoes, i.e. from a reply it received
      // (and counted as lastSeen), never from when this message happened to arrive.
      const l = args.lease
      if (!this.fenced) this.leaseUntil = performance.now() + this.options.leaseMs
      else if (l && l.boot === this.boot && l.at <= performance.now()) this.leaseUntil = Math.max(this.leaseUntil, l.at + this.options.leaseMs)
    } else if (this.fenced && args.epoch > this.config.epoch && !this.removed) {
      // A newer configuration that the master did not send us: we are out of the chain.
      this.logger.info(`removed: master ${args.master} is at epoch ${args.epoch}, we were at ${this.config.epoch}`)
      this.removed = true
      this.leaseUntil = -Infinity
      this.failWaiters('reconfigured')
      this.link = null
    }
    return this.heartbeatReply()
  }

  private heartbeatReply(): HeartbeatReply {
    return { id: this.id, epoch: this.config.epoch, seq: this.seq, role: this.role, synced: this.synced, lease: { boot: this.boot, at: performance.now() } }
  }

  private adopt(c: ChainConfig): void {
    if (JSON.stringify(c) === JSON.stringify(this.config)) return
    const before = this.role
    this.config = c
    this.removed = false
    this.storage.saveConfig(c)
    this.synced = predecessorOf(c, this.id) === null
    this.logger.info(`epoch ${c.epoch}: chain=${c.chain.join(',')} joining=${c.joining ?? '-'} role=${this.role}`)
    // Clients waiting at a former head never hear of their update again: its acks now go elsewhere.
    if (before === 'head' && this.role !== 'head') this.failWaiters('reconfigured')
    // A new tail: everything we hold is at every member (each holds a prefix of its predecessor's updates).
    if (this.isTail) this.advanceAck(this.seq)
    this.pump()
    this.sendAck()
  }

  /**
   * Fencing of chain messages: only from our neighbour, in our epoch. A message
   * from a newer epoch means we have not heard of it yet: the sender retries.
   */
  private checkNeighbour(epoch: number, from: string, expected: string | null): ChainReply | null {
    if (!this.fenced) return null
    const c = this.config
    if (epoch < c.epoch) return { ok: false, error: 'stale-epoch', epoch: c.epoch, seq: this.seq }
    if (epoch > c.epoch) return { ok: false, error: 'future-epoch', epoch: c.epoch, seq: this.seq }
    if (this.removed || expected !== from) return { ok: false, error: 'not-neighbour', epoch: c.epoch, seq: this.seq }
    return null
  }

  // ---- receiving from the predecessor ----------------------------------------------------

  handleForward(args: ForwardArgs): ChainReply & { acked?: number } {
    const refused = this.checkNeighbour(args.epoch, args.from, predecessorOf(this.config, this.id))
    if (refused) return refused
    const first = args.updates[0]
    if (first && first.seq > this.seq + 1) return { ok: false, error: 'gap', epoch: this.config.epoch, seq: this.seq }
    const applied: Update[] = []
    for (const u of args.updates) {
      if (u.seq !== this.seq + 1) continue // already held: a resent Sent list after a reconfiguration
      this.store.apply(u.operation)
      this.seq = u.seq
      this.log.push(u)
      applied.push(u)
    }
    if (applied.length > 0) {
      this.storage.append(applied)
      this.storage.flush() // durable before we pass it on or acknowledge it
    }
    if (this.seq >= args.upTo) this.synced = true
    if (this.isTail) this.advanceAck(this.seq)
    this.maybeCompact()
    this.pump()
    return { ok: true, seq: this.seq, acked: this.ackedSeq }
  }

  handleSnapshot(args: SnapshotArgs): ChainReply {
    const refused = this.checkNeighbour(args.epoch, args.from, predecessorOf(this.config, this.id))
    if (refused) return refused
    this.store.restore(args.kv)
    this.seq = args.seq
    this.log = []
    this.ackedSeq = Math.min(this.ackedSeq, args.seq)
    this.storage.saveSnapshot(args.seq, args.kv, [])
    this.synced = true
    this.logger.info(`installed state at seq ${args.seq} from ${args.from} (epoch ${args.epoch})`)
    if (this.isTail) this.advanceAck(this.seq)
    this.pump()
    return { ok: true, seq: this.seq }
  }

  // ---- acknowledgements (tail → head) ----------------------------------------------------------

  handleAck(args: AckArgs): ChainReply {
    const refused = this.checkNeighbour(args.epoch, args.from, successorOf(this.config, this.id))
    if (refused) return refused
    this.advanceAck(args.seq)
    return { ok: true, seq: this.seq }
  }

  /** The tail holds every update up to `seq`: prune the Sent list, answer clients, tell the predecessor. */
  private advanceAck(seq: number): void {
    const upTo = Math.min(seq, this.seq)
    if (upTo <= this.ackedSeq) return
    this.ackedSeq = upTo
    for (const [s, w] of this.waiters) if (s <= upTo) this.finish(s, w)
    // Keep what a lagging successor still needs, and only the Sent list beyond that.
    const keepFrom = Math.min(upTo + 1, this.link?.nextSeq ?? Infinity)
    const drop = this.log.findIndex((u) => u.seq >= keepFrom)
    this.log = drop < 0 ? [] : this.log.slice(drop)
    this.sendAck()
  }

  private sendAck(): void {
    if (this.stopped || this.removed) return
    const peer = ackTargetOf(this.config, this.id)
    if (peer === null || this.ack.inflight) return
    const epoch = this.config.epoch
    if (this.ack.peer === peer && this.ack.epoch === epoch && this.ack.sent >= this.ackedSeq) return
    const seq = this.ackedSeq
    this.ack.inflight = true
    const args: AckArgs = { epoch, from: this.id, seq }
    this.call<ChainReply>(peer, '/chain/ack', args).then(
      (reply) => {
        this.ack.inflight = false
        if (reply.ok) this.ack = { peer, epoch, sent: seq, inflight: false }
        else this.noteEpoch(reply)
        if (reply.ok && this.ackedSeq > seq) this.sendAck()
      },
      () => {
        this.ack.inflight = false // the tick retries
      },
    )
  }

  // ---- forwarding to the successor ------------------------------------------------------------

  /** Sends the successor what it lacks, one request at a time. */
  private pump(): void {
    if (this.stopped || this.flushScheduled) return // the flush calls us again
    const peer = this.removed ? null : successorOf(this.config, this.id)
    if (peer === null) {
      this.link = null
      return
    }
    const epoch = this.config.epoch
    let link = this.link
    if (!link || link.peer !== peer || link.epoch !== epoch) {
      if (link) clearTimeout(link.retry)
      // Paper, section 3: a joining node is first given the tail's whole state.
      link = this.link = { peer, epoch, nextSeq: null, snapshot: peer === this.config.joining, inflight: false, again: false, retry: undefined }
    }
    if (link.inflight || link.retry) {
      link.again = true
      return
    }
    const l = link
    let path: string
    let body: ForwardArgs | SnapshotArgs
    if (l.nextSeq !== null && !l.snapshot && l.nextSeq <= this.seq && (this.log[0]?.seq ?? Infinity) > l.nextSeq) l.snapshot = true
    if (l.snapshot) {
      path = '/chain/snapshot'
      body = { epoch, from: this.id, seq: this.seq, kv: this.store.entries() }
    } else if (l.nextSeq === null || l.nextSeq <= this.seq) {
      const at = l.nextSeq === null ? -1 : this.log.findIndex((u) => u.seq >= l.nextSeq!)
      const updates = at < 0 ? [] : this.log.slice(at, at + MAX_BATCH)
      path = '/chain/forward'
      body = { epoch, from: this.id, updates, upTo: this.seq }
    } else {
      return // the successor holds everything we have
    }
    l.inflight = true
    l.again = false
    const sentSnapshot = l.snapshot
    const retryLater = (ms: number): void => {
      l.retry = setTimeout(() => {
        l.retry = undefined
        this.pump()
      }, ms)
    }
    this.call<ChainReply & { acked?: number }>(peer, path, body).then(
      (reply) => {
        l.inflight = false
        if (this.link !== l || this.stopped) return
        if (reply.ok) {
          l.nextSeq = reply.seq + 1
          if (sentSnapshot) l.snapshot = false
          // The successor's view of the tail, piggybacked: it holds a prefix of ours, so it applies to us.
          if (reply.acked !== undefined) this.advanceAck(reply.acked)
          this.pump()
        } else if (reply.error === 'gap') {
          l.nextSeq = reply.seq + 1
          this.pump()
        } else {
          this.noteEpoch(reply)
          retryLater(RETRY_MS)
        }
      },
      () => {
        l.inflight = false
        if (this.link === l) retryLater(RETRY_MS * 2) // unreachable: retry until the master reconfigures
      },
    )
  }

  /** A neighbour is in a newer epoch: stop serving until the master tells us about it. */
  private noteEpoch(reply: ChainReply): void {
    if (!reply.ok && reply.error === 'stale-epoch' && this.fenced) this.leaseUntil = -Infinity
  }

  private maybeCompact(): void {
    if (this.storage.lines < (this.options.compactEvery ?? 2000)) return
    this.storage.saveSnapshot(this.seq, this.store.entries(), this.log.filter((u) => u.seq > this.ackedSeq))
  }

  private async call<T>(peer: string, path: string, body: unknown): Promise<T> {
    const address = this.options.addresses.get(peer)
    if (!address) throw new Error(`no address for ${peer}`)
    const res = await postJson(address, path, body, RPC_TIMEOUT_MS, { agent: chainAgent })
    if (res.status !== 200) throw new Error(`${peer}${path}: HTTP ${res.status}`)
    return res.body as T
  }
}
