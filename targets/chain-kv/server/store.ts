/**
 * The key-value state every replica applies updates to, in seq order.
 * Keys and values are any JSON values; keys are compared by their JSON text and
 * a missing key reads `null`. Deterministic, so replicas that apply the same
 * prefix of updates hold the same state.
 */
import type { Operation } from './messages.js'

export type ApplyResult = { ok: true } | { ok: false; error: 'cas-mismatch' | 'type-mismatch'; message?: string }

export const keyOf = (key: unknown): string => JSON.stringify(key ?? null)
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

export class KvStore {
  private kv = new Map<string, unknown>()

  read(key: unknown): unknown {
    return this.kv.get(keyOf(key)) ?? null
  }

  apply(operation: Operation): ApplyResult {
    const k = keyOf(operation.key)
    switch (operation.op) {
      case 'write':
        this.kv.set(k, operation.value)
        return { ok: true }
      case 'cas':
        if (!same(this.kv.get(k), operation.from)) return { ok: false, error: 'cas-mismatch' }
        this.kv.set(k, operation.to)
        return { ok: true }
      case 'append': {
        const current = this.kv.get(k) ?? null
        if (current !== null && !Array.isArray(current)) return { ok: false, error: 'type-mismatch', message: `key ${k} holds a non-list` }
        this.kv.set(k, [...((current as unknown[] | null) ?? []), operation.value])
        return { ok: true }
      }
    }
  }

  entries(): [string, unknown][] {
    return [...this.kv.entries()]
  }

  restore(entries: readonly [string, unknown][]): void {
    this.kv = new Map(entries)
  }
}
