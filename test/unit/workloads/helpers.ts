/** Plays a workload's generators with `simulate` (fake clock, 2 ms answers), main phase then final phase. */
import { clients, phases, simulate, stagger, timeLimit, type SimulateOptions } from '../../../core/generator/index.js'
import type { Completion, Op } from '../../../core/op.js'
import type { Workload, WorkloadOptions } from '../../../workloads/workload.js'

export const nodes = ['n1', 'n2', 'n3', 'n4', 'n5']

export function options(workloadOptions: Record<string, unknown> = {}, concurrency = 5): WorkloadOptions {
  return { concurrency, nodes, options: workloadOptions }
}

/** `seconds` of the main phase at 1,000 ops/s, then the final phase; `answer` plays the system (default: ok, value unchanged). */
export function play(workload: Workload, o: WorkloadOptions, seconds = 0.3, answer?: (op: Op) => Completion, seed = 7): Op[] {
  const final = workload.finalGenerator?.(o)
  const main = clients(timeLimit(seconds, stagger(0.001, workload.generator(o))))
  const sim: SimulateOptions = { concurrency: o.concurrency, seed, completeAfterNs: 2e6, steps: 100_000 }
  if (answer) sim.answer = answer
  return simulate(phases(main, ...(final ? [clients(final)] : [])), sim)
}

export const invokes = (h: readonly Op[]): Op[] => h.filter((op) => op.type === 'invoke')
