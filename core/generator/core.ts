/**
 * The generator core: normalising plain values into generators (`toGenerator`),
 * filling in an operation template with a free thread's process, the sequence
 * generator behind arrays, and context restriction for the on-threads combinators.
 *
 * Thread choice: a template without `process` runs on a free thread chosen with
 * `ctx.random.pick` among the free *client* threads, so load spreads across the
 * nodes (thread i talks to node i mod N) and still replays from the seed. Only a
 * context restricted to the nemesis (see `nemesis()`), whose `allThreads` holds
 * no client thread, hands a template to the 'nemesis' thread.
 */
import { UsageError } from '../errors.js'
import type { Op, Process } from '../op.js'
import type { GenContext, GenFn, GenLike, GenStep, Generator, Invocation, OpTemplate, Thread } from './types.js'

export function isGenerator(x: unknown): x is Generator {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Generator).op === 'function' &&
    typeof (x as Generator).update === 'function'
  )
}

export function isOpTemplate(x: unknown): x is OpTemplate {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && typeof (x as OpTemplate).f === 'string'
}

/** The generator that emits nothing. */
export const empty: Generator = {
  op: () => null,
  update() {
    return this
  },
}

/** Turns any `GenLike` (see ./types.ts) into a `Generator`. */
export function toGenerator(g: GenLike): Generator {
  if (g === null || g === undefined) return empty
  if (isGenerator(g)) return g
  if (typeof g === 'function') return new FnGen(g as GenFn)
  if (Array.isArray(g)) return g.length === 0 ? empty : new Seq(toGenerator(g[0] as GenLike), g, 1)
  if (isOpTemplate(g)) return new Once(g)
  throw new UsageError(
    `not a generator: ${describe(g)}`,
    'a generator is an op template { f, value? }, a function (ctx) => template | generator | null, an array of those, or a Generator',
  )
}

/** Whether a free thread may run `process`: its thread is free and the process has not retired. */
export function isFreeProcess(ctx: GenContext, process: Process): boolean {
  const thread = ctx.threadOf(process)
  return ctx.freeThreads.includes(thread) && ctx.processOf(thread) === process
}

/** The threads a template without `process` may go to (see the header comment). */
export function candidateThreads(ctx: GenContext): Thread[] {
  const clients = ctx.freeThreads.filter((t) => t !== 'nemesis')
  if (ctx.allThreads.some((t) => t !== 'nemesis')) return clients
  return ctx.freeThreads.slice()
}

/**
 * The invocation for `template` now, or null when it cannot run yet (no free thread,
 * or its fixed process is busy). `time` is never earlier than `ctx.time`.
 */
export function fillIn(template: OpTemplate, ctx: GenContext): Invocation | null {
  let process = template.process
  if (process === undefined) {
    const threads = candidateThreads(ctx)
    if (threads.length === 0) return null
    const thread = threads.length === 1 ? (threads[0] as Thread) : ctx.random.pick(threads)
    process = ctx.processOf(thread)
  } else if (!isFreeProcess(ctx, process)) {
    return null
  }
  return {
    type: 'invoke',
    f: template.f,
    value: template.value === undefined ? null : template.value,
    process,
    time: Math.max(template.time ?? ctx.time, ctx.time),
  }
}

/** A context that covers only `threads` (kept in the order of `ctx.allThreads`). */
export function restrictContext(ctx: GenContext, keep: (t: Thread) => boolean): GenContext {
  return {
    time: ctx.time,
    freeThreads: ctx.freeThreads.filter(keep),
    allThreads: ctx.allThreads.filter(keep),
    concurrency: ctx.concurrency,
    random: ctx.random,
    processOf: (t) => ctx.processOf(t),
    threadOf: (p) => ctx.threadOf(p),
  }
}

/** Replaces the generator of a step, keeping its op or pending state. */
export function withGen(step: Exclude<GenStep, null>, gen: Generator): Exclude<GenStep, null> {
  return 'pending' in step ? { pending: true, gen } : { op: step.op, gen }
}

/** An op template: emits it once, on a free thread. */
class Once implements Generator {
  constructor(private readonly template: OpTemplate) {}
  op(ctx: GenContext): GenStep {
    const op = fillIn(this.template, ctx)
    return op === null ? { pending: true, gen: this } : { op, gen: empty }
  }
  update(): Generator {
    return this
  }
}

/**
 * A function: called each time an op is wanted. What it returns runs to
 * exhaustion (a template is one op), then the function is called again; null ends it.
 */
const MAX_EMPTY_CALLS = 10_000

class FnGen implements Generator {
  constructor(private readonly fn: GenFn) {}
  op(ctx: GenContext): GenStep {
    // A loop, not recursion: a function that keeps returning empty generators must
    // not grow the stack. It is a bug, reported after MAX_EMPTY_CALLS calls in a row.
    for (let calls = 0; calls < MAX_EMPTY_CALLS; calls++) {
      const r = this.fn(ctx)
      if (r === null || r === undefined) return null
      const step = toGenerator(r).op(ctx)
      if (step !== null) return withGen(step, new Seq(step.gen, [this], 0))
    }
    throw new UsageError(
      `a generator function returned an empty generator ${MAX_EMPTY_CALLS} times in a row`,
      'return null from the function to end it',
    )
  }
  update(): Generator {
    return this
  }
}

/** An array: runs `head`, then `rest[next..]` one after another. Updates go to the running one. */
class Seq implements Generator {
  constructor(
    private readonly head: Generator,
    private readonly rest: readonly GenLike[],
    private readonly next: number,
  ) {}
  op(ctx: GenContext): GenStep {
    let head = this.head
    let next = this.next
    while (true) {
      const step = head.op(ctx)
      // In tail position the head's continuation is the whole rest: returning it
      // directly keeps a long-running function generator from nesting one Seq per op.
      if (step !== null) return next >= this.rest.length ? step : withGen(step, new Seq(step.gen, this.rest, next))
      if (next >= this.rest.length) return null
      head = toGenerator(this.rest[next] as GenLike)
      next++
    }
  }
  update(ctx: GenContext, event: Op): Generator {
    const head = this.head.update(ctx, event)
    return head === this.head ? this : new Seq(head, this.rest, this.next)
  }
}

function describe(x: unknown): string {
  try {
    return JSON.stringify(x) ?? String(x)
  } catch {
    return String(x)
  }
}

/**
 * The index of the soonest op among `times` (undefined for an entry with no op).
 * Ties are broken with `ctx.random`, as Jepsen does, so one member of `any` or one
 * thread of `eachThread` cannot starve the others by always being ready first.
 */
export function soonest(times: readonly (number | undefined)[], ctx: GenContext): number | undefined {
  let min = Infinity
  const tied: number[] = []
  times.forEach((t, i) => {
    if (t === undefined) return
    if (t < min) {
      min = t
      tied.length = 0
    }
    if (t === min) tied.push(i)
  })
  if (tied.length <= 1) return tied[0]
  return ctx.random.pick(tied)
}
