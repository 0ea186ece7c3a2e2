/**
 * Why a register read (or cas) cannot be placed, as a short proof in words:
 * "op 3249 read nil, but it began after op 3229 read 1 completed, and nothing
 * in between wrote nil".
 *
 * The proof, for an operation X that needs the register to hold v (a read of
 * v, a cas from v that succeeded): some operation Y completed before X began,
 * so Y comes before X in every linearization, and right after Y the register
 * certainly holds w ≠ v (Y read w, wrote w, or swapped in w). Then some
 * operation between Y and X must write v. One can only if it may take effect
 * after Y and before X: it did not complete before Y began, and it began
 * before X completed. If no operation that may write v (a write of v, a cas
 * to v, completed or not) fits there, X can never be placed, whatever the
 * order of the rest. (A cas from v that failed needs the register not to hold
 * v; the same proof runs with "changed it" for "wrote v".)
 *
 * This holds for real-time order only (not for sequential consistency), and
 * for the register-like built-in models (register, cas-register, and kv
 * without appends); elsewhere no argument is given and the caller falls back
 * to the longest order found.
 */
import type { Model, Operation } from './types.js'
import { sameValue, showValue, type OpInput } from './models/values.js'

export interface Argument {
  /** The operation that could not be placed. */
  stuck: number
  /** The operation it must follow, after which the register holds the wrong value. */
  after: number
  /** Operations that wrote the needed value, none of them able to take effect in between (at most 3). */
  writers: number[]
  /** How many operations wrote the needed value in all. */
  writerCount: number
  /** The argument in one sentence. */
  text: string
}

type Op = Operation<OpInput, unknown>

/** What a register-like model's operation does to the value. */
interface Effect {
  /** The value it may leave in the register, if it writes. */
  sets?: unknown
  /** The value it certainly leaves right after it (it completed and its output says so). */
  leaves?: unknown
  /** What it needs the register to hold: `is` v, or `not` v. */
  needs?: { is: boolean; value: unknown }
  /** In words: "read 1", "wrote 1", "cas 1→2 succeeded". */
  words: string
}

const REGISTER_MODELS = new Set(['register', 'cas-register', 'kv', 'kv-unpartitioned'])

function completed(op: Op): boolean {
  return op.return !== undefined && op.return !== Infinity
}

function effectOf(op: Op, kv: boolean): Effect | undefined {
  const { f } = op.input
  const done = completed(op)
  const value = kv && op.input.value !== undefined ? String(op.input.value) : op.input.value
  if (f === 'read' || f === 'get') {
    if (!done || op.output === undefined) return { words: 'read (unknown value)' }
    return { leaves: op.output, needs: { is: true, value: op.output }, words: `read ${showValue(op.output)}` }
  }
  if (f === 'write' || f === 'put') {
    return done ? { sets: value, leaves: value, words: `wrote ${showValue(value)}` } : { sets: value, words: `wrote ${showValue(value)} (may or may not have happened)` }
  }
  if (f === 'cas' && !kv) {
    const [from, to] = op.input.value as [unknown, unknown]
    const arrow = `${showValue(from)}→${showValue(to)}`
    if (!done || op.output === undefined) return { sets: to, words: `cas ${arrow} (may or may not have happened)` }
    if (op.output === false) return { needs: { is: false, value: from }, words: `cas ${arrow} failed` }
    return { sets: to, leaves: to, needs: { is: true, value: from }, words: `cas ${arrow} succeeded` }
  }
  return undefined
}

/**
 * The argument against `stuck`, from the operations of its partition, or
 * undefined when the model is not register-like or no such proof exists.
 */
export function registerArgument<S>(model: Model<S, OpInput, unknown>, partition: readonly Op[], stuckId: number): Argument | undefined {
  const name = model.spec?.name
  if (!name || !REGISTER_MODELS.has(name)) return undefined
  const kv = name === 'kv' || name === 'kv-unpartitioned'
  if (kv && partition.some((op) => op.input.f === 'append')) return undefined
  const x = partition.find((op) => op.id === stuckId)
  if (!x || !completed(x)) return undefined
  const key = x.input.key
  const ops = partition.filter((op) => sameValue(op.input.key, key) && op.id !== x.id)
  const ex = effectOf(x, kv)
  if (!ex?.needs) return undefined
  const need = ex.needs
  const satisfies = (v: unknown): boolean => sameValue(v, need.value) === need.is
  const effects = new Map(ops.map((op) => [op, effectOf(op, kv)]))
  // Every op that could put the register in a state X accepts.
  const writers = ops.filter((op) => {
    const e = effects.get(op)
    return e !== undefined && 'sets' in e && satisfies(e.sets)
  })
  // Y: completed before X began, certainly leaving a value X does not accept; the latest first.
  const candidates = ops
    .filter((op) => completed(op) && (op.return as number) < x.call && effects.get(op)?.leaves !== undefined && !satisfies(effects.get(op)!.leaves))
    .sort((a, b) => (b.return as number) - (a.return as number))
    .slice(0, 2000)
  const xReturn = x.return as number
  for (const y of candidates) {
    const between = writers.some((w) => w !== y && (w.return ?? Infinity) > y.call && w.call < xReturn)
    if (between) continue
    const ey = effects.get(y)!
    const who = (op: Op): string => `op ${op.id}${op.clientId === undefined ? '' : ` (client ${op.clientId})`}`
    const onKey = key === undefined ? '' : `On key ${showValue(key)}, `
    const why = need.is ? `nothing in between wrote ${showValue(need.value)}` : `nothing in between changed the value from ${showValue(need.value)}`
    let detail: string
    if (!need.is) detail = ''
    else if (writers.length === 0) {
      const initial = model.spec?.options?.initial ?? (kv ? '' : null)
      detail = sameValue(kv ? String(initial) : initial, need.value) ? ` (${showValue(need.value)} was only ever the initial value)` : ` (no operation wrote ${showValue(need.value)})`
    } else {
      const before = writers.filter((w) => (w.return ?? Infinity) < y.call)
      const after = writers.filter((w) => w.call > xReturn)
      const parts: string[] = []
      if (before.length > 0) parts.push(`${list(before, who)} completed before ${who(y)} began`)
      if (after.length > 0) parts.push(`${list(after, who)} began after ${who(x)} completed`)
      detail = ` (${writers.length === 1 ? `the only write of ${showValue(need.value)}` : `the ${writers.length} writes of ${showValue(need.value)}`}: ${parts.join('; ')})`
    }
    return {
      stuck: x.id!,
      after: y.id!,
      writers: writers.slice(0, 3).map((w) => w.id!),
      writerCount: writers.length,
      text: `${onKey}${who(x)} ${ex.words}, but it began after ${who(y)} ${ey.words} completed, and ${why}${detail}.`,
    }
  }
  return undefined
}

function list(ops: readonly Op[], who: (op: Op) => string): string {
  const shown = ops.slice(0, 3).map(who)
  return ops.length > 3 ? `${shown.join(', ')} and ${ops.length - 3} more` : shown.join(' and ')
}
