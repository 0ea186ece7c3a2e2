/**
 * Nemesis packages by name: `--nemesis partition`, `--nemesis kill,partition`.
 * `buildNemesis` composes one fault nemesis per kind into a single nemesis
 * (ops routed by f; one heal undoes everything) and the schedule that drives
 * it; `planSchedule` prints that schedule without running it.
 */
import { UnknownNameError, UsageError } from '../core/errors.js'
import type { Completion } from '../core/op.js'
import type { Invocation } from '../core/generator/types.js'
import { nemesis as onNemesisThread } from '../core/generator/index.js'
import { CLOCK_FS, clockNemesis } from './clock.js'
import { noopNemesis, type Nemesis, type NemesisContext, type NemesisPackage } from './nemesis.js'
import { netStateOf } from './net.js'
import { PACKET_FS, packetNemesis } from './packet.js'
import { PARTITION_FS, partitionNemesis } from './partition.js'
import { KILL_FS, PAUSE_FS, killNemesis, pauseNemesis, type TargetProcessControl } from './process.js'
import { SKEWED_LEADER_FS, skewedLeaderNemesis } from './skewed-leader.js'
import { finalOps, NEMESIS_KINDS, Plan, ScheduleGenerator, type NemesisKind, type ScheduleOptions } from './schedule.js'
import { hasNetworkControl } from '../control/capabilities.js'

export { planSchedule, formatPlannedOp, NEMESIS_KINDS, type NemesisKind, type PlannedOp, type ScheduleOptions } from './schedule.js'
export { TOPOLOGIES, TOPOLOGY_DESCRIPTIONS, type Grudge, type Topology } from './grudge.js'
export { NODE_SELECTIONS, type NodeSelection } from './selection.js'
export type { PacketOptions } from './packet.js'
export type { TargetProcessControl } from './process.js'

/** For `dstest list nemeses`. Combine kinds with commas: `kill,partition`. */
export const nemeses: Record<'none' | NemesisKind, { description: string; fs: readonly string[] }> = {
  none: { description: 'no faults', fs: [] },
  partition: {
    description: 'network partitions (iptables DROP between nodes): one, majority, majorities-ring, minority-third, random-halves, halves, bridge, primaries, or a grudge',
    fs: PARTITION_FS,
  },
  packet: { description: 'lossy or slow links: packet loss (iptables statistic), bandwidth (tc tbf), delay/jitter/dup/reorder (tc netem, where the kernel has it)', fs: PACKET_FS },
  clock: { description: 'clock skew through libfaketime: bump ±ms, strobe, reset', fs: CLOCK_FS },
  kill: { description: "kill the target's process (or the node) and start it again", fs: KILL_FS },
  pause: { description: "pause the target's process (or the node) and resume it", fs: PAUSE_FS },
  'skewed-leader': {
    description: 'cut the leader off, then step its clock back 5-60 s at once (exposes wall-clock leases); not with partition',
    fs: SKEWED_LEADER_FS,
  },
}

/** Parses `--nemesis` ('none', 'partition', 'kill,partition', ...) into kinds; throws E_UNKNOWN_NAME / E_USAGE. */
export function parseNemesisKinds(spec: string | readonly string[]): NemesisKind[] {
  const names = (typeof spec === 'string' ? spec.split(',') : spec).map((s) => s.trim()).filter(Boolean)
  const kinds: NemesisKind[] = []
  for (const name of names) {
    if (name === 'none') continue
    if (!(NEMESIS_KINDS as readonly string[]).includes(name)) throw new UnknownNameError('nemesis', name, Object.keys(nemeses))
    if (!kinds.includes(name as NemesisKind)) kinds.push(name as NemesisKind)
  }
  if (kinds.includes('skewed-leader') && kinds.includes('partition')) {
    throw new UsageError('skewed-leader and partition both set the network rules of the same nodes', 'use one of them per run')
  }
  if (names.includes('none') && kinds.length > 0) throw new UsageError(`'none' cannot be combined with other nemeses (got ${names.join(',')})`, 'pass --nemesis none alone')
  return kinds
}

/** One line for the report and `dstest list`: the description of a (combined) nemesis spec. */
export function describeNemesis(kinds: readonly NemesisKind[]): string {
  return kinds.length === 0 ? nemeses.none.description : kinds.map((k) => `${k}: ${nemeses[k].description}`).join('; ')
}

export interface BuildOptions extends ScheduleOptions {
  /** The target's own kill/start/pause/resume, when it has them (else the engine's). */
  target?: TargetProcessControl
}

function faultNemesis(kind: NemesisKind, options: BuildOptions): Nemesis {
  switch (kind) {
    case 'partition':
      return partitionNemesis()
    case 'packet':
      return packetNemesis(options.packet)
    case 'clock':
      return clockNemesis()
    case 'kill':
      return killNemesis(options.target)
    case 'pause':
      return pauseNemesis(options.target)
    case 'skewed-leader':
      return skewedLeaderNemesis()
  }
}

/** Several nemeses as one: ops routed by f; setup, heal and teardown reach all of them. */
export function composeNemesis(parts: readonly Nemesis[]): Nemesis {
  if (parts.length === 0) return noopNemesis()
  const byF = new Map<string, Nemesis>()
  for (const p of parts) for (const f of p.fs) byF.set(f, p)
  let cluster: NemesisContext['cluster'] | undefined
  return {
    name: parts.map((p) => p.name).join(','),
    fs: [...byF.keys()],
    async setup(context) {
      cluster = context.cluster
      for (const p of parts) await p.setup?.(context)
    },
    async invoke(op: Invocation): Promise<Completion> {
      const p = byF.get(op.f)
      if (!p) return { type: 'fail', value: op.value, error: `no nemesis here understands ${op.f} (fs: ${[...byF.keys()].join(', ')})` }
      return p.invoke(op)
    },
    async heal() {
      // Processes first (a restarted node gets its network state back), then the rest;
      // every part is healed even if one fails, and the first failure is reported.
      const order = [...parts].sort((a, b) => Number(b.name === 'kill' || b.name === 'pause') - Number(a.name === 'kill' || a.name === 'pause'))
      const results = await Promise.allSettled(order.map((p) => p.heal()))
      if (cluster && hasNetworkControl(cluster) && parts.some((p) => p.name === 'partition' || p.name === 'packet' || p.name === 'skewed-leader')) {
        await netStateOf(cluster).heal(true)
      }
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (failed) throw failed.reason
    },
    async teardown() {
      for (const p of parts) await p.teardown?.()
    },
  }
}

/**
 * The nemesis package for `--nemesis`. The schedule draws from `context.random`
 * (give it the same stream `planSchedule` gets, and the plan is the run's).
 */
export function buildNemesis(kinds: readonly NemesisKind[], options: BuildOptions, context: NemesisContext): NemesisPackage {
  const nodes = context.cluster.nodes.map((n) => n.name)
  const plan = new Plan(kinds, options, nodes, context.random)
  return {
    nemesis: composeNemesis(kinds.map((k) => faultNemesis(k, options))),
    generator: kinds.length === 0 ? null : onNemesisThread(new ScheduleGenerator(plan)),
    finalGenerator: onNemesisThread(finalOps(kinds)),
    description: describeNemesis(kinds),
  }
}
