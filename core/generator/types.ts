/**
 * Generators: pure descriptions of which operations to run, when, and on which
 * thread. The runner asks a generator for its next operation with a context
 * (time, free threads, the seeded random source), and tells it about every event
 * (invocations and completions) with `update`. A generator never mutates itself:
 * `op` and `update` return the generator to use next, so a generator value can be
 * replayed, printed and unit-tested without a runner.
 *
 * Plain values are generators too (see `toGenerator` in ./core.ts):
 * - an `OpTemplate` object yields that operation once;
 * - a function `(ctx) => OpTemplate | GenLike | null` is called each time an
 *   operation is wanted and runs until it returns null. It may be called again
 *   for the same operation (the runner asks again when a completion arrives
 *   before a future op is due), so draw from `ctx.random` rather than keeping
 *   counters that must not skip;
 * - an array runs its elements one after another;
 * - null / undefined is the empty generator.
 */
import type { Op, Process } from '../op.js'
import type { Random } from '../random.js'

/** A worker thread: client threads are 0..concurrency-1, plus the nemesis. */
export type Thread = number | 'nemesis'

export interface GenContext {
  /** Nanoseconds since the test started. */
  readonly time: number
  /** Threads with no operation in flight right now, in ascending order, 'nemesis' last. */
  readonly freeThreads: readonly Thread[]
  /** Every thread this context covers (restricted by on-threads combinators). */
  readonly allThreads: readonly Thread[]
  /** The current process of each thread (changes after an info completion). */
  processOf(thread: Thread): Process
  /** The thread a process belongs to. */
  threadOf(process: Process): Thread
  /** Number of client threads (the `concurrency` of the test). */
  readonly concurrency: number
  /** The seeded random source: the only randomness a generator may use. */
  readonly random: Random
}

/** What a generator or a user writes: an operation before the runner fills it in. */
export interface OpTemplate {
  f: string
  value?: unknown
  /** Fixed by the generator (usually filled in by the runner from a free thread). */
  process?: Process
  /** Earliest time (ns since start) at which the op may be invoked. */
  time?: number
}

/** An invocation the generator has decided on: process and time are set. */
export interface Invocation {
  type: 'invoke'
  f: string
  value: unknown
  process: Process
  time: number
}

/**
 * The answer of `op`:
 * - `{ op, gen }`: this invocation next (at `op.time` or later), then continue with `gen`;
 * - `{ pending: true, gen }`: nothing can be emitted now (e.g. no free thread, or
 *   waiting for a phase to finish); ask again after the next event or a short wait;
 * - `null`: this generator is exhausted.
 */
export type GenStep = { op: Invocation; gen: Generator } | { pending: true; gen: Generator } | null

export interface Generator {
  op(ctx: GenContext): GenStep
  /** Told about every invocation and completion the runner records (nemesis ones too). */
  update(ctx: GenContext, event: Op): Generator
}

export type GenFn = (ctx: GenContext) => OpTemplate | GenLike | null | undefined

export type GenLike = Generator | OpTemplate | GenFn | readonly GenLike[] | null | undefined
