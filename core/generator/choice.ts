/**
 * Choosing between generators: mix (a random one per op), any (whichever is
 * ready first), flipFlop (alternating). Updates reach every member, so members
 * that track completions (phases, untilOk, ...) keep working inside them.
 */
import type { Op } from '../op.js'
import { soonest, toGenerator, withGen } from './core.js'
import type { GenContext, GenLike, GenStep, Generator } from './types.js'

/**
 * Each op comes from a member chosen uniformly at random (with `ctx.random`); an
 * exhausted member drops out and the choice is made again. The choice is kept while
 * the chosen member is pending, so a busy member is not skipped for an idle one.
 */
export function mix(...gens: GenLike[]): Generator {
  return new Mix(gens.map(toGenerator), undefined)
}

class Mix implements Generator {
  constructor(
    private readonly gens: readonly Generator[],
    private readonly chosen: number | undefined,
  ) {}
  op(ctx: GenContext): GenStep {
    let gens = this.gens
    let i = this.chosen
    while (gens.length > 0) {
      if (i === undefined) i = ctx.random.int(gens.length)
      const step = (gens[i] as Generator).op(ctx)
      if (step === null) {
        gens = gens.filter((_, j) => j !== i)
        i = undefined
        continue
      }
      const next = gens.slice()
      next[i] = step.gen
      return 'pending' in step ? { pending: true, gen: new Mix(next, i) } : { op: step.op, gen: new Mix(next, undefined) }
    }
    return null
  }
  update(ctx: GenContext, event: Op): Generator {
    return new Mix(
      this.gens.map((g) => g.update(ctx, event)),
      this.chosen,
    )
  }
}

/**
 * Ops from whichever member has one soonest (earliest `time`; ties are broken
 * at random). Pending while no member has an op and some are not exhausted.
 */
export function any(...gens: GenLike[]): Generator {
  return new Any(gens.map(toGenerator))
}

class Any implements Generator {
  constructor(private readonly gens: readonly Generator[]) {}
  op(ctx: GenContext): GenStep {
    // Members that answered pending or null keep their new state; members whose op
    // was not chosen are asked again next time, from their old state.
    const next: (Generator | null)[] = this.gens.slice()
    const ops: (Exclude<GenStep, null | { pending: true }> | undefined)[] = []
    this.gens.forEach((g, i) => {
      const step = g.op(ctx)
      if (step === null) next[i] = null
      else if ('pending' in step) next[i] = step.gen
      else ops[i] = step
    })
    const best = soonest(
      this.gens.map((_, i) => ops[i]?.op.time),
      ctx,
    )
    const chosen = best === undefined ? undefined : ops[best]
    if (best !== undefined && chosen) next[best] = chosen.gen
    const live = next.filter((g): g is Generator => g !== null)
    if (chosen) return { op: chosen.op, gen: new Any(live) }
    return live.length === 0 ? null : { pending: true, gen: new Any(live) }
  }
  update(ctx: GenContext, event: Op): Generator {
    return new Any(this.gens.map((g) => g.update(ctx, event)))
  }
}

/** An op from `a`, then one from `b`, then `a`, ... until either is exhausted. */
export function flipFlop(a: GenLike, b: GenLike): Generator {
  return new FlipFlop([toGenerator(a), toGenerator(b)], 0)
}

class FlipFlop implements Generator {
  constructor(
    private readonly gens: readonly [Generator, Generator],
    private readonly turn: 0 | 1,
  ) {}
  op(ctx: GenContext): GenStep {
    const step = this.gens[this.turn].op(ctx)
    if (step === null) return null
    const gens: [Generator, Generator] = [...this.gens]
    gens[this.turn] = step.gen
    const turn = 'pending' in step ? this.turn : this.turn === 0 ? 1 : 0
    return withGen(step, new FlipFlop(gens, turn))
  }
  update(ctx: GenContext, event: Op): Generator {
    return new FlipFlop([this.gens[0].update(ctx, event), this.gens[1].update(ctx, event)], this.turn)
  }
}
