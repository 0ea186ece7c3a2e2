/**
 * A fault kind as one record: what `--nemesis NAME` means. Everything dstest
 * needs to know about a kind lives in its record, next to its nemesis (as in
 * Jepsen's combined packages): how the schedule draws one fault, the op that
 * undoes it, its line in `dstest list nemeses`, the nemesis that applies it,
 * and where it stands in the heal order. Adding a fault means writing one
 * record and adding it to FAULT_KINDS (nemesis/kinds.ts).
 */
import type { Random } from '../core/random.js'
import type { Nemesis } from './nemesis.js'
import type { TargetProcessControl } from './process.js'
import type { ScheduleOptions } from './schedule.js'

/** What a kind's nemesis is built from: the schedule's options and the target's own process control. */
export interface BuildOptions extends ScheduleOptions {
  /** The target's own kill/start/pause/resume, when it has them (else the engine's). */
  target?: TargetProcessControl
}

export interface FaultKind<Name extends string = string> {
  /** The name `--nemesis` takes. */
  readonly name: Name
  /** One line for `dstest list nemeses` and the report. */
  readonly description: string
  /**
   * The op that starts one fault, drawn from the kind's own random stream.
   * Every decision a plan prints is made here, so the draws (their number
   * and order) are part of what a seed replays.
   */
  drawStart(options: ScheduleOptions, nodes: readonly string[], random: Random): { f: string; value: unknown }
  /** The op that undoes it: the schedule's stop, and the final phase's heal op. */
  readonly stop: { readonly f: string }
  /** The nemesis that applies and heals it. */
  nemesis(options: BuildOptions): Nemesis
  /**
   * Where it heals: kinds heal in ascending order, kinds of one rank together.
   * Processes come back first (rank 0), so a restarted node gets its network
   * state back before the network itself heals (rank 1).
   */
  readonly healRank: number
  /** It changes the nodes' network rules or qdiscs, which a last full network heal clears. */
  readonly network: boolean
  /**
   * Why it cannot run on a cluster of `nodes` nodes with these options (a
   * partition topology that needs more), and the fix; undefined when it can.
   * Asked before anything starts.
   */
  needs?(options: ScheduleOptions, nodes: number): { readonly problem: string; readonly fix: string } | undefined
  /** Kinds it cannot share a test with, and why. */
  readonly excludes?: { readonly kinds: readonly string[]; readonly reason: string; readonly fix: string }
}
