/** Rewriting operations: map and filter. */
import type { Op } from '../op.js'
import { toGenerator } from './core.js'
import type { GenContext, GenLike, GenStep, Generator, Invocation } from './types.js'

/** Each op of `gen`, rewritten by `fn` (e.g. to change `f` or wrap `value`). */
export function map(fn: (op: Invocation, ctx: GenContext) => Invocation, gen: GenLike): Generator {
  return new MapGen(fn, toGenerator(gen))
}

class MapGen implements Generator {
  constructor(
    private readonly fn: (op: Invocation, ctx: GenContext) => Invocation,
    private readonly gen: Generator,
  ) {}
  op(ctx: GenContext): GenStep {
    const step = this.gen.op(ctx)
    if (step === null) return null
    const gen = new MapGen(this.fn, step.gen)
    return 'pending' in step ? { pending: true, gen } : { op: this.fn(step.op, ctx), gen }
  }
  update(ctx: GenContext, event: Op): Generator {
    return new MapGen(this.fn, this.gen.update(ctx, event))
  }
}

/**
 * Only the ops of `gen` that `pred` accepts; the others are skipped (never
 * invoked). A predicate that rejects every op of an infinite generator spins.
 */
export function filter(pred: (op: Invocation) => boolean, gen: GenLike): Generator {
  return new Filter(pred, toGenerator(gen))
}

class Filter implements Generator {
  constructor(
    private readonly pred: (op: Invocation) => boolean,
    private readonly gen: Generator,
  ) {}
  op(ctx: GenContext): GenStep {
    let gen = this.gen
    while (true) {
      const step = gen.op(ctx)
      if (step === null) return null
      if ('pending' in step) return { pending: true, gen: new Filter(this.pred, step.gen) }
      if (this.pred(step.op)) return { op: step.op, gen: new Filter(this.pred, step.gen) }
      gen = step.gen
    }
  }
  update(ctx: GenContext, event: Op): Generator {
    return new Filter(this.pred, this.gen.update(ctx, event))
  }
}
