/**
 * The final reads, retried: after a `fail` or an `info` the same operation is
 * asked again (on whichever client thread is free, a short gap later) until
 * it completes `ok`. `dstest run` bounds the whole phase with `timeLimit
 * (--final-timeout)`, so a system that is still converging after the heal
 * is read once it answers, and one that never does gives up in bounded time.
 */
import { fillIn, toGenerator } from '../core/generator/index.js'
import type { GenContext, GenLike, GenStep, Generator, Invocation, OpTemplate } from '../core/generator/types.js'
import type { Op, Process } from '../core/op.js'

/** Seconds between an attempt that did not succeed and the next. */
export const RETRY_GAP_S = 0.25

interface Retry {
  template: OpTemplate
  /** Not before (ns). */
  time: number
}

export function retryUntilOk(gen: GenLike, gapSeconds = RETRY_GAP_S): Generator {
  return new RetryUntilOk(toGenerator(gen), [], new Map(), gapSeconds * 1e9)
}

class RetryUntilOk implements Generator {
  constructor(
    private readonly gen: Generator,
    /** Attempts to make again, soonest first. */
    private readonly retries: readonly Retry[],
    /** Our operations in flight, by process. */
    private readonly mine: ReadonlyMap<Process, OpTemplate>,
    private readonly gapNs: number,
  ) {}

  op(ctx: GenContext): GenStep {
    const due = this.retries[0]
    if (due && due.time <= ctx.time) {
      const step = this.retry(ctx)
      if (step) return step
    }
    const step = this.gen.op(ctx)
    if (step !== null && !('pending' in step)) {
      return { op: step.op, gen: this.with(step.gen, this.retries, step.op) }
    }
    const next = step === null ? this.gen : step.gen
    // Nothing new to ask now: the next retry, at its time.
    if (due) return this.retry(ctx, next) ?? { pending: true, gen: this.with(next, this.retries) }
    if (step === null && this.mine.size === 0) return null
    return { pending: true, gen: this.with(next, this.retries) }
  }

  update(ctx: GenContext, event: Op): Generator {
    const gen = this.gen.update(ctx, event)
    const template = event.type === 'invoke' ? undefined : this.mine.get(event.process)
    if (template === undefined) return gen === this.gen ? this : this.with(gen, this.retries)
    const mine = new Map(this.mine)
    mine.delete(event.process)
    if (event.type === 'ok') return new RetryUntilOk(gen, this.retries, mine, this.gapNs)
    const retries = [...this.retries, { template, time: event.time + this.gapNs }].sort((a, b) => a.time - b.time)
    return new RetryUntilOk(gen, retries, mine, this.gapNs)
  }

  /** The soonest retry on a free thread, or undefined when no thread is free. */
  private retry(ctx: GenContext, gen: Generator = this.gen): GenStep | undefined {
    const [first, ...rest] = this.retries
    const op = fillIn({ ...first!.template, time: first!.time }, ctx)
    if (op === null) return undefined
    return { op, gen: this.with(gen, rest, op) }
  }

  private with(gen: Generator, retries: readonly Retry[], invoked?: Invocation): RetryUntilOk {
    if (!invoked) return new RetryUntilOk(gen, retries, this.mine, this.gapNs)
    const mine = new Map(this.mine)
    mine.set(invoked.process, { f: invoked.f, value: invoked.value })
    return new RetryUntilOk(gen, retries, mine, this.gapNs)
  }
}
