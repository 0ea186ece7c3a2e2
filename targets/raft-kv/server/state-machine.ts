/**
 * The key-value state machine that committed log entries are applied to, in
 * log order, on every node. Keys and values are any JSON values; keys are
 * compared by their JSON text. Deterministic and pure, so every replica that
 * applies the same log holds the same state.
 */
import type { StateMachine } from '../../server-kit/raft/messages.js'
import type { Command, MicroOp } from './messages.js'

export type ApplyResult = { ok: true; value?: unknown } | { ok: false; error: 'cas-mismatch' | 'type-mismatch'; message?: string }

/** The snapshot form: [key JSON, value] pairs. */
export interface KvState {
  kv: [string, unknown][]
}

const keyOf = (key: unknown): string => JSON.stringify(key ?? null)
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

export class KvStateMachine implements StateMachine<Command, ApplyResult> {
  private kv = new Map<string, unknown>()

  /** A missing key reads as null. */
  read(key: unknown): unknown {
    return this.kv.get(keyOf(key)) ?? null
  }

  get size(): number {
    return this.kv.size
  }

  apply(command: Command): ApplyResult {
    switch (command.op) {
      case 'write':
        this.kv.set(keyOf(command.key), command.value)
        return { ok: true }
      case 'cas':
        if (!same(this.read(command.key), command.from)) return { ok: false, error: 'cas-mismatch' }
        this.kv.set(keyOf(command.key), command.to)
        return { ok: true }
      case 'txn':
        return this.applyTxn(command.ops)
    }
  }

  /**
   * All micro-ops or none: effects go to a scratch map first and are copied in
   * only if every op succeeded. Reads see the txn's own earlier writes.
   */
  private applyTxn(ops: readonly MicroOp[]): ApplyResult {
    const scratch = new Map<string, unknown>()
    const get = (k: string): unknown => (scratch.has(k) ? scratch.get(k) : (this.kv.get(k) ?? null))
    const out: MicroOp[] = []
    for (const [f, key, value] of ops) {
      const k = keyOf(key)
      if (f === 'r') {
        out.push(['r', key, get(k)])
      } else if (f === 'w') {
        scratch.set(k, value)
        out.push(['w', key, value])
      } else {
        const current = get(k)
        if (current !== null && !Array.isArray(current)) {
          return { ok: false, error: 'type-mismatch', message: `append to key ${k}, which holds a non-list` }
        }
        scratch.set(k, [...((current as unknown[] | null) ?? []), value])
        out.push(['append', key, value])
      }
    }
    for (const [k, v] of scratch) this.kv.set(k, v)
    return { ok: true, value: out }
  }

  snapshot(): KvState {
    return { kv: [...this.kv.entries()] }
  }

  restore(state: unknown): void {
    const kv = (state as Partial<KvState> | null)?.kv
    this.kv = new Map(Array.isArray(kv) ? kv : [])
  }
}

/** Checks a client's micro-op list before it goes into the log. */
export function isMicroOpList(ops: unknown): ops is MicroOp[] {
  return (
    Array.isArray(ops) &&
    ops.every((o) => Array.isArray(o) && o.length === 3 && (o[0] === 'append' || o[0] === 'r' || o[0] === 'w'))
  )
}
