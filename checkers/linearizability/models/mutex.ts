/**
 * A lock: `acquire` succeeds only when it is free, `release` only when it is held.
 * Failed acquires and releases (Jepsen `:fail`, e.g. `:not-held`) never took
 * effect and are dropped before the check.
 */
import type { Model, ModelOptions } from '../types.js'
import { ILLEGAL, type OpInput } from './values.js'

export function mutexModel(options: ModelOptions = {}): Model<boolean, OpInput, unknown> {
  const initial = options.initial === true
  return {
    spec: { name: 'mutex', options },
    init: () => initial,
    step(held, input) {
      switch (input.f) {
        case 'acquire':
          return held ? ILLEGAL : [true]
        case 'release':
          return held ? [false] : ILLEGAL
        default:
          throw new Error(`mutex model: unknown operation '${input.f}' (expected acquire or release)`)
      }
    },
    equal: (a, b) => a === b,
    hash: (held) => (held ? 1 : 0),
    describeOperation: (input) => input.f,
    describeState: (held) => (held ? 'held' : 'free'),
  }
}
