/**
 * One Raft server (Ongaro & Ousterhout, extended version), generic over the
 * application's state machine: roles and terms, elections, log replication,
 * commitment, applying committed commands in log order, snapshots, and
 * linearizable reads through ReadIndex (thesis 6.4). The pure rules live in
 * election.ts, replication.ts and log.ts; this class owns the state, the
 * timers and the order of durable writes.
 *
 *   const node = new RaftNode(options, stateMachine, new RaftStorage(dir, { persistVote: true }), transport, logger)
 *   await node.propose(command)                  // { ok: true, value: stateMachine.apply(command) } once committed
 *   await node.read(() => stateMachine.get(key))  // evaluated once that is linearizable
 */
import { performance } from 'node:perf_hooks'
import type { Logger } from '../logger.js'
import { electionTimeout, grantVote, quorum } from './election.js'
import { RaftLog } from './log.js'
import type {
  AppendEntriesArgs,
  AppendEntriesReply,
  Entry,
  InstallSnapshotArgs,
  InstallSnapshotReply,
  RaftReply,
  RaftStatus,
  RequestVoteArgs,
  RequestVoteReply,
  Role,
  Snapshot,
  StateMachine,
} from './messages.js'
import { checkAppend, commitIndexFor, nextIndexAfterReject } from './replication.js'
import type { RaftStorage } from './storage.js'

/** How a node reaches its peers (HTTP in production, see peers.ts). */
export interface PeerTransport<C> {
  requestVote(peer: string, args: RequestVoteArgs): Promise<RequestVoteReply>
  appendEntries(peer: string, args: AppendEntriesArgs<C>): Promise<AppendEntriesReply>
  installSnapshot(peer: string, args: InstallSnapshotArgs): Promise<InstallSnapshotReply>
}

export interface RaftOptions {
  id: string
  /** The other servers' ids. */
  peers: readonly string[]
  electionMs: { min: number; max: number }
  heartbeatMs: number
  /** Take a snapshot once this many applied entries sit in the log. */
  snapshotEvery: number
  /** Most entries in one AppendEntries. */
  maxBatch: number
  /** A proposal not committed, or a read not confirmed, by then is answered 'timeout'. */
  requestTimeoutMs: number
  /**
   * Unsafe, for a deliberate bug mode (raft-kv's lease-read): the leader answers
   * reads locally while a wall-clock lease holds (the time a majority last
   * acknowledged it + the minimum election timeout, no margin for drift), and
   * judges its majority by that clock too. A clock stepped back or skewed lets
   * a deposed leader serve stale reads.
   */
  leaseReads?: boolean
  /** The wall clock (Date.now unless a test steps it); only lease reads look at it. */
  wallClock?: () => number
}

interface PeerState {
  nextIndex: number
  matchIndex: number
  inflight: boolean
  /** Send again as soon as the in-flight request returns. */
  again: boolean
  /** Highest heartbeat round this peer acknowledged in our term (ReadIndex). */
  ackedRound: number
  /** `leaderClock()` at the last answer in our term (check-quorum). */
  lastAck: number
  /** Date.now() at which the last acknowledged request was sent (lease reads only). */
  ackedSentAtWall: number
}

interface Proposal<R> {
  term: number
  resolve(reply: RaftReply<R>): void
  timer: NodeJS.Timeout
}

interface ReadWaiter {
  term: number
  /** Runs once the read is confirmed; its value is the answer. */
  query: () => unknown
  /** Set once the leader has committed an entry of its term. */
  readIndex: number | null
  round: number
  resolve(reply: RaftReply<unknown>): void
  timer: NodeJS.Timeout
}

