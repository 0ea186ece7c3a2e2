/**
 * Independent keys (Jepsen's jepsen.independent): run a generator per key and
 * wrap every value as `[key, value]`, so a checker can split the history by key
 * and check each small history on its own (linearizability is tractable per key).
 *
 * Keys are an array, or a function from an index 0, 1, 2, ... to a key that
 * returns undefined when there are no more (for an endless supply of keys).
 * Events told to a key's generator have the `[key, v]` wrapper removed again.
 */
import type { Op } from '../op.js'
import { restrictContext, soonest, toGenerator } from './core.js'
import { coveredThreads } from './threads.js'
import type { GenContext, GenLike, GenStep, Generator, Invocation, Thread } from './types.js'

export type Keys<K> = readonly K[] | ((i: number) => K | undefined)

function keyAt<K>(keys: Keys<K>, i: number): K | undefined {
  return typeof keys === 'function' ? keys(i) : keys[i]
}

function wrap<K>(key: K, op: Invocation): Invocation {
  return { ...op, value: [key, op.value] }
}

function sameKey(a: unknown, b: unknown): boolean {
  return Object.is(a, b) || (typeof a === 'object' && a !== null && JSON.stringify(a) === JSON.stringify(b))
}

/**
 * The event as `key`'s generator should see it: the value unwrapped; undefined
 * when it belongs to another key (an op of the previous key still completing).
 */
function unwrapFor<K>(key: K, event: Op): Op | undefined {
  const v = event.value
  if (!Array.isArray(v) || v.length !== 2) return event
  return sameKey(v[0], key) ? { ...event, value: v[1] } : undefined
}

interface Running<K> {
  key: K
  gen: Generator
}

/** `fn(key)` for the first key to exhaustion, then the next key, ... */
export function independentSequential<K>(keys: Keys<K>, fn: (key: K) => GenLike): Generator {
  return new Sequential(keys, fn, 0, undefined)
}

class Sequential<K> implements Generator {
  constructor(
    private readonly keys: Keys<K>,
    private readonly fn: (key: K) => GenLike,
    private readonly nextKey: number,
    private readonly running: Running<K> | undefined,
  ) {}
  op(ctx: GenContext): GenStep {
    let { nextKey, running } = this
    while (true) {
      if (running === undefined) {
        const key = keyAt(this.keys, nextKey)
        if (key === undefined) return null
        nextKey++
        running = { key, gen: toGenerator(this.fn(key)) }
      }
      const step = running.gen.op(ctx)
      if (step === null) {
        running = undefined
        continue
      }
      const gen = new Sequential(this.keys, this.fn, nextKey, { key: running.key, gen: step.gen })
      return 'pending' in step ? { pending: true, gen } : { op: wrap(running.key, step.op), gen }
    }
  }
  update(ctx: GenContext, event: Op): Generator {
    if (this.running === undefined) return this
    const e = unwrapFor(this.running.key, event)
    if (e === undefined) return this
    return new Sequential(this.keys, this.fn, this.nextKey, { key: this.running.key, gen: this.running.gen.update(ctx, e) })
  }
}

/**
 * The client threads split into groups of `threadsPerKey`; each group works one
 * key (`fn(key)` sees only the group's threads) and takes the next unused key when
 * its generator is exhausted. Ends when the keys run out and every group is done.
 * Threads left over when the thread count is not a multiple of `threadsPerKey`
 * stay idle; with fewer threads than `threadsPerKey`, one group has them all.
 */
export function independentConcurrent<K>(keys: Keys<K>, threadsPerKey: number, fn: (key: K) => GenLike): Generator {
  if (!(threadsPerKey >= 1)) throw new RangeError(`independentConcurrent needs threadsPerKey >= 1, got ${threadsPerKey}`)
  return new Concurrent(keys, Math.floor(threadsPerKey), fn, 0, [])
}

/** A group's state: not started yet (undefined), working a key, or done (null). */
type GroupState<K> = Running<K> | null | undefined

class Concurrent<K> implements Generator {
  constructor(
    private readonly keys: Keys<K>,
    private readonly threadsPerKey: number,
    private readonly fn: (key: K) => GenLike,
    private readonly nextKey: number,
    private readonly groups: readonly GroupState<K>[],
  ) {}

  private groupThreads(ctx: GenContext): Thread[][] {
    const threads = coveredThreads(ctx)
    const count = Math.max(1, Math.floor(threads.length / this.threadsPerKey))
    const size = threads.length < this.threadsPerKey ? threads.length : this.threadsPerKey
    return Array.from({ length: count }, (_, g) => threads.slice(g * size, (g + 1) * size))
  }

  op(ctx: GenContext): GenStep {
    const groupThreads = this.groupThreads(ctx)
    const groups = this.groups.slice()
    let nextKey = this.nextKey
    let live = false
    const steps: ({ op: Invocation; state: Running<K> } | undefined)[] = []
    groupThreads.forEach((threads, g) => {
      let state = groups[g]
      if (state === null) return
      if (!threads.some((t) => ctx.freeThreads.includes(t))) {
        live = true // busy now; it starts or continues when a thread is free
        return
      }
      const gctx = restrictContext(ctx, (t) => threads.includes(t))
      while (true) {
        if (state === undefined) {
          const key = keyAt(this.keys, nextKey)
          if (key === undefined) {
            state = null
            break
          }
          nextKey++
          state = { key, gen: toGenerator(this.fn(key)) }
        }
        const step: GenStep = state.gen.op(gctx)
        if (step === null) {
          state = undefined
          continue
        }
        live = true
        if ('pending' in step) state = { key: state.key, gen: step.gen }
        else steps[g] = { op: wrap(state.key, step.op), state: { key: state.key, gen: step.gen } }
        break
      }
      groups[g] = state
    })
    const best = soonest(
      groupThreads.map((_, g) => steps[g]?.op.time),
      ctx,
    )
    const chosen = best === undefined ? undefined : steps[best]
    if (best !== undefined && chosen) {
      groups[best] = chosen.state
      return { op: chosen.op, gen: new Concurrent(this.keys, this.threadsPerKey, this.fn, nextKey, groups) }
    }
    return live ? { pending: true, gen: new Concurrent(this.keys, this.threadsPerKey, this.fn, nextKey, groups) } : null
  }

  update(ctx: GenContext, event: Op): Generator {
    const thread = ctx.threadOf(event.process)
    const groupThreads = this.groupThreads(ctx)
    const g = groupThreads.findIndex((ts) => ts.includes(thread))
    const state = this.groups[g]
    if (g < 0 || !state) return this
    const e = unwrapFor(state.key, event)
    if (e === undefined) return this
    const threads = groupThreads[g] as Thread[]
    const groups = this.groups.slice()
    groups[g] = { key: state.key, gen: state.gen.update(restrictContext(ctx, (t) => threads.includes(t)), e) }
    return new Concurrent(this.keys, this.threadsPerKey, this.fn, this.nextKey, groups)
  }
}
