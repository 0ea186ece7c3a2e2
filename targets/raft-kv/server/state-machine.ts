/**
 * The state machine that committed log entries are applied to, in log order,
 * on every node: the key-value store both bundled servers share
 * (../../server-kit/kv-store.ts). Deterministic and pure, so every replica
 * that applies the same log holds the same state.
 */
import { KvMap, type KvCommand, type KvResult, type MicroOp } from '../../server-kit/kv-store.js'
import type { StateMachine } from '../../server-kit/raft/messages.js'

export type ApplyResult = KvResult

/** The snapshot form: [key JSON, value] pairs. */
export interface KvState {
  kv: [string, unknown][]
}

export class KvStateMachine implements StateMachine<KvCommand, ApplyResult> {
  private readonly store = new KvMap()

  /** A missing key reads as null. */
  read(key: unknown): unknown {
    return this.store.read(key)
  }

  /** Several keys at one moment (between two applied entries). */
  readMany(keys: readonly unknown[]): unknown[] {
    return this.store.readMany(keys)
  }

  /** A transaction's result on the applied state, changing nothing (bug txn-local-read). */
  previewTxn(ops: readonly MicroOp[]): ApplyResult {
    return this.store.previewTxn(ops)
  }

  get size(): number {
    return this.store.size
  }

  apply(command: KvCommand): ApplyResult {
    return this.store.apply(command)
  }

  snapshot(): KvState {
    return { kv: this.store.entries() }
  }

  restore(state: unknown): void {
    const kv = (state as Partial<KvState> | null)?.kv
    this.store.restore(Array.isArray(kv) ? kv : [])
  }
}
