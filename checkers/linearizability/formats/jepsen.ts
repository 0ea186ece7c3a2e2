/**
 * Jepsen-style operation records (`{ process, type, f, value }`, as in a Jepsen,
 * Knossos or dstest history) to checker operations, with Jepsen's meaning:
 * - `ok`: took effect between invoke and completion; the completion's value is the
 *   output (a cas that completed `ok` outputs `true`: it swapped).
 * - `fail`: never took effect; the operation is dropped.
 * - `info`, or an invoke that never completes: may take effect at any time after
 *   the invoke, or never (return = Infinity, output unknown).
 * Times are positions in the list (record order is real-time order), so a
 * completion belongs to the process's open invoke. Records whose process is not a
 * number (the nemesis) are ignored.
 */
import type { Operation } from '../types.js'
import type { OpInput } from '../models/values.js'

export interface JepsenRecord {
  process: number | string
  type: 'invoke' | 'ok' | 'fail' | 'info' | string
  f: string
  value?: unknown
  key?: unknown
}

export interface JepsenOptions {
  /**
   * Knossos's register treats a read that completed with `nil` as "value not
   * known" and matches it to anything. Default false: `nil` is a value.
   */
  nilReadIsUnknown?: boolean
}

export function operationsFromJepsen(records: readonly JepsenRecord[], options: JepsenOptions = {}): Operation<OpInput, unknown>[] {
  const ops: (Operation<OpInput, unknown> | undefined)[] = []
  const open = new Map<number, number>()
  records.forEach((r, position) => {
    if (typeof r.process !== 'number') return
    if (r.type === 'invoke') {
      if (open.has(r.process)) throw new Error(`record ${position}: process ${r.process} invokes while its previous operation is open`)
      const input: OpInput = { f: r.f }
      if (r.key !== undefined) input.key = r.key
      if (r.value !== undefined && r.value !== null) input.value = r.value
      open.set(r.process, ops.length)
      ops.push({ clientId: r.process, input, call: position, return: Infinity, id: position })
      return
    }
    const at = open.get(r.process)
    if (at === undefined) throw new Error(`record ${position}: process ${r.process} completes an operation it never invoked`)
    open.delete(r.process)
    const op = ops[at]!
    if (r.type === 'fail') ops[at] = undefined
    else if (r.type === 'ok') {
      op.return = position
      op.output = outputOf(op.input.f, r.value, options)
    } else if (r.type !== 'info') throw new Error(`record ${position}: unknown type '${r.type}'`)
  })
  return ops.filter((op): op is Operation<OpInput, unknown> => op !== undefined)
}

function outputOf(f: string, value: unknown, options: JepsenOptions): unknown {
  if (f === 'cas') return true
  if (value === null && options.nilReadIsUnknown && f === 'read') return undefined
  return value === undefined ? null : value
}
