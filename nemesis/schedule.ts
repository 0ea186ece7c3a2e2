/**
 * Fault schedules, as data. Each fault kind runs its own cycle — wait, start
 * a fault, wait, stop it — with waits drawn uniformly from [0.5, 1.5) ×
 * interval, so several kinds overlap as in Jepsen's combined packages. Every
 * decision (when, which nodes, which grudge, which clock delta) comes from
 * the seeded random source, drawn in a fixed order, so the same seed gives
 * the same plan: `planSchedule` prints it (`dstest run --dry-run`) and the
 * live generator walks the very same plan lazily.
 *
 * Only 'primaries' stays open until the fault is applied (who leads is only
 * known then); the planned op says 'primaries' and its completion names them.
 */
import type { Op } from '../core/op.js'
import type { Random } from '../core/random.js'
import type { GenContext, GenStep, Generator, OpTemplate } from '../core/generator/types.js'
import type { FaultKind } from './fault-kind.js'
import type { Grudge, Topology } from './grudge.js'
import type { PacketOptions } from './packet.js'
import type { NodeSelection } from './selection.js'

export interface ClockOptions {
  /** Bumps are up to ± this many ms (default 60 s). */
  maxOffsetMs?: number
  /** Strobe period and duration (defaults 100 ms, 2 s). */
  strobePeriodMs?: number
  strobeDurationMs?: number
}

export interface ScheduleOptions {
  /** Mean seconds between fault events (default 10). */
  interval?: number
  /** Which nodes kill/pause/clock/packet faults hit (default 'one'). */
  targets?: NodeSelection
  /**
   * Partition topology: one, a list to draw from each time, or an explicit
   * grudge (default: draw from one, majority, majorities-ring, minority-third, random-halves).
   */
  partition?: Topology | readonly Topology[] | Grudge
  /** Packet fault (default 20 % loss). */
  packet?: PacketOptions
  clock?: ClockOptions
}

/** A fault op at a planned time (ns since the test started). */
export interface PlannedOp {
  time: number
  f: string
  value: unknown
}

export const DEFAULT_INTERVAL_S = 10

export const NS_PER_S = 1e9

/** One kind's endless cycle of start/stop ops. */
function* cycleOf(kind: FaultKind, o: ScheduleOptions, nodes: readonly string[], random: Random): Generator_<PlannedOp> {
  const interval = (o.interval ?? DEFAULT_INTERVAL_S) * NS_PER_S
  const wait = (): number => Math.round((0.5 + random.float()) * interval)
  let t = 0
  for (;;) {
    t += wait()
    const start = kind.drawStart(o, nodes, random)
    yield { time: t, ...start }
    t += wait()
    yield { time: t, f: kind.stop.f, value: null }
  }
}
type Generator_<T> = globalThis.Generator<T, never, undefined>

/**
 * The merged, lazily extended plan of all kinds. Each kind draws from its own
 * stream, forked from `random` in the order of `kinds`, so adding a kind does
 * not change the others' decisions.
 */
export class Plan {
  private readonly ops: PlannedOp[] = []
  private readonly heads: { next: PlannedOp; rest: Generator_<PlannedOp> }[]

  constructor(kinds: readonly FaultKind[], options: ScheduleOptions, nodes: readonly string[], random: Random) {
    this.heads = kinds.map((kind) => {
      const rest = cycleOf(kind, options, nodes, random.fork())
      return { next: rest.next().value, rest }
    })
  }

  /** The i-th op of the plan (by time; ties in the order of kinds), or undefined when there are no kinds. */
  at(i: number): PlannedOp | undefined {
    while (this.ops.length <= i) {
      if (this.heads.length === 0) return undefined
      let best = 0
      for (let k = 1; k < this.heads.length; k++) if (this.heads[k]!.next.time < this.heads[best]!.next.time) best = k
      const head = this.heads[best]!
      this.ops.push(head.next)
      head.next = head.rest.next().value
    }
    return this.ops[i]
  }

  /** Every op planned before `untilNs`. */
  until(untilNs: number): PlannedOp[] {
    const out: PlannedOp[] = []
    for (let i = 0; ; i++) {
      const op = this.at(i)
      if (op === undefined || op.time >= untilNs) return out
      out.push(op)
    }
  }
}

/**
 * The schedule as a generator on the nemesis thread: the plan's ops in order,
 * each not before its planned time. Immutable: `op` returns the generator for
 * the next step; the plan it reads is a deterministic, append-only cache.
 */
export class ScheduleGenerator implements Generator {
  constructor(
    private readonly plan: Plan,
    private readonly index = 0,
  ) {}

  op(ctx: GenContext): GenStep {
    const next = this.plan.at(this.index)
    if (next === undefined) return null
    if (!ctx.freeThreads.includes('nemesis')) return { pending: true, gen: this }
    return {
      op: { type: 'invoke', f: next.f, value: next.value, process: 'nemesis', time: Math.max(next.time, ctx.time) },
      gen: new ScheduleGenerator(this.plan, this.index + 1),
    }
  }

  update(_ctx: GenContext, _event: Op): Generator {
    return this
  }
}

/** The ops that undo every kind's faults, for the final phase (in the order of kinds). */
export function finalOps(kinds: readonly FaultKind[]): OpTemplate[] {
  return kinds.map((k) => ({ f: k.stop.f, process: 'nemesis' as const }))
}

/** A planned op as one line for the dry-run listing: `  12.345s  start-partition  {...}`. */
export function formatPlannedOp(op: PlannedOp): string {
  return `${(op.time / NS_PER_S).toFixed(3).padStart(9)}s  ${op.f.padEnd(15)}  ${JSON.stringify(op.value)}`
}