export class RaftNode<C, R> {
  private currentTerm = 0
  private votedFor: string | null = null
  private role: Role = 'follower'
  private leaderId: string | null = null
  private log = new RaftLog<C>()
  private snapshot: Snapshot
  private commitIndex = 0
  private lastApplied = 0
  /** The last index this node holds durably (the leader counts itself with it). */
  private durableIndex = 0
  private readonly peers = new Map<string, PeerState>()
  private readonly proposals = new Map<number, Proposal<R>>()
  private reads: ReadWaiter[] = []
  private round = 0
  private votes = new Set<string>()
  private lastLeaderContact = -Infinity
  private electionTimer: NodeJS.Timeout | undefined
  private heartbeatTimer: NodeJS.Timeout | undefined
  private flushScheduled = false
  private stopped = false
  /**
   * The clock a leader judges its own authority by (check-quorum, lease). It is
   * the monotonic clock, except with lease reads, where the leader trusts
   * the wall clock for all of it: a clock stepped back keeps a deposed leader
   * convinced that its majority answered a moment ago.
   */
  private readonly leaderClock: () => number
  private readonly wallClock: () => number

  constructor(
    private readonly options: RaftOptions,
    private readonly sm: StateMachine<C, R>,
    private readonly storage: RaftStorage<C>,
    private readonly transport: PeerTransport<C>,
    private readonly logger: Logger,
  ) {
    this.wallClock = options.wallClock ?? Date.now
    this.leaderClock = options.leaseReads ? this.wallClock : () => performance.now()
    this.snapshot = { lastIncludedIndex: 0, lastIncludedTerm: 0, state: sm.snapshot() }
  }

