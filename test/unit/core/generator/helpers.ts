/** Small readers for simulated histories. */
import type { Op } from '../../../../core/op.js'

export function invokes(history: readonly Op[]): Op[] {
  return history.filter((op) => op.type === 'invoke')
}

export function fs(history: readonly Op[]): string[] {
  return invokes(history).map((op) => op.f)
}

export function values(history: readonly Op[]): unknown[] {
  return invokes(history).map((op) => op.value)
}

/** The (f, value, process) of every invocation: what determinism promises. */
export function decisions(history: readonly Op[]): [string, unknown, Op['process']][] {
  return invokes(history).map((op) => [op.f, op.value, op.process])
}
