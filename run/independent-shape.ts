/**
 * Recognises a history of independent keys: every client invocation's value
 * is a `[key, value]` pair, as the independent-key generators write them
 * (`[k, null]` reads, `[k, v]` writes, `[k, [from, to]]` cas). Checked as one
 * object without `--independent`, such a history is judged on nonsense (a
 * key taken for a written value), so `dstest check` refuses it with the fix.
 *
 * A plain history fails the test as soon as one invocation is not such a
 * pair: a plain read invokes with `null`, a plain write with its value. It
 * folds op by op, so a history of any length is looked at in one pass; only
 * the distinct keys are kept.
 */
import type { Op } from '../core/op.js'

export class IndependentShape {
  private invocations = 0
  private readonly keys = new Set<string>()
  private plain = false

  add(op: Op): void {
    if (this.plain || op.process === 'nemesis' || op.type !== 'invoke') return
    const v = op.value
    const key: unknown = Array.isArray(v) && v.length === 2 ? v[0] : undefined
    if (typeof key !== 'string' && typeof key !== 'number') {
      this.plain = true
      this.keys.clear()
      return
    }
    this.invocations++
    this.keys.add(JSON.stringify(key))
  }

  /** A short account of the evidence ("120 invocations over 7 keys"), or undefined when the values are not all pairs. */
  result(): string | undefined {
    if (this.plain || this.invocations === 0) return undefined
    const n = this.invocations
    return `${n} invocation${n === 1 ? '' : 's'} over ${this.keys.size} key${this.keys.size === 1 ? '' : 's'}`
  }
}

/** The same, for a history in memory. */
export function independentShape(history: readonly Op[]): string | undefined {
  const shape = new IndependentShape()
  for (const op of history) shape.add(op)
  return shape.result()
}
