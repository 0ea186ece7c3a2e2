/** A counter: `add n` (n may be negative), `read` returns the total. */
import type { Model, ModelOptions } from '../types.js'
import { ILLEGAL, showValue, type OpInput } from './values.js'

export function counterModel(options: ModelOptions = {}): Model<number, OpInput, unknown> {
  const initial = Number(options.initial ?? 0)
  return {
    spec: { name: 'counter', options },
    init: () => initial,
    step(state, input, output) {
      switch (input.f) {
        case 'add':
          return [state + Number(input.value)]
        case 'read':
          return output === undefined || output === state ? [state] : ILLEGAL
        default:
          throw new Error(`counter model: unknown operation '${input.f}' (expected add or read)`)
      }
    },
    equal: (a, b) => a === b,
    hash: (s) => s,
    isReadOnly: (input) => input.f === 'read',
    describeOperation: (input, output) =>
      input.f === 'add' ? `add ${showValue(input.value)}` : `read → ${showValue(output)}`,
    describeState: (s) => String(s),
  }
}
