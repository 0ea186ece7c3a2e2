/**
 * The skewed-leader nemesis: cut the current leader(s) off from everyone, then
 * at once step their clocks back. A leader that trusts its wall clock (a lease
 * with no margin for clock steps) keeps serving reads while the others elect a
 * new leader; independent partition and clock schedules almost never produce
 * this order within the few hundred milliseconds before a leader steps down.
 *
 * Do not combine it with `partition`: both set the same nodes' rules.
 */
import type { Completion } from '../core/op.js'
import type { Invocation } from '../core/generator/types.js'
import { clockNemesis } from './clock.js'
import type { FaultKind } from './fault-kind.js'
import type { Grudge } from './grudge.js'
import type { Nemesis } from './nemesis.js'
import { partitionNemesis } from './partition.js'

export const SKEWED_LEADER_FS = ['start-skewed-leader', 'stop-skewed-leader'] as const

export interface SkewedLeaderValue {
  /** The clock step, ms (negative: back). */
  deltaMs: number
}

/** The nodes a 'primaries' grudge isolates: those that drop everyone else. */
export function isolatedNodes(grudge: Grudge): string[] {
  const nodes = new Set([...Object.keys(grudge), ...Object.values(grudge).flat()])
  return Object.entries(grudge)
    .filter(([, drops]) => drops.length === nodes.size - 1)
    .map(([node]) => node)
    .sort()
}

export const skewedLeaderFault: FaultKind<'skewed-leader'> = {
  name: 'skewed-leader',
  description: 'cut the leader off, then step its clock back 5-60 s at once (exposes wall-clock leases); not with partition',
  drawStart(o, _nodes, random) {
    // Always back (a wall-clock lease then looks valid for longer), 5 s to max.
    const max = Math.max(5_000, Math.round(o.clock?.maxOffsetMs ?? 60_000))
    return { f: 'start-skewed-leader', value: { deltaMs: -random.between(5_000, max) } }
  },
  stop: { f: 'stop-skewed-leader' },
  nemesis: () => skewedLeaderNemesis(),
  healRank: 1,
  network: true,
  excludes: { kinds: ['partition'], reason: 'skewed-leader and partition both set the network rules of the same nodes', fix: 'use one of them per run' },
}

export function skewedLeaderNemesis(): Nemesis {
  const partition = partitionNemesis()
  const clock = clockNemesis()
  return {
    name: 'skewed-leader',
    fs: SKEWED_LEADER_FS,
    async setup(context) {
      await partition.setup?.(context)
      await clock.setup?.(context)
    },
    async invoke(op: Invocation): Promise<Completion> {
      if (op.f === 'stop-skewed-leader') {
        const net = await partition.invoke({ ...op, f: 'stop-partition', value: null })
        const time = await clock.invoke({ ...op, f: 'reset-clock', value: null })
        return { type: net.type === 'ok' && time.type === 'ok' ? 'ok' : 'info', value: { network: net.value, clock: time.value } }
      }
      if (op.f !== 'start-skewed-leader') return { type: 'fail', value: op.value, error: `skewed-leader nemesis cannot ${op.f}` }
      const { deltaMs } = op.value as SkewedLeaderValue
      const cut = await partition.invoke({ ...op, f: 'start-partition', value: { topology: 'primaries' } })
      if (cut.type !== 'ok') return { type: cut.type, value: op.value, ...(cut.error ? { error: cut.error } : {}) }
      const isolated = isolatedNodes((cut.value as { grudge: Grudge }).grudge)
      if (isolated.length === 0) return { type: 'ok', value: { isolated, note: 'no leader known: nothing isolated or skewed' } }
      const skew = await clock.invoke({ ...op, f: 'bump-clock', value: { nodes: isolated, deltaMs } })
      return { type: skew.type, value: { isolated, deltaMs, clock: skew.value } }
    },
    async heal() {
      const results = await Promise.allSettled([partition.heal(), clock.heal()])
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (failed) throw failed.reason
    },
  }
}
