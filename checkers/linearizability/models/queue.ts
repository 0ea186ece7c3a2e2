/**
 * A FIFO queue: `enqueue v`; `dequeue` returns the head, or `null` when the queue
 * was empty. A dequeue whose output is unknown removes the head if there is one.
 */
import type { Model, ModelOptions } from '../types.js'
import { ILLEGAL, hashValue, sameValue, showValue, type OpInput } from './values.js'

export interface QueueState {
  items: readonly unknown[]
  h: number
}

function fromItems(items: unknown[]): QueueState {
  let h = 0
  for (const v of items) h = (Math.imul(h, 0x01000193) + hashValue(v)) | 0
  return { items, h }
}

export function queueModel(options: ModelOptions = {}): Model<QueueState, OpInput, unknown> {
  const initial = Array.isArray(options.initial) ? options.initial : []
  return {
    spec: { name: 'queue', options },
    init: () => fromItems([...initial]),
    step(state, input, output) {
      switch (input.f) {
        case 'enqueue':
          return [fromItems([...state.items, input.value])]
        case 'dequeue': {
          const empty = state.items.length === 0
          if (output === undefined) return [empty ? state : fromItems(state.items.slice(1))]
          if (output === null) return empty ? [state] : ILLEGAL
          return !empty && sameValue(state.items[0], output) ? [fromItems(state.items.slice(1))] : ILLEGAL
        }
        default:
          throw new Error(`queue model: unknown operation '${input.f}' (expected enqueue or dequeue)`)
      }
    },
    equal: (a, b) => a.h === b.h && a.items.length === b.items.length && a.items.every((v, i) => sameValue(v, b.items[i])),
    hash: (s) => s.h,
    // A dequeue that found the queue empty changed nothing.
    isReadOnly: (input, output) => input.f === 'dequeue' && output === null,
    describeOperation: (input, output) =>
      input.f === 'enqueue' ? `enqueue ${showValue(input.value)}` : `dequeue → ${showValue(output)}`,
    describeState: (s) => `[${s.items.map(showValue).join(' ')}]`,
  }
}
