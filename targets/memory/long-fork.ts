/**
 * Transactions of reads and writes on the memory target, for the long-fork
 * workload: one map, each transaction atomic (serializable). `long-fork`: two
 * replicas, one for odd-numbered nodes and one for even; a write applies to its
 * client's replica at once and to the other 50 ms later, and reads read their
 * own replica. Concurrent writes then reach the replicas in opposite orders:
 * parallel snapshot isolation, whose long forks the checker must find.
 */
import type { Client } from '../../core/client.js'
import type { Completion } from '../../core/op.js'
import type { Invocation } from '../../core/generator/types.js'
import { nextTurn, nodeNumber, unknownOperation, type MemorySystem, type SystemOptions } from './system.js'

export const REPLICA_LAG_MS = 50

type MicroOp = [string, unknown, unknown]

export class MemoryTxnStore {
  private readonly replicas: Map<string, unknown>[]
  private readonly timers = new Set<NodeJS.Timeout>()
  constructor(private readonly bug: 'long-fork' | undefined) {
    this.replicas = bug === 'long-fork' ? [new Map(), new Map()] : [new Map()]
  }

  /** Runs the micro-ops on `replica`'s state; reads get their values filled in. */
  txn(mops: readonly MicroOp[], replica: number): MicroOp[] {
    const own = this.replicas[this.bug === 'long-fork' ? replica : 0]!
    const out: MicroOp[] = []
    for (const [f, k, v] of mops) {
      const key = JSON.stringify(k)
      if (f === 'r') out.push(['r', k, own.has(key) ? own.get(key) : null])
      else {
        own.set(key, v)
        out.push([f, k, v])
        if (this.bug === 'long-fork') this.replicateLater(1 - replica, key, v)
      }
    }
    return out
  }

  private replicateLater(replica: number, key: string, v: unknown): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      this.replicas[replica]!.set(key, v)
    }, REPLICA_LAG_MS)
    this.timers.add(timer)
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }
}

function isTxn(v: unknown): v is MicroOp[] {
  return Array.isArray(v) && v.every((m) => Array.isArray(m) && m.length === 3 && (m[0] === 'r' || m[0] === 'w'))
}

class TxnClient implements Client {
  constructor(
    private readonly store: MemoryTxnStore,
    private readonly node: string,
  ) {}
  async invoke(op: Invocation): Promise<Completion> {
    await nextTurn()
    if (op.f !== 'txn') return unknownOperation(op.f, op.value, this.node)
    if (!isTxn(op.value)) return { type: 'fail', value: op.value, node: this.node, error: "txn takes [['r'|'w', key, value], ...]" }
    return { type: 'ok', value: this.store.txn(op.value, nodeNumber(this.node) % 2), node: this.node }
  }
}

export function longForkSystem({ bug }: SystemOptions): MemorySystem {
  const store = new MemoryTxnStore(bug === 'long-fork' ? 'long-fork' : undefined)
  return { client: (node) => new TxnClient(store, node), close: () => store.close() }
}
