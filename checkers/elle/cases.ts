/** Collects anomaly cases by type, keeping a few of each and counting all. */
import { TYPE_NAMES, type Txns } from './txn.js'
import type { AnomalyCase, TxnRef } from './types.js'

export class Cases {
  readonly byType = new Map<string, AnomalyCase[]>()
  readonly counts = new Map<string, number>()
  constructor(
    private readonly maxCases: number,
    /** Types not looked for (their cases are dropped). */
    private readonly skip: ReadonlySet<string> = new Set(),
  ) {}

  /** Counts a case; `make` builds it only when it is kept. */
  add(type: string, make: () => AnomalyCase): void {
    if (this.skip.has(type)) return
    const n = (this.counts.get(type) ?? 0) + 1
    this.counts.set(type, n)
    let list = this.byType.get(type)
    if (!list) this.byType.set(type, (list = []))
    if (list.length < this.maxCases) list.push(make())
  }

  has(type: string): boolean {
    return this.counts.has(type)
  }
}

export function txnRef(txns: Txns, t: number, name: string): TxnRef {
  return {
    name,
    index: txns.completeIndex[t]!,
    invokeIndex: txns.invokeIndex[t]!,
    process: txns.process[t]!,
    type: TYPE_NAMES[txns.type[t]!]!,
    value: txns.mops(t),
  }
}

/** How results print a key: numbers as k5, anything else as written. */
export function keyName(key: unknown): string {
  if (typeof key === 'number') return `k${key}`
  if (typeof key === 'string') return key
  return JSON.stringify(key)
}

/** How results print a value or a list. */
export function show(v: unknown): string {
  if (v === null || v === undefined) return 'nil'
  if (Array.isArray(v)) return `[${v.map(show).join(' ')}]`
  if (typeof v === 'string') return v
  return JSON.stringify(v)
}
