/**
 * Plays a generator against a fake clock and deterministic completions, the way
 * the runner would, and returns the history. This is how generators are tested:
 * no threads, no timers, the same seed gives the same history.
 *
 * It follows the runner's rules: completions that are due are delivered (with
 * `update`) before the generator is asked again; an op whose time is in the future
 * waits, unless a completion falls due first, in which case the step is dropped
 * and the generator is asked again; `pending` with nothing in flight advances the
 * clock by `pollNs`; after an `info` a client thread takes `process + concurrency`.
 */
import { Random } from '../random.js'
import type { Completion, Op, Process } from '../op.js'
import { toGenerator } from './core.js'
import type { GenContext, GenLike, Generator, Invocation, Thread } from './types.js'

export interface SimulateOptions {
  concurrency: number
  seed: number
  /** Stop invoking after this many invocations (default 10,000); in-flight ops still complete. */
  steps?: number
  /** Stop invoking once the clock reaches this time (ns). */
  untilNs?: number
  /** Latency of each op in ns (default 0: completions are instant). */
  completeAfterNs?: number | ((op: Invocation) => number)
  /** The completion of each invocation (default `{ type: 'ok' }`, keeping the invoked value). */
  answer?: (op: Op) => Completion
  /** How far the clock moves when the generator is pending with nothing in flight (default 5 ms, like the runner). */
  pollNs?: number
}

interface Flight {
  thread: Thread
  invoke: Op
  doneAt: number
  seq: number
}

/** Consecutive polls with nothing in flight before the generator is declared stuck. */
const MAX_IDLE_POLLS = 1_000_000

export function simulate(genLike: GenLike, options: SimulateOptions): Op[] {
  const { concurrency } = options
  const steps = options.steps ?? 10_000
  const pollNs = options.pollNs ?? 5_000_000
  const latency = options.completeAfterNs ?? 0
  const answer = options.answer ?? ((): Completion => ({ type: 'ok' }))
  const random = new Random(options.seed)

  const allThreads: Thread[] = [...Array.from({ length: concurrency }, (_, i) => i), 'nemesis']
  const processOfThread = new Map<Thread, Process>(allThreads.map((t) => [t, t]))
  const threadOf = (p: Process): Thread => (p === 'nemesis' ? 'nemesis' : p % concurrency)
  const inFlight = new Map<Thread, Flight>()
  const history: Op[] = []
  let gen: Generator = toGenerator(genLike)
  let now = 0
  let flightSeq = 0

  const context = (): GenContext => ({
    time: now,
    freeThreads: allThreads.filter((t) => !inFlight.has(t)),
    allThreads,
    concurrency,
    random,
    processOf: (t) => processOfThread.get(t) ?? t,
    threadOf,
  })

  const record = (op: Omit<Op, 'index'>): Op => {
    const full: Op = { index: history.length, ...op }
    history.push(full)
    return full
  }

  // The next completion: earliest due time, then earliest invoked.
  const nextFlight = (): Flight | undefined => {
    let best: Flight | undefined
    for (const f of inFlight.values()) {
      if (!best || f.doneAt < best.doneAt || (f.doneAt === best.doneAt && f.seq < best.seq)) best = f
    }
    return best
  }

  const complete = (flight: Flight): void => {
    inFlight.delete(flight.thread)
    now = Math.max(now, flight.doneAt)
    const c = answer(flight.invoke)
    const op = record({
      time: now,
      type: c.type,
      process: flight.invoke.process,
      f: flight.invoke.f,
      value: c.value === undefined ? flight.invoke.value : c.value,
      ...(c.node === undefined ? {} : { node: c.node }),
      ...(c.error === undefined ? {} : { error: c.error }),
    })
    if (c.type === 'info' && flight.thread !== 'nemesis') {
      processOfThread.set(flight.thread, (flight.invoke.process as number) + concurrency)
    }
    gen = gen.update(context(), op)
  }

  const deliverDue = (): void => {
    for (let f = nextFlight(); f && f.doneAt <= now; f = nextFlight()) complete(f)
  }

  let invocations = 0
  let idle = 0
  while (invocations < steps && (options.untilNs === undefined || now < options.untilNs)) {
    deliverDue()
    const step = gen.op(context())
    if (step === null) break
    if ('pending' in step) {
      gen = step.gen
      const f = nextFlight()
      if (f) {
        complete(f)
      } else {
        if (++idle > MAX_IDLE_POLLS) throw new Error(`simulate: the generator stayed pending with nothing in flight until ${now} ns`)
        now += pollNs
      }
      continue
    }
    const { op } = step
    const thread = threadOf(op.process)
    if (!allThreads.includes(thread) || inFlight.has(thread) || processOfThread.get(thread) !== op.process) {
      throw new Error(`simulate: the generator emitted ${op.f} for process ${op.process}, which is not free`)
    }
    if (op.time > now) {
      const f = nextFlight()
      if (f && f.doneAt <= op.time) {
        complete(f) // news before the op's time: ask again, as the runner does
        continue
      }
      now = op.time
      if (options.untilNs !== undefined && now >= options.untilNs) break
    }
    idle = 0
    gen = step.gen
    const invoke = record({ time: now, type: 'invoke', process: op.process, f: op.f, value: op.value })
    const delay = typeof latency === 'function' ? latency(op) : latency
    inFlight.set(thread, { thread, invoke, doneAt: now + Math.max(0, delay), seq: flightSeq++ })
    invocations++
    gen = gen.update(context(), invoke)
  }
  for (let f = nextFlight(); f; f = nextFlight()) complete(f)
  return history
}
