/**
 * The memory target's transactional store under four isolation levels, each
 * built the way databases build it, so the checker meets the anomalies real
 * systems have and none they do not:
 *
 * - `serializable` (the correct store): optimistic concurrency control over
 *   multi-version state. Reads see the transaction's snapshot; writes are
 *   buffered; at commit, a transaction that wrote aborts if a key it read
 *   was changed by a commit after its snapshot (so what it read still holds
 *   when it commits, and it takes effect at that instant), else its writes are
 *   installed at once. A read-only transaction takes effect at its snapshot.
 *   Both instants lie between invocation and completion: strict serializable.
 * - `snapshot-isolation`: the same, but the commit checks only the keys the
 *   transaction wrote (first committer wins). Two transactions that each read
 *   what the other writes both commit: write skew (G2-item).
 * - `read-committed`: no snapshot; each read sees the latest committed value.
 *   A write takes the key's write lock, held to the end (taking one another
 *   transaction holds aborts: no waiting, so no deadlock), as a row lock in
 *   PostgreSQL does: no two writers of a key overlap, so a transaction's own
 *   view of a key it wrote is what its commit installs. Commits check nothing
 *   else. A transaction can see another's writes to one key and miss them on
 *   another it read earlier: read skew (G-single).
 * - `read-uncommitted`: writes change the shared state in place as they
 *   happen; a write lock per key, held to the end, keeps two writers of a key
 *   apart (no write cycles), and taking a lock another transaction holds aborts
 *   (no waiting, so no deadlock). An abort puts the old values back, after
 *   others may have read them: aborted reads (G1a), intermediate reads (G1b).
 *
 * In every level one writing transaction in ABORT_EVERY is aborted at commit,
 * as a failed constraint check or a chosen deadlock victim would be, so the
 * histories hold aborted transactions whose writes only the last level shows.
 */
import { VersionedStore } from './versions.js'

/** What a write does to a key's value, and the value of a key never written. */
export interface DataModel {
  initial: unknown
  apply(value: unknown, arg: unknown): unknown
}

export const LIST: DataModel = { initial: [], apply: (list, v) => [...(list as unknown[]), v] }
export const REGISTER: DataModel = { initial: null, apply: (_old, v) => v }

export const ISOLATION_LEVELS = ['serializable', 'snapshot-isolation', 'read-committed', 'read-uncommitted'] as const
export type IsolationLevel = (typeof ISOLATION_LEVELS)[number]

/** One writing transaction in this many is aborted at commit. */
export const ABORT_EVERY = 10

/** The transaction was aborted: nothing it wrote stays (a `fail`). */
export class TxnAborted extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TxnAborted'
  }
}

export interface Txn {
  read(key: string): unknown
  /** May abort (read-uncommitted: another transaction holds the key's write lock). */
  write(key: string, arg: unknown): void
  /** Aborts (throws TxnAborted) or makes every write visible at once. */
  commit(): void
  /** Rolls back; nothing it wrote stays. Idempotent, and a no-op after commit. */
  abort(): void
}

export class TxnStore {
  private readonly store: VersionedStore
  /** read-uncommitted: the current values, written in place. */
  private readonly current = new Map<string, unknown>()
  /** read-committed and read-uncommitted: each key's write lock and its holder. */
  private readonly locks = new Map<string, Txn>()
  private writers = 0

  constructor(
    readonly isolation: IsolationLevel,
    readonly model: DataModel,
  ) {
    this.store = new VersionedStore(model.initial)
  }

  begin(): Txn {
    return this.isolation === 'read-uncommitted' ? new InPlaceTxn(this) : new BufferedTxn(this, this.store)
  }

  /** Whether this commit of a writing transaction is the one in ABORT_EVERY that fails. */
  chosenToAbort(): boolean {
    return ++this.writers % ABORT_EVERY === 0
  }

  /** read-uncommitted: a key's value as it is right now, committed or not. */
  currentValue(key: string): unknown {
    return this.current.has(key) ? this.current.get(key) : this.model.initial
  }

  setCurrent(key: string, value: unknown): void {
    this.current.set(key, value)
  }

