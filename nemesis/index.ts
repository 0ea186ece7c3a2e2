/**
 * Nemesis packages by name: `--nemesis partition`, `--nemesis kill,partition`.
 * `buildNemesis` composes one nemesis per fault kind into a single nemesis
 * (ops routed by f; one heal undoes everything) and the schedule that drives
 * it; `planSchedule` prints that schedule without running it. What each kind
 * is and does is its record in FAULT_KINDS (nemesis/kinds.ts).
 */
import { UnknownNameError, UsageError } from '../core/errors.js'
import type { Completion } from '../core/op.js'
import type { Invocation } from '../core/generator/types.js'
import { nemesis as onNemesisThread } from '../core/generator/index.js'
import { Random } from '../core/random.js'
import { hasNetworkControl } from '../control/capabilities.js'
import type { BuildOptions, FaultKind } from './fault-kind.js'
import { faultKind, FAULT_KINDS, NEMESIS_KINDS, type NemesisKind } from './kinds.js'
import { noopNemesis, type Nemesis, type NemesisContext, type NemesisPackage } from './nemesis.js'
import { netStateOf } from './net.js'
import { finalOps, NS_PER_S, Plan, ScheduleGenerator, type PlannedOp, type ScheduleOptions } from './schedule.js'

export { formatPlannedOp, type PlannedOp, type ScheduleOptions } from './schedule.js'
export { faultKind, FAULT_KINDS, NEMESIS_KINDS, type NemesisKind } from './kinds.js'
export type { BuildOptions, FaultKind } from './fault-kind.js'
export { TOPOLOGIES, TOPOLOGY_DESCRIPTIONS, type Grudge, type Topology } from './grudge.js'
export { NODE_SELECTIONS, type NodeSelection } from './selection.js'
export type { PacketOptions } from './packet.js'
export type { TargetProcessControl } from './process.js'

/** What `--nemesis none` means. */
export const NO_FAULTS = 'no faults'

/** Parses `--nemesis` ('none', 'partition', 'kill,partition', ...) into kinds; throws E_UNKNOWN_NAME / E_USAGE. */
export function parseNemesisKinds(spec: string | readonly string[]): NemesisKind[] {
  const names = (typeof spec === 'string' ? spec.split(',') : spec).map((s) => s.trim()).filter(Boolean)
  const kinds: NemesisKind[] = []
  for (const name of names) {
    if (name === 'none') continue
    if (!(NEMESIS_KINDS as readonly string[]).includes(name)) throw new UnknownNameError('nemesis', name, ['none', ...NEMESIS_KINDS])
    if (!kinds.includes(name as NemesisKind)) kinds.push(name as NemesisKind)
  }
  for (const kind of kinds) {
    const excludes = faultKind(kind).excludes
    if (excludes && kinds.some((k) => excludes.kinds.includes(k))) throw new UsageError(excludes.reason, excludes.fix)
  }
  if (names.includes('none') && kinds.length > 0) throw new UsageError(`'none' cannot be combined with other nemeses (got ${names.join(',')})`, 'pass --nemesis none alone')
  return kinds
}

/** One line for the report and `dstest list`: the description of a (combined) nemesis spec. */
export function describeNemesis(kinds: readonly NemesisKind[]): string {
  return kinds.length === 0 ? NO_FAULTS : kinds.map((k) => `${k}: ${faultKind(k).description}`).join('; ')
}

/** `dstest list nemeses`: 'none', then every kind. */
export function listNemesisKinds(): { name: string; description: string }[] {
  return [{ name: 'none', description: NO_FAULTS }, ...FAULT_KINDS.map((k) => ({ name: k.name, description: k.description }))]
}

/** Several kinds' nemeses as one: ops routed by f; setup and teardown reach all, heal goes by rank. */
function composeNemesis(kinds: readonly FaultKind[], options: BuildOptions): Nemesis {
  if (kinds.length === 0) return noopNemesis()
  const parts = kinds.map((kind) => ({ kind, nemesis: kind.nemesis(options) }))
  const byF = new Map<string, Nemesis>()
  for (const p of parts) for (const f of p.nemesis.fs) byF.set(f, p.nemesis)
  const ranks = [...new Set(parts.map((p) => p.kind.healRank))].sort((a, b) => a - b)
  let cluster: NemesisContext['cluster'] | undefined
  return {
    name: parts.map((p) => p.nemesis.name).join(','),
    fs: [...byF.keys()],
    async setup(context) {
      cluster = context.cluster
      for (const p of parts) await p.nemesis.setup?.(context)
    },
    async invoke(op: Invocation): Promise<Completion> {
      const p = byF.get(op.f)
      if (!p) return { type: 'fail', value: op.value, error: `no nemesis here understands ${op.f} (fs: ${[...byF.keys()].join(', ')})` }
      return p.invoke(op)
    },
    async heal() {
      // Every part is healed even if one fails; the first failure is reported.
      const results: PromiseSettledResult<void>[] = []
      for (const rank of ranks) {
        results.push(...(await Promise.allSettled(parts.filter((p) => p.kind.healRank === rank).map((p) => p.nemesis.heal()))))
      }
      if (cluster && hasNetworkControl(cluster) && parts.some((p) => p.kind.network)) await netStateOf(cluster).heal(true)
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (failed) throw failed.reason
    },
    async teardown() {
      for (const p of parts) await p.nemesis.teardown?.()
    },
  }
}

/**
 * The nemesis package for `--nemesis`. The schedule draws from `context.random`
 * (give it the same stream `planSchedule` gets, and the plan is the run's);
 * set the nemesis up with the same context, so what it draws when a fault is
 * applied (a 'primaries' grudge) comes from that stream too.
 */
export function buildNemesis(names: readonly NemesisKind[], options: BuildOptions, context: NemesisContext): NemesisPackage {
  const kinds = names.map(faultKind)
  const nodes = context.cluster.nodes.map((n) => n.name)
  const plan = new Plan(kinds, options, nodes, context.random)
  return {
    nemesis: composeNemesis(kinds, options),
    generator: kinds.length === 0 ? null : onNemesisThread(new ScheduleGenerator(plan)),
    finalGenerator: onNemesisThread(finalOps(kinds)),
    description: describeNemesis(names),
  }
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
export function planSchedule(names: readonly NemesisKind[], options: ScheduleOptions, context: PlanContext): PlannedOp[] {
  const random = context.random ?? new Random(context.seed ?? 0)
  return new Plan(names.map(faultKind), options, context.nodes, random).until(context.timeLimitSeconds * NS_PER_S)
}
