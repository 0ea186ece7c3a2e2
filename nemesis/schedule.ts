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
import { Random } from '../core/random.js'
import type { GenContext, GenStep, Generator, OpTemplate } from '../core/generator/types.js'
import { grudgeFor, type Grudge, type Topology } from './grudge.js'
import { DEFAULT_PACKET, type PacketOptions } from './packet.js'
import { planNodes, type NodeSelection } from './selection.js'

export const NEMESIS_KINDS = ['partition', 'packet', 'clock', 'kill', 'pause', 'skewed-leader'] as const
export type NemesisKind = (typeof NEMESIS_KINDS)[number]

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
export const DEFAULT_TOPOLOGIES: readonly Topology[] = ['one', 'majority', 'majorities-ring', 'minority-third', 'random-halves']

const NS_PER_S = 1e9

/** What undoes each kind (the final generator, in this order). */
export const STOP_OF: Record<NemesisKind, OpTemplate> = {
  partition: { f: 'stop-partition' },
  packet: { f: 'stop-packet' },
  clock: { f: 'reset-clock' },
  kill: { f: 'start' },
  pause: { f: 'resume' },
  'skewed-leader': { f: 'stop-skewed-leader' },
}

function isGrudge(p: ScheduleOptions['partition']): p is Grudge {
  return typeof p === 'object' && p !== null && !Array.isArray(p)
}

/** The start op of one fault of `kind`, drawn from `random`. */
function drawStart(kind: NemesisKind, o: ScheduleOptions, nodes: readonly string[], random: Random): { f: string; value: unknown } {
  const targets = o.targets ?? 'one'
  switch (kind) {
    case 'partition': {
      if (isGrudge(o.partition)) return { f: 'start-partition', value: { topology: 'grudge', grudge: o.partition } }
      const choices: readonly Topology[] =
        o.partition === undefined ? DEFAULT_TOPOLOGIES : typeof o.partition === 'string' ? [o.partition as Topology] : (o.partition as readonly Topology[])
      const topology = random.pick(choices)
      if (topology === 'primaries') return { f: 'start-partition', value: { topology } }
      return { f: 'start-partition', value: { topology, grudge: grudgeFor(topology, nodes, random) } }
    }
    case 'packet':
      return { f: 'start-packet', value: { nodes: planNodes(targets, nodes, random), ...(o.packet ?? DEFAULT_PACKET) } }
    case 'clock': {
      const max = o.clock?.maxOffsetMs ?? 60_000
      const picked = planNodes(targets, nodes, random)
      // Whole milliseconds, either sign, never zero.
      const delta = (random.bool() ? 1 : -1) * random.between(1, Math.max(1, Math.round(max)))
      if (random.bool(0.25)) {
        return {
          f: 'strobe-clock',
          value: { nodes: picked, deltaMs: delta, periodMs: o.clock?.strobePeriodMs ?? 100, durationMs: o.clock?.strobeDurationMs ?? 2000 },
        }
      }
      return { f: 'bump-clock', value: { nodes: picked, deltaMs: delta } }
    }
    case 'kill':
      return { f: 'kill', value: { nodes: planNodes(targets, nodes, random) } }
    case 'pause':
      return { f: 'pause', value: { nodes: planNodes(targets, nodes, random) } }
    case 'skewed-leader': {
      // Always back (a wall-clock lease then looks valid for longer), 5 s to max.
      const max = Math.max(5_000, Math.round(o.clock?.maxOffsetMs ?? 60_000))
      return { f: 'start-skewed-leader', value: { deltaMs: -random.between(5_000, max) } }
    }
  }
}

/** One kind's endless cycle of start/stop ops. */
function* cycleOf(kind: NemesisKind, o: ScheduleOptions, nodes: readonly string[], random: Random): Generator_<PlannedOp> {
  const interval = (o.interval ?? DEFAULT_INTERVAL_S) * NS_PER_S
  const wait = (): number => Math.round((0.5 + random.float()) * interval)
  let t = 0
  for (;;) {
    t += wait()
    const start = drawStart(kind, o, nodes, random)
    yield { time: t, ...start }
    t += wait()
    yield { time: t, f: STOP_OF[kind].f, value: null }
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

  constructor(kinds: readonly NemesisKind[], options: ScheduleOptions, nodes: readonly string[], random: Random) {
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

/** The ops that undo every kind's faults, for the final phase. */
export function finalOps(kinds: readonly NemesisKind[]): OpTemplate[] {
  return kinds.map((k) => ({ ...STOP_OF[k], process: 'nemesis' as const }))
}

export interface PlanContext {
  /** The test's seed; the plan draws from `new Random(seed)` unless `random` is given. */
  seed?: number
  /** The exact stream the live nemesis will get (NemesisContext.random), for identical decisions. */
  random?: Random
  timeLimitSeconds: number
  nodes: readonly string[]
}

/** `dstest run --dry-run`: the faults a run with this seed would inject, with their times. */
export function planSchedule(kinds: readonly NemesisKind[], options: ScheduleOptions, context: PlanContext): PlannedOp[] {
  const random = context.random ?? new Random(context.seed ?? 0)
  return new Plan(kinds, options, context.nodes, random).until(context.timeLimitSeconds * NS_PER_S)
}

/** A planned op as one line for the dry-run listing: `  12.345s  start-partition  {...}`. */
export function formatPlannedOp(op: PlannedOp): string {
  return `${(op.time / NS_PER_S).toFixed(3).padStart(9)}s  ${op.f.padEnd(15)}  ${JSON.stringify(op.value)}`
}
