/**
 * A workload: which client operations to run (a generator), the final reads after
 * healing, and the checkers that judge the history. Built-in workloads are written
 * with exactly this API, the one a user's own workload file uses:
 *
 *     // my-workload.ts
 *     import { defineWorkload, compose } from 'dstest'
 *     export default defineWorkload({
 *       name: 'my-counter',
 *       description: 'increments and reads one counter',
 *       operations: ['add', 'read'],
 *       generator: () => [(ctx) => ctx.random.bool() ? { f: 'add', value: 1 } : { f: 'read' }],
 *       checkers: () => ({ counter: myCounterChecker }),
 *     })
 *
 *     dstest run --target raft-kv --workload ./my-workload.ts
 */
import type { GenLike } from '../core/generator/types.js'
import type { Checker } from '../checkers/checker.js'

export interface WorkloadOptions {
  /** Client threads. */
  concurrency: number
  /** Node names, n1..nN. */
  nodes: readonly string[]
  /** Free-form options from the spec (`workloadOptions` in the config file). */
  options: Readonly<Record<string, unknown>>
}

export interface Workload {
  readonly name: string
  /** One line for `dstest list workloads`. */
  readonly description: string
  /** The client operation names (f) it invokes: a target that does not implement them all is refused before the run. */
  readonly operations: readonly string[]
  /** Client operations for the main phase (routing to client threads is done by the runner). */
  generator(options: WorkloadOptions): GenLike
  /** Operations after every fault is healed (e.g. a final read of every key). */
  finalGenerator?(options: WorkloadOptions): GenLike
  checkers(options: WorkloadOptions): Record<string, Checker>
}

export function defineWorkload<W extends Workload>(workload: W): W {
  if (!workload.name || typeof workload.generator !== 'function' || typeof workload.checkers !== 'function' || !Array.isArray(workload.operations)) {
    throw new TypeError('defineWorkload needs at least { name, operations, generator(), checkers() }')
  }
  return workload
}