  /**
   * Takes `key`'s write lock for `txn`; true when `txn` did not hold it
   * before. Aborts when another transaction holds it.
   */
  lock(key: string, txn: Txn): boolean {
    const holder = this.locks.get(key)
    if (holder === txn) return false
    if (holder !== undefined) throw new TxnAborted(`aborted: another transaction holds the write lock on key ${key}`)
    this.locks.set(key, txn)
    return true
  }

  unlock(key: string, txn: Txn): void {
    if (this.locks.get(key) === txn) this.locks.delete(key)
  }
}

const CHOSEN = `aborted at commit (the store aborts one writing transaction in ${ABORT_EVERY}, as a failed constraint check would)`

/** serializable, snapshot-isolation and read-committed: writes buffered until commit. */
class BufferedTxn implements Txn {
  private readonly snapshot: number | undefined
  private readonly reads = new Set<string>()
  /** Each key's writes, in order: applied to the key's value at commit. */
  private readonly writes = new Map<string, unknown[]>()
  private done = false

  constructor(
    private readonly db: TxnStore,
    private readonly store: VersionedStore,
  ) {
    this.snapshot = db.isolation === 'read-committed' ? undefined : store.snapshot()
  }

  read(key: string): unknown {
    this.reads.add(key)
    const base = this.store.read(key, this.snapshot)
    return this.ownWrites(key, base)
  }

  write(key: string, arg: unknown): void {
    if (this.db.isolation === 'read-committed') this.db.lock(key, this)
    const list = this.writes.get(key)
    if (list) list.push(arg)
    else this.writes.set(key, [arg])
  }

  commit(): void {
    if (this.done) throw new Error('transaction already ended')
    try {
      if (this.writes.size === 0) return
      if (this.snapshot !== undefined) {
        // serializable: what it read must still hold; snapshot isolation: no one else committed what it wrote.
        const checked = this.db.isolation === 'serializable' ? this.reads : this.writes.keys()
        for (const key of checked) {
          if (this.store.changedAt(key) > this.snapshot) {
            throw new TxnAborted(
              this.db.isolation === 'serializable'
                ? `aborted: key ${key}, which it read, was changed by a later commit (serialization failure)`
                : `aborted: key ${key}, which it wrote, was committed by another transaction first (first committer wins)`,
            )
          }
        }
      }
      if (this.db.chosenToAbort()) throw new TxnAborted(CHOSEN)
      // Each write applies to the key's latest value: under serializable and
      // snapshot isolation a key read or written was checked to be unchanged
      // since the snapshot, under read committed its lock kept it unchanged
      // since the first write; a key only appended to takes the appends at commit.
      const installed = new Map<string, unknown>()
      for (const key of this.writes.keys()) installed.set(key, this.ownWrites(key, this.store.read(key)))
      this.store.commit(installed)
    } finally {
      this.end()
    }
  }

  abort(): void {
    this.end()
  }

  private ownWrites(key: string, base: unknown): unknown {
    let v = base
    for (const arg of this.writes.get(key) ?? []) v = this.db.model.apply(v, arg)
    return v
  }

  private end(): void {
    if (this.done) return
    this.done = true
    if (this.snapshot !== undefined) this.store.release(this.snapshot)
    for (const key of this.writes.keys()) this.db.unlock(key, this)
  }
}

/** read-uncommitted: writes in place under a write lock, undone on abort. */
class InPlaceTxn implements Txn {
  /** The value of each key it locked, before its first write. */
  private readonly before = new Map<string, unknown>()
  private done = false

  constructor(private readonly db: TxnStore) {}

  read(key: string): unknown {
    return this.db.currentValue(key)
  }

  write(key: string, arg: unknown): void {
    if (this.db.lock(key, this)) this.before.set(key, this.db.currentValue(key))
    this.db.setCurrent(key, this.db.model.apply(this.db.currentValue(key), arg))
  }

  commit(): void {
    if (this.done) throw new Error('transaction already ended')
    if (this.before.size > 0 && this.db.chosenToAbort()) {
      this.abort()
      throw new TxnAborted(CHOSEN)
    }
    this.done = true
    for (const key of this.before.keys()) this.db.unlock(key, this)
  }

  abort(): void {
    if (this.done) return
    this.done = true
    for (const [key, value] of this.before) {
      this.db.setCurrent(key, value)
      this.db.unlock(key, this)
    }
  }
}
