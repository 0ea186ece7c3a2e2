/**
 * A nemesis injects faults. The runner drives it like a client on the 'nemesis'
 * thread: each invocation (e.g. f 'start-partition', value a grudge) is applied
 * and recorded with its completion, so fault windows appear in the history.
 *
 * Every fault a nemesis applies is tracked by it, and `heal` undoes all of them;
 * `heal` is idempotent and is called in the final phase and on every abort path.
 *
 *     // Restarts one node's container now and then (a custom fault).
 *     let cluster: Cluster
 *     const reboots = new Set<string>()
 *     const rebooter: Nemesis = {
 *       name: 'reboot',
 *       fs: ['reboot'],
 *       async setup(ctx) { cluster = ctx.cluster },
 *       async invoke(op) {
 *         const node = String(op.value)
 *         reboots.add(node)
 *         await cluster.remote(node).exec(['sh', '-c', 'kill -TERM 1'])
 *         return { type: 'ok', value: node }
 *       },
 *       async heal() { reboots.clear() }, // nothing stays broken after a reboot
 *     }
 */
import type { Completion } from '../core/op.js'
import type { GenLike, Invocation } from '../core/generator/types.js'
import type { Random } from '../core/random.js'
import type { Cluster } from '../control/remote.js'

export interface NemesisContext {
  cluster: Cluster
  random: Random
  /** Asks the target which nodes lead right now (for 'primaries' targeting), if it can say. */
  primaries?: () => Promise<string[]>
}

export interface Nemesis {
  readonly name: string
  /** Operation names this nemesis understands (start-partition, stop-partition, ...). */
  readonly fs: readonly string[]
  setup?(context: NemesisContext): Promise<void>
  invoke(op: Invocation): Promise<Completion>
  /** Undo every applied fault. Idempotent; safe to call on any path. */
  heal(): Promise<void>
  teardown?(): Promise<void>
}

/** A nemesis package: the nemesis plus the schedule that drives it. */
export interface NemesisPackage {
  nemesis: Nemesis
  /** Fault schedule during the test (runs on the nemesis thread). */
  generator: GenLike
  /** Ops that undo every fault at the end (before the final reads). */
  finalGenerator: GenLike
  /** Short description for `dstest list nemeses` and the report. */
  description: string
}

/** The nemesis that does nothing: `--nemesis none`. */
export function noopNemesis(): Nemesis {
  return {
    name: 'none',
    fs: [],
    async invoke(op) {
      return { type: 'info', value: op.value, error: `the 'none' nemesis does not understand ${op.f}` }
    },
    async heal() {},
  }
}
