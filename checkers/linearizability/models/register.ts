/**
 * A read/write register, and the compare-and-set register of Knossos and
 * Porcupine's etcd tests. Reads return the value; a read whose output is unknown
 * matches anything. A cas's output is `true` (it swapped: Jepsen `:ok`) or `false`
 * (the value was not `from`: Porcupine's etcd `:fail`); a Jepsen history drops
 * failed operations before they get here, see `formats/jepsen.ts`.
 * Operations with a `key` act on one register per key, checked separately.
 */
import type { Model, ModelOptions, Operation } from '../types.js'
import { ILLEGAL, hashValue, sameValue, showValue, valueKey, type OpInput } from './values.js'

/**
 * Operations that carry a `key` act on independent registers (Jepsen's
 * `independent`): one partition per key. Without keys, one register.
 */
function byKey<O>(history: readonly Operation<OpInput, O>[]): Operation<OpInput, O>[][] {
  const parts = new Map<string, Operation<OpInput, O>[]>()
  for (const op of history) {
    const k = op.input.key === undefined ? '' : valueKey(op.input.key)
    let part = parts.get(k)
    if (!part) parts.set(k, (part = []))
    part.push(op)
  }
  return [...parts.values()]
}

function read(state: unknown, output: unknown): readonly unknown[] {
  return output === undefined || sameValue(output, state) ? [state] : ILLEGAL
}

function describe(input: OpInput, output: unknown): string {
  return input.key === undefined ? describeOne(input, output) : `[${showValue(input.key)}] ${describeOne(input, output)}`
}

function describeOne(input: OpInput, output: unknown): string {
  switch (input.f) {
    case 'read':
      return `read → ${showValue(output)}`
    case 'write':
      return `write ${showValue(input.value)}`
    case 'cas': {
      const [from, to] = input.value as [unknown, unknown]
      const result = output === undefined ? '?' : output === true ? 'ok' : 'failed'
      return `cas ${showValue(from)}→${showValue(to)} (${result})`
    }
    default:
      return `${input.f} ${showValue(input.value)}`
  }
}

export function registerModel(options: ModelOptions = {}): Model<unknown, OpInput, unknown> {
  const initial = options.initial ?? null
  return {
    spec: { name: 'register', options },
    init: () => initial,
    step(state, input, output) {
      if (input.f === 'write') return [input.value]
      if (input.f === 'read') return read(state, output)
      throw new Error(`register model: unknown operation '${input.f}' (expected read or write)`)
    },
    equal: sameValue,
    hash: hashValue,
    partition: byKey,
    isReadOnly: (input) => input.f === 'read',
    describeOperation: describe,
    describeState: showValue,
  }
}

export function casRegisterModel(options: ModelOptions = {}): Model<unknown, OpInput, unknown> {
  const initial = options.initial ?? null
  return {
    spec: { name: 'cas-register', options },
    init: () => initial,
    step(state, input, output) {
      switch (input.f) {
        case 'write':
          return [input.value]
        case 'read':
          return read(state, output)
        case 'cas': {
          const [from, to] = input.value as [unknown, unknown]
          const matches = sameValue(state, from)
          if (output === undefined) return matches ? [to] : [state]
          if (output === false) return matches ? ILLEGAL : [state]
          return matches ? [to] : ILLEGAL
        }
        default:
          throw new Error(`cas-register model: unknown operation '${input.f}' (expected read, write or cas)`)
      }
    },
    equal: sameValue,
    hash: hashValue,
    partition: byKey,
    // A cas that reported failure only saw that the value was not `from`.
    isReadOnly: (input, output) => input.f === 'read' || (input.f === 'cas' && output === false),
    describeOperation: describe,
    describeState: showValue,
  }
}
