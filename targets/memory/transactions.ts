/**
 * The list-append and rw-register workloads on the memory target: one
 * transactional store per run (isolation.ts), serializable unless a bug mode
 * runs it at a weaker isolation level.
 *
 * A client runs a transaction one micro-operation at a time, each one round
 * trip of ROUND_TRIP_MS, as the statements of an interactive SQL transaction
 * are: transactions of different clients really overlap, and the isolation
 * level decides what they see of each other. Then it commits: `ok` with the
 * reads filled in, or `fail` when the store aborted it (nothing it wrote
 * stays). A transaction the runner gives up on (its timeout) is aborted too,
 * and recorded `info` by the runner.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Client } from '../../core/client.js'
import type { Completion } from '../../core/op.js'
import type { Invocation } from '../../core/generator/types.js'
import { LIST, REGISTER, TxnAborted, TxnStore, type DataModel, type IsolationLevel, type Txn } from './isolation.js'
import { nextTurn, unknownOperation, type MemorySystem, type SystemOptions } from './system.js'

export const ROUND_TRIP_MS = 1

/** The bug modes: each runs the store at a weaker isolation level than the serializable it should have. */
export const TXN_BUGS = {
  'snapshot-isolation': 'transactions run under snapshot isolation: a commit checks only the keys it wrote (first committer wins), so two transactions that each read what the other writes both commit (write skew, G2-item)',
  'read-committed': 'each read sees the latest committed value, not one snapshot: a transaction can see another\'s writes to one key and miss them on a key it read before (read skew, G-single)',
  'read-uncommitted': 'writes change the shared state before commit (write locks keep writers apart) and an abort puts the old values back, after others may have read them (aborted reads, G1a)',
} as const satisfies Record<string, string> & Partial<Record<IsolationLevel, string>>

type WriteF = 'append' | 'w'
type MicroOp = [string, unknown, unknown]

function isTxn(value: unknown, writeF: WriteF): value is MicroOp[] {
  return Array.isArray(value) && value.every((m) => Array.isArray(m) && m.length === 3 && (m[0] === 'r' || m[0] === writeF))
}

class TxnClient implements Client {
  constructor(
    private readonly store: TxnStore,
    private readonly node: string,
    private readonly writeF: WriteF,
  ) {}

  async invoke(op: Invocation, signal: AbortSignal): Promise<Completion> {
    await nextTurn()
    if (op.f !== 'txn') return unknownOperation(op.f, op.value, this.node)
    if (!isTxn(op.value, this.writeF)) return { type: 'fail', value: op.value, node: this.node, error: `txn takes [['r' | '${this.writeF}', key, value], ...]` }
    let txn: Txn | undefined
    try {
      const out: MicroOp[] = []
      for (const [f, k, v] of op.value) {
        await sleep(ROUND_TRIP_MS, undefined, { signal })
        // The first statement begins the transaction (and takes its snapshot).
        txn ??= this.store.begin()
        const key = JSON.stringify(k)
        if (f === 'r') out.push(['r', k, txn.read(key)])
        else {
          txn.write(key, v)
          out.push([f, k, v])
        }
      }
      await sleep(ROUND_TRIP_MS, undefined, { signal })
      ;(txn ??= this.store.begin()).commit()
      return { type: 'ok', value: out, node: this.node }
    } catch (e) {
      txn?.abort()
      if (e instanceof TxnAborted) return { type: 'fail', value: op.value, node: this.node, error: e.message }
      throw e
    }
  }
}

function txnSystem(model: DataModel, writeF: WriteF, bug: string | undefined): MemorySystem {
  const isolation: IsolationLevel = bug !== undefined && bug in TXN_BUGS ? (bug as keyof typeof TXN_BUGS) : 'serializable'
  const store = new TxnStore(isolation, model)
  return { client: (node) => new TxnClient(store, node, writeF), close() {} }
}

export function listAppendSystem({ bug }: SystemOptions): MemorySystem {
  return txnSystem(LIST, 'append', bug)
}

export function rwRegisterSystem({ bug }: SystemOptions): MemorySystem {
  return txnSystem(REGISTER, 'w', bug)
}
