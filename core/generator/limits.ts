/**
 * How many operations: limit, once, repeat, cycle, untilOk.
 * `repeat` and `cycle` differ as in Jepsen: `repeat` emits the *first* op of the
 * generator again and again (the generator itself never advances), `cycle` runs
 * the generator to exhaustion and then starts it again from the beginning.
 */
import type { Op, Process } from '../op.js'
import { empty, toGenerator, withGen } from './core.js'
import type { GenContext, GenLike, GenStep, Generator } from './types.js'

/** At most `n` operations from `gen`. */
export function limit(n: number, gen: GenLike): Generator {
  return n <= 0 ? empty : new Limit(n, toGenerator(gen))
}

/** One operation from `gen`. */
export function once(gen: GenLike): Generator {
  return limit(1, gen)
}

class Limit implements Generator {
  constructor(
    private readonly remaining: number,
    private readonly gen: Generator,
  ) {}
  op(ctx: GenContext): GenStep {
    const step = this.gen.op(ctx)
    if (step === null) return null
    if ('pending' in step) return { pending: true, gen: new Limit(this.remaining, step.gen) }
    return { op: step.op, gen: this.remaining <= 1 ? empty : new Limit(this.remaining - 1, step.gen) }
  }
  update(ctx: GenContext, event: Op): Generator {
    return new Limit(this.remaining, this.gen.update(ctx, event))
  }
}

/** The first op of `gen`, forever (`repeat(gen)`) or `times` times (`repeat(times, gen)`). */
export function repeat(gen: GenLike): Generator
export function repeat(times: number, gen: GenLike): Generator
export function repeat(a: number | GenLike, b?: GenLike): Generator {
  const [times, gen] = typeof a === 'number' ? [a, b] : [Infinity, a]
  const g = toGenerator(gen)
  return times <= 0 ? empty : new Repeat(g, g, times)
}

class Repeat implements Generator {
  constructor(
    private readonly original: Generator,
    /** The original, advanced only by pending steps (e.g. a leading sleep that has started). */
    private readonly current: Generator,
    private readonly remaining: number,
  ) {}
  op(ctx: GenContext): GenStep {
    const step = this.current.op(ctx)
    if (step === null) return null
    if ('pending' in step) return { pending: true, gen: new Repeat(this.original, step.gen, this.remaining) }
    return { op: step.op, gen: this.remaining <= 1 ? empty : new Repeat(this.original, this.original, this.remaining - 1) }
  }
  update(ctx: GenContext, event: Op): Generator {
    return new Repeat(this.original, this.current.update(ctx, event), this.remaining)
  }
}

/**
 * Runs `gen` to exhaustion, then again from the start: forever (`cycle(gen)`) or
 * `times` rounds (`cycle(times, gen)`). A round that emits nothing ends it, so an
 * empty generator does not spin forever.
 */
export function cycle(gen: GenLike): Generator
export function cycle(times: number, gen: GenLike): Generator
export function cycle(a: number | GenLike, b?: GenLike): Generator {
  const [times, genLike] = typeof a === 'number' ? [a, b] : [Infinity, a]
  const gen = toGenerator(genLike)
  return times <= 0 ? empty : new Cycle(gen, gen, times, false)
}

class Cycle implements Generator {
  constructor(
    private readonly original: Generator,
    private readonly current: Generator,
    private readonly rounds: number,
    private readonly emitted: boolean,
  ) {}
  op(ctx: GenContext): GenStep {
    let { current, rounds, emitted } = this
    while (true) {
      const step = current.op(ctx)
      if (step !== null) {
        const isOp = !('pending' in step)
        return withGen(step, new Cycle(this.original, step.gen, rounds, emitted || isOp))
      }
      if (rounds <= 1 || !emitted) return null
      rounds--
      current = this.original
      emitted = false
    }
  }
  update(ctx: GenContext, event: Op): Generator {
    return new Cycle(this.original, this.current.update(ctx, event), this.rounds, this.emitted)
  }
}

/**
 * Ops from `gen` until one of them completes `ok` (e.g. a final read that must
 * succeed). Ops already in flight when that happens still complete.
 */
export function untilOk(gen: GenLike): Generator {
  return new UntilOk(toGenerator(gen), new Set())
}

class UntilOk implements Generator {
  constructor(
    private readonly gen: Generator,
    private readonly mine: ReadonlySet<Process>,
  ) {}
  op(ctx: GenContext): GenStep {
    const step = this.gen.op(ctx)
    if (step === null) return null
    if ('pending' in step) return { pending: true, gen: new UntilOk(step.gen, this.mine) }
    // Remember our own processes here, not in update: update sees every thread's events.
    return { op: step.op, gen: new UntilOk(step.gen, new Set([...this.mine, step.op.process])) }
  }
  update(ctx: GenContext, event: Op): Generator {
    const gen = this.gen.update(ctx, event)
    if (event.type === 'invoke' || !this.mine.has(event.process)) return new UntilOk(gen, this.mine)
    if (event.type === 'ok') return empty
    const mine = new Set(this.mine)
    mine.delete(event.process)
    return new UntilOk(gen, mine)
  }
}
