/**
 * When operations happen: timeLimit, stagger, delay, sleep. Durations are in
 * seconds; op times and contexts are in nanoseconds.
 */
import type { Op } from '../op.js'
import { empty, toGenerator } from './core.js'
import type { GenContext, GenLike, GenStep, Generator } from './types.js'

const NS_PER_S = 1e9

/**
 * Ops from `gen` for `seconds`, counted from the time of the first op it emits
 * (as Jepsen's time-limit). An op due at or after the cutoff ends it, and so does
 * the clock passing the cutoff while `gen` is pending.
 */
export function timeLimit(seconds: number, gen: GenLike): Generator {
  return new TimeLimit(seconds * NS_PER_S, undefined, toGenerator(gen))
}

class TimeLimit implements Generator {
  constructor(
    private readonly limitNs: number,
    private readonly cutoff: number | undefined,
    private readonly gen: Generator,
  ) {}
  op(ctx: GenContext): GenStep {
    if (this.cutoff !== undefined && ctx.time >= this.cutoff) return null
    const step = this.gen.op(ctx)
    if (step === null) return null
    if ('pending' in step) return { pending: true, gen: new TimeLimit(this.limitNs, this.cutoff, step.gen) }
    const cutoff = this.cutoff ?? step.op.time + this.limitNs
    if (step.op.time >= cutoff) return null
    return { op: step.op, gen: new TimeLimit(this.limitNs, cutoff, step.gen) }
  }
  update(ctx: GenContext, event: Op): Generator {
    return new TimeLimit(this.limitNs, this.cutoff, this.gen.update(ctx, event))
  }
}

/**
 * Spaces the ops of `gen` by exponentially distributed gaps with mean
 * `meanSeconds` (a Poisson process: the rate of the whole generator is
 * 1/meanSeconds, whatever the concurrency). The schedule advances from the
 * previous scheduled time, not from when the op actually ran, so a slow system
 * catches up and the mean interval holds.
 */
export function stagger(meanSeconds: number, gen: GenLike): Generator {
  return new Spaced(meanSeconds * NS_PER_S, 'exponential', undefined, toGenerator(gen))
}

/** Ops of `gen` every `seconds` exactly (sooner when it has fallen behind, to catch up). */
export function delay(seconds: number, gen: GenLike): Generator {
  return new Spaced(seconds * NS_PER_S, 'fixed', undefined, toGenerator(gen))
}

class Spaced implements Generator {
  constructor(
    private readonly intervalNs: number,
    private readonly kind: 'exponential' | 'fixed',
    private readonly nextTime: number | undefined,
    private readonly gen: Generator,
  ) {}
  op(ctx: GenContext): GenStep {
    const step = this.gen.op(ctx)
    if (step === null) return null
    if ('pending' in step) return { pending: true, gen: new Spaced(this.intervalNs, this.kind, this.nextTime, step.gen) }
    const scheduled = this.nextTime ?? step.op.time
    const gap = this.kind === 'fixed' ? this.intervalNs : ctx.random.exponential(this.intervalNs)
    return {
      op: { ...step.op, time: Math.max(step.op.time, scheduled) },
      gen: new Spaced(this.intervalNs, this.kind, scheduled + gap, step.gen),
    }
  }
  update(ctx: GenContext, event: Op): Generator {
    return new Spaced(this.intervalNs, this.kind, this.nextTime, this.gen.update(ctx, event))
  }
}

/**
 * Emits nothing for `seconds`, counted from the first time it is asked for an op;
 * in a sequence `[a, sleep(5), b]`, b starts 5 s after a is exhausted. While it
 * sleeps it answers `pending`, so the runner polls it (a few ms late at most).
 */
export function sleep(seconds: number): Generator {
  return seconds <= 0 ? empty : new Sleep(seconds * NS_PER_S, undefined)
}

class Sleep implements Generator {
  constructor(
    private readonly durationNs: number,
    private readonly until: number | undefined,
  ) {}
  op(ctx: GenContext): GenStep {
    const until = this.until ?? ctx.time + this.durationNs
    if (ctx.time >= until) return null
    return { pending: true, gen: this.until === undefined ? new Sleep(this.durationNs, until) : this }
  }
  update(): Generator {
    return this
  }
}
