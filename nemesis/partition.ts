/**
 * The partition nemesis: `start-partition` with a grudge (or a topology to
 * draw one from) makes each node drop packets from the nodes it holds a
 * grudge against; `stop-partition` lifts it. Rules live in the DSTEST chain
 * of each node's network namespace (see nemesis/net.ts).
 */
import type { Completion } from '../core/op.js'
import type { Invocation } from '../core/generator/types.js'
import type { FaultKind } from './fault-kind.js'
import type { Nemesis, NemesisContext } from './nemesis.js'
import { grudgeFor, isTopology, validateGrudge, type Grudge, type Topology } from './grudge.js'
import { netStateOf, type NetState } from './net.js'
import type { ScheduleOptions } from './schedule.js'

/** The value of a start-partition op. */
export interface PartitionValue {
  topology?: Topology | 'grudge'
  /** When given, applied as is; otherwise drawn from `topology` when applied. */
  grudge?: Grudge
}

export const PARTITION_FS = ['start-partition', 'stop-partition'] as const

/** The topologies a partition is drawn from when `--partition` names none. */
const DEFAULT_TOPOLOGIES: readonly Topology[] = ['one', 'majority', 'majorities-ring', 'minority-third', 'random-halves']

function isGrudge(p: ScheduleOptions['partition']): p is Grudge {
  return typeof p === 'object' && p !== null && !Array.isArray(p)
}

export const partitionFault: FaultKind<'partition'> = {
  name: 'partition',
  description: 'network partitions (iptables DROP between nodes): one, majority, majorities-ring, minority-third, random-halves, halves, bridge, primaries, or a grudge',
  drawStart(o, nodes, random) {
    if (isGrudge(o.partition)) return { f: 'start-partition', value: { topology: 'grudge', grudge: o.partition } }
    const choices: readonly Topology[] =
      o.partition === undefined ? DEFAULT_TOPOLOGIES : typeof o.partition === 'string' ? [o.partition as Topology] : (o.partition as readonly Topology[])
    const topology = random.pick(choices)
    // Who leads is known only when the fault is applied: the grudge is drawn then.
    if (topology === 'primaries') return { f: 'start-partition', value: { topology } }
    return { f: 'start-partition', value: { topology, grudge: grudgeFor(topology, nodes, random) } }
  },
  stop: { f: 'stop-partition' },
  nemesis: () => partitionNemesis(),
  healRank: 1,
  network: true,
}

export function partitionNemesis(): Nemesis {
  let ctx: NemesisContext | undefined
  let net: NetState | undefined
  const need = (): { ctx: NemesisContext; net: NetState } => {
    if (!ctx || !net) throw new Error('the partition nemesis was invoked before setup')
    return { ctx, net }
  }
  return {
    name: 'partition',
    fs: PARTITION_FS,
    async setup(context) {
      ctx = context
      net = netStateOf(context.cluster)
      await net.prepare()
    },
    async invoke(op: Invocation): Promise<Completion> {
      const { ctx, net } = need()
      const nodes = ctx.cluster.nodes.map((n) => n.name)
      if (op.f === 'stop-partition') {
        await net.setGrudge({})
        return { type: 'ok', value: 'network healed' }
      }
      if (op.f !== 'start-partition') return { type: 'fail', value: op.value, error: `partition nemesis cannot ${op.f}` }
      const value = (op.value ?? {}) as PartitionValue
      let grudge: Grudge
      if (value.grudge) grudge = validateGrudge(value.grudge, nodes)
      else {
        const topology = value.topology ?? 'random-halves'
        if (!isTopology(topology)) return { type: 'fail', value: op.value, error: `unknown partition topology '${topology}'` }
        const primaries = topology === 'primaries' ? await resolvePrimaries(ctx) : []
        grudge = grudgeFor(topology, nodes, ctx.random, primaries)
      }
      await net.setGrudge(grudge)
      return { type: 'ok', value: { topology: value.topology ?? 'grudge', grudge } }
    },
    async heal() {
      if (net) await net.heal()
    },
  }
}

export async function resolvePrimaries(ctx: NemesisContext): Promise<string[]> {
  if (!ctx.primaries) return []
  try {
    return await ctx.primaries()
  } catch {
    return [] // no leader known right now: the fault hits nobody, and says so in its completion
  }
}
