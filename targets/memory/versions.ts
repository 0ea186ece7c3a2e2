/**
 * The committed state of the memory target's transactional store: the
 * versions of each key, each stamped with the timestamp of the commit that
 * made it (multi-version concurrency control). A transaction reads the state
 * as of its snapshot, or the latest; a commit installs all its writes at one
 * new timestamp, so no reader sees half of it.
 *
 * Versions no open snapshot can read any more are dropped at the next commit
 * of their key, so a long run keeps about one version per key.
 */
interface Version {
  ts: number
  value: unknown
}

export class VersionedStore {
  private clock = 0
  private readonly versions = new Map<string, Version[]>()
  /** Open snapshots: timestamp → how many transactions read as of it. */
  private readonly snapshots = new Map<number, number>()

  constructor(private readonly initial: unknown) {}

  /** The timestamp of the latest commit. */
  now(): number {
    return this.clock
  }

  /** Opens a snapshot of the state now; `release` it when the transaction ends. */
  snapshot(): number {
    const ts = this.clock
    this.snapshots.set(ts, (this.snapshots.get(ts) ?? 0) + 1)
    return ts
  }

  release(ts: number): void {
    const n = this.snapshots.get(ts)
    if (n === undefined) return
    if (n <= 1) this.snapshots.delete(ts)
    else this.snapshots.set(ts, n - 1)
  }

  /** The value of `key` as of timestamp `asOf` (default: the latest). */
  read(key: string, asOf = Infinity): unknown {
    const list = this.versions.get(key)
    if (!list) return this.initial
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.ts <= asOf) return list[i]!.value
    return this.initial
  }

  /** The timestamp of the commit that last wrote `key` (0: never written). */
  changedAt(key: string): number {
    const list = this.versions.get(key)
    return list ? list[list.length - 1]!.ts : 0
  }

  /** Installs every write at one new timestamp, and returns it. */
  commit(writes: ReadonlyMap<string, unknown>): number {
    if (writes.size === 0) return this.clock
    const ts = ++this.clock
    const oldest = this.oldestSnapshot()
    for (const [key, value] of writes) {
      let list = this.versions.get(key)
      if (!list) this.versions.set(key, (list = []))
      list.push({ ts, value })
      // Keep the newest version each open snapshot can see, and the ones after it.
      let keep = list.length - 1
      while (keep > 0 && list[keep]!.ts > oldest) keep--
      if (keep > 0) list.splice(0, keep)
    }
    return ts
  }

  private oldestSnapshot(): number {
    let oldest = Infinity
    for (const ts of this.snapshots.keys()) if (ts < oldest) oldest = ts
    return oldest
  }
}
