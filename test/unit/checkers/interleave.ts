/**
 * Random concurrent histories for property tests: each process runs its calls
 * one after another; `picks` decides which process moves next (invoke its next
 * call, or complete the one in flight), so calls of different processes overlap
 * in every way fast-check can find. A call whose type is 'pending' is invoked
 * and never completed (the history ends first); it must be a process's last.
 */
import type { Op } from '../../../core/op.js'

export interface Call {
  f: string
  value: unknown
  /** The completion's value (default: `value`). */
  result?: unknown
  type: 'ok' | 'fail' | 'info' | 'pending'
}

export function interleave(perProcess: readonly (readonly Call[])[], picks: readonly number[]): Op[] {
  const ops: Op[] = []
  const next = perProcess.map(() => 0)
  const open: (Call | undefined)[] = perProcess.map(() => undefined)
  const push = (process: number, type: Op['type'], call: Call, value: unknown): void => {
    ops.push({ index: ops.length, time: ops.length * 1e6, type, process, f: call.f, value })
  }
  const step = (p: number): boolean => {
    const inFlight = open[p]
    if (inFlight) {
      if (inFlight.type === 'pending') return false
      push(p, inFlight.type, inFlight, inFlight.result === undefined ? inFlight.value : inFlight.result)
      open[p] = undefined
      return true
    }
    const call = perProcess[p]![next[p]!]
    if (!call) return false
    next[p]!++
    open[p] = call
    push(p, 'invoke', call, call.f === 'read' || call.f === 'dequeue' || call.f === 'generate' ? null : call.value)
    return true
  }
  for (const pick of picks) step(pick % perProcess.length)
  // Finish everything, in process order.
  for (let p = 0; p < perProcess.length; p++) while (step(p));
  return ops
}
