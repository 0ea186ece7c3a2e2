/**
 * Synthetic histories for benchmarks, demos and scale tests: clients run
 * read/write/cas operations on keyed registers, and each operation takes effect
 * at a random moment between its call and its return, so the history is
 * linearizable by construction. A fraction of operations time out (`info`):
 * they take effect or not, and never return.
 */
import type { Operation } from './types.js'
import type { OpInput } from './models/values.js'

export interface SimulationOptions {
  ops: number
  keys?: number
  concurrency?: number
  /** Fraction of operations that never return. Default 0.05. */
  infoRate?: number
  /** Distinct values written. Default 5. */
  values?: number
  seed?: number
}

export function simulateRegisterHistory(options: SimulationOptions): Operation<OpInput, unknown>[] {
  const { ops: total, keys = 1, concurrency = 5, infoRate = 0.05, values = 5 } = options
  let seed = (options.seed ?? 1) >>> 0
  const random = (): number => {
    seed = (seed + 0x6d2b79f5) >>> 0
    let t = seed
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const registers = new Map<number, unknown>()
  const history: Operation<OpInput, unknown>[] = []
  type Running = { op: Operation<OpInput, unknown>; effected: boolean; info: boolean }
  const running: (Running | undefined)[] = new Array(concurrency).fill(undefined)
  const clientIds = Array.from({ length: concurrency }, (_, i) => i)
  let nextClient = concurrency
  let time = 0
  let started = 0
  while (started < total || running.some((r) => r !== undefined)) {
    const c = Math.floor(random() * concurrency)
    const r = running[c]
    time++
    if (!r) {
      if (started >= total) continue
      started++
      const key = Math.floor(random() * keys)
      const roll = random()
      const input: OpInput =
        roll < 0.5
          ? { f: 'read', key }
          : roll < 0.8
            ? { f: 'write', key, value: Math.floor(random() * values) }
            : { f: 'cas', key, value: [Math.floor(random() * values), Math.floor(random() * values)] }
      const op: Operation<OpInput, unknown> = { clientId: clientIds[c]!, input, call: time, return: Infinity }
      history.push(op)
      running[c] = { op, effected: false, info: random() < infoRate }
    } else if (!r.effected && random() < 0.5) {
      r.effected = true
      if (r.info && random() < 0.5) continue // timed out before taking effect
      const key = r.op.input.key as number
      const current = registers.get(key) ?? null
      if (r.op.input.f === 'read') r.op.output = current
      else if (r.op.input.f === 'write') registers.set(key, r.op.input.value)
      else {
        const [from, to] = r.op.input.value as [number, number]
        r.op.output = current === from
        if (current === from) registers.set(key, to)
      }
    } else if (r.effected) {
      running[c] = undefined
      if (r.info) {
        r.op.output = undefined
        clientIds[c] = nextClient++
      } else r.op.return = time
    }
  }
  return history
}
