/**
 * Generators and their combinators (Jepsen's `jepsen.generator`, in TypeScript).
 * See ./types.ts for the protocol and ./core.ts for how plain values become
 * generators and which thread a template runs on.
 *
 * Units: every combinator that takes a duration takes **seconds** (as Jepsen and
 * `--time-limit` do); contexts, op times and `simulate` use nanoseconds.
 * Argument order follows Jepsen: the generator comes last (`limit(10, gen)`).
 */
export type { GenContext, GenFn, GenLike, GenStep, Generator, Invocation, OpTemplate, Thread } from './types.js'
export {
  candidateThreads,
  empty,
  fillIn,
  isFreeProcess,
  isGenerator,
  isOpTemplate,
  restrictContext,
  soonest,
  toGenerator,
} from './core.js'
export { simulate, type SimulateOptions } from './simulate.js'
export { cycle, limit, once, repeat, untilOk } from './limits.js'
export { delay, sleep, stagger, timeLimit } from './time.js'
export { any, flipFlop, mix } from './choice.js'
export { clients, coveredThreads, eachProcess, eachThread, nemesis, onThreads } from './threads.js'
export { phases, synchronize } from './phases.js'
export { filter, map } from './transform.js'
export { independentConcurrent, independentSequential, type Keys } from './independent.js'
