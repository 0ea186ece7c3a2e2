/**
 * An in-memory key-value register, shared by every client of one test.
 *
 * Correct mode: one map; every operation is atomic on it, so the store is
 * linearizable. `stale-read` mode: writes go to the primary map and reach a
 * replica copy only every `replicationLagMs`; clients on even-numbered nodes
 * read the replica, so a read that starts after a write finished can still
 * return the old value — a linearizability violation the checker must catch.
 */
export type KvValue = unknown

export interface KvStoreOptions {
  bug?: 'stale-read'
  replicationLagMs?: number
}

export class MemoryKvStore {
  private readonly primary = new Map<string, KvValue>()
  private readonly replica = new Map<string, KvValue>()
  private pending: [string, KvValue][] = []
  private timer: NodeJS.Timeout | undefined
  readonly bug: 'stale-read' | undefined

  constructor(options: KvStoreOptions = {}) {
    this.bug = options.bug
    if (this.bug === 'stale-read') {
      this.timer = setInterval(() => this.replicate(), options.replicationLagMs ?? 20)
      this.timer.unref()
    }
  }

  private replicate(): void {
    for (const [k, v] of this.pending) this.replica.set(k, v)
    this.pending = []
  }

  private set(key: string, value: KvValue): void {
    this.primary.set(key, value)
    if (this.bug === 'stale-read') this.pending.push([key, value])
  }

  read(key: string, fromReplica: boolean): KvValue {
    const map = this.bug === 'stale-read' && fromReplica ? this.replica : this.primary
    return map.has(key) ? map.get(key) : null
  }

  write(key: string, value: KvValue): void {
    this.set(key, value)
  }

  /** Compare-and-set: true when the current value equalled `from` and is now `to`. */
  cas(key: string, from: KvValue, to: KvValue): boolean {
    const current = this.primary.has(key) ? this.primary.get(key) : null
    if (!sameValue(current, from)) return false
    this.set(key, to)
    return true
  }

  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }
}

function sameValue(a: KvValue, b: KvValue): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b)
}