  /** Restart recovery: term, vote, snapshot and log from disk. */
  start(): void {
    const r = this.storage.load()
    this.currentTerm = r.term
    this.votedFor = r.votedFor
    if (r.snapshot) {
      this.snapshot = r.snapshot
      this.sm.restore(r.snapshot.state)
    }
    this.log = new RaftLog(this.snapshot.lastIncludedIndex, this.snapshot.lastIncludedTerm, r.entries)
    this.commitIndex = this.lastApplied = this.snapshot.lastIncludedIndex
    this.durableIndex = this.log.lastIndex
    this.logger.info(`start term=${this.currentTerm} votedFor=${this.votedFor} snapshot=${this.log.snapshotIndex} last=${this.log.lastIndex}`)
    this.resetElectionTimer()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.electionTimer)
    clearInterval(this.heartbeatTimer)
    for (const p of this.proposals.values()) this.finish(p, { ok: false, error: 'shutting-down', leader: null })
    for (const w of this.reads) this.finishRead(w, { ok: false, error: 'not-leader', leader: null })
    this.proposals.clear()
    this.reads = []
  }

  get id(): string {
    return this.options.id
  }
  get isLeader(): boolean {
    return this.role === 'leader'
  }
  get leader(): string | null {
    return this.leaderId
  }

  status(): RaftStatus {
    return {
      id: this.options.id,
      role: this.role,
      term: this.currentTerm,
      leader: this.leaderId,
      commitIndex: this.commitIndex,
      lastApplied: this.lastApplied,
      lastLogIndex: this.log.lastIndex,
      snapshotIndex: this.log.snapshotIndex,
      logLength: this.log.length,
    }
  }

  // ---- terms and roles -------------------------------------------------------

  /** Any RPC with a higher term turns us into a follower of that term (Figure 2). */
  private observeTerm(term: number): void {
    if (term <= this.currentTerm) return
    this.logger.info(`term ${this.currentTerm} -> ${term}`)
    this.currentTerm = term
    this.votedFor = null
    this.storage.saveMeta(term, null)
    if (this.role !== 'follower') this.becomeFollower(null)
    this.leaderId = null
  }

  private becomeFollower(leader: string | null): void {
    if (this.role !== 'follower') this.logger.info(`follower in term ${this.currentTerm}`)
    this.role = 'follower'
    this.leaderId = leader
    clearInterval(this.heartbeatTimer)
    this.heartbeatTimer = undefined
    this.checkReads() // pending reads lose their leader
    this.resetElectionTimer()
  }

  private resetElectionTimer(): void {
    if (this.stopped) return
    clearTimeout(this.electionTimer)
    this.electionTimer = setTimeout(() => this.startElection(), electionTimeout(this.options.electionMs))
  }

  // ---- elections (5.2) -------------------------------------------------------

  private startElection(): void {
    if (this.stopped || this.role === 'leader') return
    this.currentTerm += 1
    this.role = 'candidate'
    this.leaderId = null
    this.votedFor = this.options.id
    this.storage.saveMeta(this.currentTerm, this.votedFor)
    this.votes = new Set([this.options.id])
    this.logger.info(`candidate in term ${this.currentTerm}`)
    this.resetElectionTimer()
    const term = this.currentTerm
    const args: RequestVoteArgs = { term, candidateId: this.options.id, lastLogIndex: this.log.lastIndex, lastLogTerm: this.log.lastTerm }
    if (this.votes.size >= this.quorum) this.becomeLeader()
    for (const peer of this.options.peers) {
      this.transport.requestVote(peer, args).then(
        (reply) => {
          if (this.stopped) return
          this.observeTerm(reply.term)
          if (this.role !== 'candidate' || this.currentTerm !== term || !reply.voteGranted) return
          this.votes.add(peer)
          if (this.votes.size >= this.quorum) this.becomeLeader()
        },
        () => undefined, // unreachable peer: the next election timeout retries
      )
    }
  }

  handleRequestVote(args: RequestVoteArgs): RequestVoteReply {
    // Disruptive servers (thesis 4.2.3): while we hear from a live leader, a
    // candidate's request neither bumps our term nor gets our vote.
    const heardFromLeader = this.leaderId !== null && performance.now() - this.lastLeaderContact < this.options.electionMs.min
    if (args.term > this.currentTerm && (this.role === 'leader' || heardFromLeader)) {
      return { term: this.currentTerm, voteGranted: false }
    }
    this.observeTerm(args.term)
    const granted = grantVote(
      { currentTerm: this.currentTerm, votedFor: this.votedFor, lastLogIndex: this.log.lastIndex, lastLogTerm: this.log.lastTerm },
      args,
    )
    if (granted && this.votedFor !== args.candidateId) {
      this.votedFor = args.candidateId
      this.storage.saveMeta(this.currentTerm, this.votedFor) // durable before the answer leaves
      this.logger.info(`voted for ${args.candidateId} in term ${this.currentTerm}`)
    }
    if (granted) this.resetElectionTimer()
    return { term: this.currentTerm, voteGranted: granted }
  }

  private becomeLeader(): void {
    if (this.role === 'leader') return
    this.role = 'leader'
    this.leaderId = this.options.id
    clearTimeout(this.electionTimer)
    const now = this.leaderClock()
    for (const peer of this.options.peers) {
      this.peers.set(peer, { nextIndex: this.log.lastIndex + 1, matchIndex: 0, inflight: false, again: false, ackedRound: 0, lastAck: now, ackedSentAtWall: 0 })
    }
    this.logger.info(`leader in term ${this.currentTerm}`)
    // A no-op of our own term lets us commit (and so serve reads) at once (thesis 6.4).
    this.appendLocal(null)
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.options.heartbeatMs)
  }

  private get quorum(): number {
    return quorum(this.options.peers.length + 1)
  }

  // ---- replication, leader side (5.3) ----------------------------------------

  private appendLocal(command: C | null): number {
    const entry: Entry<C> = { index: this.log.lastIndex + 1, term: this.currentTerm, command }
    this.log.append([entry])
    this.storage.append([entry])
    // Group commit: every proposal of this turn of the event loop shares one fsync.
    if (!this.flushScheduled) {
      this.flushScheduled = true
      setImmediate(() => {
        this.flushScheduled = false
        if (this.stopped) return
        this.storage.flush()
        this.durableIndex = this.log.lastIndex
        if (this.role === 'leader') {
          this.advanceCommit()
          this.broadcast()
        }
      })
    }
    return entry.index
  }

  private heartbeat(): void {
    if (this.role !== 'leader') return
    // Check-quorum: a leader that has not heard from a majority for an election
    // timeout steps down, so its clients learn 'not-leader' instead of waiting.
    const now = this.leaderClock()
    const live = [...this.peers.values()].filter((p) => now - p.lastAck < this.options.electionMs.max).length + 1
    if (live < this.quorum) {
      this.logger.info(`lost contact with a majority; stepping down in term ${this.currentTerm}`)
      this.becomeFollower(null)
      return
    }
    this.round += 1
    this.broadcast()
  }

  private broadcast(): void {
    for (const peer of this.peers.keys()) this.replicateTo(peer)
  }

  /** One request in flight per peer; a request wanted meanwhile is sent when it returns. */
  private replicateTo(peer: string): void {
    const p = this.peers.get(peer)
    if (!p || this.role !== 'leader') return
    if (p.inflight) {
      p.again = true
      return
    }
    p.inflight = true
    p.again = false
    const term = this.currentTerm
    const round = this.round
    const sentAtWall = this.wallClock()
    const onAck = (): void => {
      p.ackedRound = Math.max(p.ackedRound, round)
      p.lastAck = this.leaderClock()
      p.ackedSentAtWall = Math.max(p.ackedSentAtWall, sentAtWall)
    }
    const done = (): void => {
      p.inflight = false
      if (this.stopped || this.role !== 'leader' || this.currentTerm !== term) return
      if (p.again || p.nextIndex <= this.log.lastIndex) this.replicateTo(peer)
      this.checkReads()
    }
    const failed = (): void => {
      p.inflight = false // the next heartbeat retries
    }

    if (p.nextIndex <= this.log.snapshotIndex) {
      const snapshot = this.snapshot
      this.transport.installSnapshot(peer, { term, leaderId: this.options.id, snapshot }).then((reply) => {
        if (this.stopped) return
        this.observeTerm(reply.term)
        if (this.role === 'leader' && this.currentTerm === term) {
          onAck()
          p.matchIndex = Math.max(p.matchIndex, snapshot.lastIncludedIndex)
          p.nextIndex = p.matchIndex + 1
          this.advanceCommit()
        }
        done()
      }, failed)
      return
    }

    const prevLogIndex = p.nextIndex - 1
    const args: AppendEntriesArgs<C> = {
      term,
      leaderId: this.options.id,
      prevLogIndex,
      prevLogTerm: this.log.termAt(prevLogIndex)!,
      entries: this.log.slice(p.nextIndex, this.options.maxBatch),
      leaderCommit: this.commitIndex,
    }
    this.transport.appendEntries(peer, args).then((reply) => {
      if (this.stopped) return
      this.observeTerm(reply.term)
      if (this.role === 'leader' && this.currentTerm === term) {
        onAck()
        if (reply.success) {
          p.matchIndex = Math.max(p.matchIndex, reply.matchIndex)
          p.nextIndex = p.matchIndex + 1
          this.advanceCommit()
        } else {
          p.nextIndex = nextIndexAfterReject(this.log, prevLogIndex, reply)
          p.again = true
        }
      }
      done()
    }, failed)
  }

  private advanceCommit(): void {
    const matches = [this.durableIndex, ...[...this.peers.values()].map((p) => p.matchIndex)]
    const next = commitIndexFor(this.log, matches, this.currentTerm, this.commitIndex)
    if (next > this.commitIndex) {
      this.commitIndex = next
      this.applyCommitted()
    }
  }

  // ---- replication, follower side ---------------------------------------------

  handleAppendEntries(args: AppendEntriesArgs<C>): AppendEntriesReply {
    const reject = (conflictTerm: number | null, conflictIndex: number): AppendEntriesReply => ({
      term: this.currentTerm,
      success: false,
      matchIndex: 0,
      conflictTerm,
      conflictIndex,
    })
    if (args.term < this.currentTerm) return reject(null, 0)
    this.observeTerm(args.term)
    this.followLeader(args.leaderId)
    const decision = checkAppend(this.log, args)
    if (!decision.ok) return reject(decision.conflictTerm, decision.conflictIndex)
    if (decision.truncateFrom !== null) {
      if (decision.truncateFrom <= this.commitIndex) {
        // Would violate State Machine Safety: refuse loudly rather than corrupt.
        this.logger.info(`BUG: leader ${args.leaderId} asked to truncate committed entry ${decision.truncateFrom}`)
        return reject(null, this.commitIndex + 1)
      }
      this.log.truncateFrom(decision.truncateFrom)
    }
    if (decision.toAppend.length > 0) {
      this.log.append(decision.toAppend)
      this.storage.append(decision.toAppend)
    }
    this.storage.flush() // durable before we say success
    this.durableIndex = this.log.lastIndex
    const commit = Math.min(args.leaderCommit, decision.matchIndex)
    if (commit > this.commitIndex) {
      this.commitIndex = commit
      this.applyCommitted()
    }
    return { term: this.currentTerm, success: true, matchIndex: decision.matchIndex, conflictTerm: null, conflictIndex: 0 }
  }

  handleInstallSnapshot(args: InstallSnapshotArgs): InstallSnapshotReply {
    if (args.term < this.currentTerm) return { term: this.currentTerm }
    this.observeTerm(args.term)
    this.followLeader(args.leaderId)
    const s = args.snapshot
    if (s.lastIncludedIndex <= this.lastApplied) return { term: this.currentTerm }
    this.log.compactTo(s.lastIncludedIndex, s.lastIncludedTerm)
    this.sm.restore(s.state)
    this.snapshot = s
    this.lastApplied = s.lastIncludedIndex
    this.commitIndex = Math.max(this.commitIndex, s.lastIncludedIndex)
    this.storage.saveSnapshot(s, this.log.slice(s.lastIncludedIndex + 1))
    this.durableIndex = this.log.lastIndex
    this.logger.info(`installed snapshot at ${s.lastIncludedIndex} from ${args.leaderId}`)
    this.applyCommitted()
    return { term: this.currentTerm }
  }

  private followLeader(leader: string): void {
    this.lastLeaderContact = performance.now()
    if (this.role !== 'follower' || this.leaderId !== leader) this.becomeFollower(leader)
    else this.resetElectionTimer()
  }

  // ---- applying and snapshots ----------------------------------------------------

  private applyCommitted(): void {
    while (this.lastApplied < this.commitIndex) {
      const entry = this.log.entry(this.lastApplied + 1)
      if (!entry) break
      const applied = entry.command === null ? undefined : { result: this.sm.apply(entry.command) }
      this.lastApplied = entry.index
      const proposal = this.proposals.get(entry.index)
      if (proposal) {
        // Another term's entry at our index means ours was overwritten. We answer
        // 'leadership-lost' (indefinite) rather than reason about it further.
        const ours = proposal.term === entry.term && applied !== undefined
        this.finish(proposal, ours ? { ok: true, value: applied.result } : { ok: false, error: 'leadership-lost', leader: this.leaderId })
        this.proposals.delete(entry.index)
      }
    }
    this.checkReads()
    this.maybeSnapshot()
  }

  /** Log compaction (section 7): snapshot the applied state once enough entries pile up. */
  private maybeSnapshot(): void {
    if (this.lastApplied - this.log.snapshotIndex < this.options.snapshotEvery) return
    const index = this.lastApplied
    const term = this.log.termAt(index)!
    this.snapshot = { lastIncludedIndex: index, lastIncludedTerm: term, state: this.sm.snapshot() }
    this.log.compactTo(index, term)
    this.storage.saveSnapshot(this.snapshot, this.log.slice(index + 1))
    this.logger.info(`snapshot at ${index} (term ${term}), ${this.log.length} entries kept`)
  }

  // ---- the application's requests ----------------------------------------------------

  /** Appends `command` and answers with its result once it is committed and applied here. */
  propose(command: C): Promise<RaftReply<R>> {
    if (this.role !== 'leader') return Promise.resolve({ ok: false, error: 'not-leader', leader: this.leaderId })
    const term = this.currentTerm
    const index = this.appendLocal(command)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.proposals.delete(index)
        resolve({ ok: false, error: 'timeout', leader: this.leaderId })
      }, this.options.requestTimeoutMs)
      this.proposals.set(index, { term, resolve, timer })
    })
  }

  private finish(p: Proposal<R>, reply: RaftReply<R>): void {
    clearTimeout(p.timer)
    p.resolve(reply)
  }

  /**
   * A linearizable read (thesis 6.4, ReadIndex): note the commit index once an
   * entry of our term is committed, confirm we are still leader with a heartbeat
   * round acknowledged by a majority, wait until that index is applied, then
   * evaluate `query` (on the application's state machine) and answer its value.
   */
  read<T>(query: () => T): Promise<RaftReply<T>> {
    if (this.role !== 'leader') return Promise.resolve({ ok: false, error: 'not-leader', leader: this.leaderId })
    const caughtUp = this.log.termAt(this.commitIndex) === this.currentTerm && this.lastApplied === this.commitIndex
    if (this.options.leaseReads && caughtUp && this.wallClock() < this.leaseExpiry()) return Promise.resolve({ ok: true, value: query() })
    return new Promise((resolve) => {
      const waiter: ReadWaiter = {
        term: this.currentTerm,
        query,
        readIndex: null,
        round: 0,
        resolve: resolve as (reply: RaftReply<unknown>) => void,
        timer: setTimeout(() => {
          this.reads = this.reads.filter((w) => w !== waiter)
          resolve({ ok: false, error: 'timeout', leader: this.leaderId })
        }, this.options.requestTimeoutMs),
      }
      this.reads.push(waiter)
      this.checkReads()
    })
  }

  /**
   * Lease reads (unsafe): the leader trusts that no other leader exists until the
   * wall-clock time a majority acknowledged us + the minimum election timeout.
   * Wall clocks may step or drift; nothing here allows for that.
   */
  private leaseExpiry(): number {
    const sent = [...this.peers.values()].map((p) => p.ackedSentAtWall).sort((a, b) => b - a)
    const start = sent[this.quorum - 2] // with our own vote, quorum - 1 peers suffice
    return start === undefined ? this.wallClock() + this.options.electionMs.min : start + this.options.electionMs.min
  }

  private checkReads(): void {
    if (this.reads.length === 0) return
    let newRound = false
    const acked = (round: number): number => [...this.peers.values()].filter((p) => p.ackedRound >= round).length + 1
    this.reads = this.reads.filter((w) => {
      if (this.role !== 'leader' || this.currentTerm !== w.term) {
        this.finishRead(w, { ok: false, error: 'not-leader', leader: this.leaderId })
        return false
      }
      if (w.readIndex === null) {
        if (this.log.termAt(this.commitIndex) !== this.currentTerm) return true
        w.readIndex = this.commitIndex
        if (!newRound) this.round += 1
        newRound = true
        w.round = this.round
      }
      if (acked(w.round) >= this.quorum && this.lastApplied >= w.readIndex) {
        this.finishRead(w, { ok: true, value: w.query() })
        return false
      }
      return true
    })
    if (newRound) this.broadcast()
  }

  private finishRead(w: ReadWaiter, reply: RaftReply<unknown>): void {
    clearTimeout(w.timer)
    w.resolve(reply)
  }
}
