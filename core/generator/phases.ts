/**
 * Phases: run generators one after another, each starting only once every thread
 * of the context is free, i.e. every operation of the previous phase has completed
 * (Jepsen's synchronize / phases). Within a restricted context (e.g. `clients()`),
 * "every thread" means every thread of that context.
 */
import type { Op } from '../op.js'
import { toGenerator } from './core.js'
import type { GenContext, GenLike, GenStep, Generator } from './types.js'

/** Waits until all threads of the context are free, then becomes `gen`. */
export function synchronize(gen: GenLike): Generator {
  return new Synchronize(toGenerator(gen))
}

/** Each generator runs to exhaustion, and the next starts when nothing is in flight. */
export function phases(...gens: GenLike[]): Generator {
  return toGenerator(gens.map(synchronize))
}

class Synchronize implements Generator {
  constructor(private readonly gen: Generator) {}
  op(ctx: GenContext): GenStep {
    if (ctx.freeThreads.length < ctx.allThreads.length) return { pending: true, gen: this }
    // Everyone is free: from now on this is just `gen`.
    return this.gen.op(ctx)
  }
  update(ctx: GenContext, event: Op): Generator {
    return new Synchronize(this.gen.update(ctx, event))
  }
}
