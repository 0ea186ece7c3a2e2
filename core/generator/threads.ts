/**
 * Which threads a generator runs on: onThreads / clients / nemesis restrict the
 * context a generator sees (its free and all threads) and the events it is told
 * about; eachThread / eachProcess give every thread (or process) its own copy.
 */
import type { Op, Process } from '../op.js'
import { restrictContext, soonest, toGenerator } from './core.js'
import type { GenContext, GenLike, GenStep, Generator, Thread } from './types.js'

/** `gen` sees only the threads `keep` accepts, and only their events. */
export function onThreads(keep: (t: Thread) => boolean, gen: GenLike): Generator {
  return new OnThreads(keep, toGenerator(gen))
}

/** `gen` runs on the client threads only. */
export function clients(gen: GenLike): Generator {
  return onThreads(isClientThread, gen)
}

/** `gen` runs on the nemesis thread only: its templates become nemesis operations. */
export function nemesis(gen: GenLike): Generator {
  return onThreads(isNemesisThread, gen)
}

function isClientThread(t: Thread): boolean {
  return t !== 'nemesis'
}

function isNemesisThread(t: Thread): boolean {
  return t === 'nemesis'
}

class OnThreads implements Generator {
  constructor(
    private readonly keep: (t: Thread) => boolean,
    private readonly gen: Generator,
  ) {}
  op(ctx: GenContext): GenStep {
    const step = this.gen.op(restrictContext(ctx, this.keep))
    if (step === null) return null
    const gen = new OnThreads(this.keep, step.gen)
    if ('pending' in step) return { pending: true, gen }
    if (!this.keep(ctx.threadOf(step.op.process))) {
      throw new Error(`a generator restricted to some threads emitted ${step.op.f} for process ${step.op.process}, outside them`)
    }
    return { op: step.op, gen }
  }
  update(ctx: GenContext, event: Op): Generator {
    if (!this.keep(ctx.threadOf(event.process))) return this
    return new OnThreads(this.keep, this.gen.update(restrictContext(ctx, this.keep), event))
  }
}

/**
 * An independent copy of `gen` for each thread; each copy sees a context with
 * just its thread. It covers the client threads of the context (wrap it in
 * `nemesis()` to run it on the nemesis). It ends when every copy is exhausted.
 */
export function eachThread(gen: GenLike): Generator {
  return new Each('thread', toGenerator(gen), new Map())
}

/**
 * Like eachThread, but the copy belongs to the process: after an `info` the
 * thread's new process starts a fresh copy of `gen` (Jepsen's each-process).
 */
export function eachProcess(gen: GenLike): Generator {
  return new Each('process', toGenerator(gen), new Map())
}

/** The threads the per-thread combinators cover: the client threads, or the nemesis alone. */
export function coveredThreads(ctx: GenContext): Thread[] {
  const clientThreads = ctx.allThreads.filter(isClientThread)
  return clientThreads.length > 0 ? clientThreads : ctx.allThreads.slice()
}

/** A copy in progress, or null once exhausted. Copies not yet started are `base`. */
type Copies = ReadonlyMap<Thread | Process, Generator | null>

class Each implements Generator {
  constructor(
    private readonly by: 'thread' | 'process',
    private readonly base: Generator,
    private readonly copies: Copies,
  ) {}

  private keyOf(ctx: GenContext, t: Thread): Thread | Process {
    return this.by === 'thread' ? t : ctx.processOf(t)
  }

  private copyOf(key: Thread | Process): Generator | null {
    const c = this.copies.get(key)
    return c === undefined ? this.base : c
  }

  op(ctx: GenContext): GenStep {
    const threads = coveredThreads(ctx)
    const next = new Map(this.copies)
    const steps: (Exclude<GenStep, null | { pending: true }> | undefined)[] = []
    let live = false
    threads.forEach((t, i) => {
      const key = this.keyOf(ctx, t)
      const copy = this.copyOf(key)
      if (copy === null) return
      if (!ctx.freeThreads.includes(t)) {
        live = true // busy: it may still have more to do
        return
      }
      const step = copy.op(only(ctx, t))
      if (step === null) {
        next.set(key, null)
      } else {
        live = true
        if ('pending' in step) next.set(key, step.gen)
        else steps[i] = step
      }
    })
    const best = soonest(
      threads.map((_, i) => steps[i]?.op.time),
      ctx,
    )
    const chosen = best === undefined ? undefined : steps[best]
    if (best !== undefined && chosen) {
      next.set(this.keyOf(ctx, threads[best] as Thread), chosen.gen)
      return { op: chosen.op, gen: new Each(this.by, this.base, next) }
    }
    return live ? { pending: true, gen: new Each(this.by, this.base, next) } : null
  }

  update(ctx: GenContext, event: Op): Generator {
    const thread = ctx.threadOf(event.process)
    if (!coveredThreads(ctx).includes(thread)) return this
    const key = this.by === 'thread' ? thread : event.process
    const copy = this.copyOf(key)
    if (copy === null) return this
    const next = new Map(this.copies)
    next.set(key, copy.update(only(ctx, thread), event))
    return new Each(this.by, this.base, next)
  }
}

function only(ctx: GenContext, t: Thread): GenContext {
  return restrictContext(ctx, (u) => u === t)
}
