/**
 * A key/value store of strings with get, put and append (the MIT 6.824 kvraft
 * lab, Porcupine's kv tests). `kvModel` checks each key on its own
 * (P-compositionality): its state is one string. `kvUnpartitionedModel` checks
 * the whole store at once: its state maps keys to strings. Both carry the
 * string's polynomial hash so that an append does not rehash the whole value.
 */
import type { Model, ModelOptions, Operation } from '../types.js'
import { ILLEGAL, polyConcat, polyHash, showValue, valueKey, type OpInput } from './values.js'

/** A string value with its polynomial hash. */
export interface KvString {
  s: string
  h: number
}

function kvString(s: string): KvString {
  return { s, h: polyHash(s) }
}

function stepString(state: KvString, input: OpInput, output: unknown): readonly KvString[] {
  switch (input.f) {
    case 'get':
      return output === undefined || output === state.s ? [state] : ILLEGAL
    case 'put':
      return [kvString(String(input.value))]
    case 'append': {
      const v = String(input.value)
      return [{ s: state.s + v, h: polyConcat(state.h, polyHash(v), v.length) }]
    }
    default:
      throw new Error(`kv model: unknown operation '${input.f}' (expected get, put or append)`)
  }
}

function describe(input: OpInput, output: unknown): string {
  const key = showValue(input.key)
  return input.f === 'get' ? `get ${key} → ${showValue(output)}` : `${input.f} ${key} ${showValue(input.value)}`
}

function byKey<O>(history: readonly Operation<OpInput, O>[]): Operation<OpInput, O>[][] {
  const parts = new Map<string, Operation<OpInput, O>[]>()
  for (const op of history) {
    const k = valueKey(op.input.key)
    let part = parts.get(k)
    if (!part) parts.set(k, (part = []))
    part.push(op)
  }
  return [...parts.values()]
}

export function kvModel(options: ModelOptions = {}): Model<KvString, OpInput, unknown> {
  const initial = String(options.initial ?? '')
  return {
    spec: { name: 'kv', options },
    init: () => kvString(initial),
    step: stepString,
    equal: (a, b) => a.h === b.h && a.s === b.s,
    hash: (s) => s.h,
    partition: byKey,
    isReadOnly: (input) => input.f === 'get',
    describeOperation: describe,
    describeState: (s) => showValue(s.s),
  }
}

/** The whole store: per-key strings and the sum of their keyed hashes. */
export interface KvStore {
  values: ReadonlyMap<string, KvString>
  h: number
}

function entryHash(key: string, v: KvString): number {
  return Math.imul(polyHash(key) ^ 0x5bd1e995, 0x27d4eb2f) ^ v.h
}

export function kvUnpartitionedModel(options: ModelOptions = {}): Model<KvStore, OpInput, unknown> {
  const empty = kvString(String(options.initial ?? ''))
  const get = (s: KvStore, key: string): KvString => s.values.get(key) ?? empty
  return {
    spec: { name: 'kv-unpartitioned', options },
    init: () => ({ values: new Map(), h: 0 }),
    step(state, input, output) {
      const key = valueKey(input.key)
      const before = get(state, key)
      const after = stepString(before, input, output)
      if (after.length === 0 || after[0] === before) return after.length === 0 ? ILLEGAL : [state]
      const values = new Map(state.values)
      const v = after[0]!
      values.set(key, v)
      // Missing keys hold the initial value: hash them as if present.
      return [{ values, h: (state.h - entryHash(key, before) + entryHash(key, v)) | 0 }]
    },
    equal(a, b) {
      if (a.h !== b.h) return false
      for (const [k, v] of a.values) if (get(b, k).s !== v.s) return false
      for (const [k, v] of b.values) if (get(a, k).s !== v.s) return false
      return true
    },
    hash: (s) => s.h,
    isReadOnly: (input) => input.f === 'get',
    describeOperation: describe,
    describeState: (s) =>
      `{${[...s.values].map(([k, v]) => `${k.slice(1)}: ${showValue(v.s)}`).join(', ')}}`,
  }
}
