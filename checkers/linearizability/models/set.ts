/**
 * A grow-only set: `add` an element, `read` the whole set (any collection; order
 * and duplicates ignored). State: the sorted element keys and their hash.
 */
import type { Model, ModelOptions } from '../types.js'
import { hashString } from '../cache.js'
import { ILLEGAL, showValue, valueKey, type OpInput } from './values.js'

export interface SetState {
  keys: readonly string[]
  h: number
}

function fromKeys(keys: string[]): SetState {
  keys.sort()
  let h = 0
  for (const k of keys) h = (h + hashString(k)) | 0
  return { keys, h }
}

export function setModel(options: ModelOptions = {}): Model<SetState, OpInput, unknown> {
  const initial = Array.isArray(options.initial) ? [...new Set(options.initial.map(valueKey))] : []
  return {
    spec: { name: 'set', options },
    init: () => fromKeys([...initial]),
    step(state, input, output) {
      switch (input.f) {
        case 'add': {
          const k = valueKey(input.value)
          return state.keys.includes(k) ? [state] : [fromKeys([...state.keys, k])]
        }
        case 'read': {
          if (output === undefined) return [state]
          if (!Array.isArray(output)) return ILLEGAL
          const seen = fromKeys([...new Set(output.map(valueKey))])
          return seen.h === state.h && seen.keys.join('\u0000') === state.keys.join('\u0000') ? [state] : ILLEGAL
        }
        default:
          throw new Error(`set model: unknown operation '${input.f}' (expected add or read)`)
      }
    },
    equal: (a, b) => a.h === b.h && a.keys.length === b.keys.length && a.keys.every((k, i) => k === b.keys[i]),
    hash: (s) => s.h,
    isReadOnly: (input) => input.f === 'read',
    describeOperation: (input, output) =>
      input.f === 'add' ? `add ${showValue(input.value)}` : `read → ${showValue(output)}`,
    describeState: (s) => `#{${s.keys.map((k) => (k[0] === 's' ? JSON.stringify(k.slice(1)) : k.slice(1))).join(' ')}}`,
  }
}
