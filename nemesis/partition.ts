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
import { grudgeFor, isTopology, TOPOLOGIES, TOPOLOGY_MIN_NODES, validateGrudge, type Grudge, type Topology } from './grudge.js'
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

/** The topologies a partition may be drawn from under these options. */
function topologiesOf(o: ScheduleOptions): readonly Topology[] {
  if (o.partition === undefined) return DEFAULT_TOPOLOGIES
  return typeof o.partition === 'string' ? [o.partition as Topology] : (o.partition as readonly Topology[])
}

function isGrudge(p: ScheduleOptions['partition']): p is Grudge {
  return typeof p === 'object' && p !== null && !Array.isArray(p)
}

export const partitionFault: FaultKind<'partition'> = {
  name: 'partition',
  description: 'network partitions (iptables DROP between nodes): one, majority, majorities-ring, minority-third, random-halves, halves, bridge, primaries, or a grudge',
  drawStart(o, nodes, random) {
    if (isGrudge(o.partition)) return { f: 'start-partition', value: { topology: 'grudge', grudge: o.partition } }
    const topology = random.pick(topologiesOf(o))
    // Who leads is known only when the fault is applied: the grudge is drawn then.
    if (topology === 'primaries') return { f: 'start-partition', value: { topology } }
    return { f: 'start-partition', value: { topology, grudge: grudgeFor(topology, nodes, random) } }
  },
  stop: { f: 'stop-partition' },
  needs(o, nodes) {
    if (isGrudge(o.partition)) return undefined
    const short = topologiesOf(o).filter((t) => TOPOLOGY_MIN_NODES[t] > nodes)
    if (short.length === 0) return undefined
    const min = Math.max(...short.map((t) => TOPOLOGY_MIN_NODES[t]))
    const fits = TOPOLOGIES.filter((t) => TOPOLOGY_MIN_NODES[t] <= nodes)
    const drawn = o.partition === undefined ? ', drawn by default,' : ''
    const problem =
      short.length === 1
        ? `the partition topology '${short[0]}'${drawn} needs at least ${min} nodes, and --nodes is ${nodes}`
        : `the partition topologies ${short.map((t) => `'${t}' (${TOPOLOGY_MIN_NODES[t]} nodes)`).join(', ')}${drawn} need more nodes than --nodes ${nodes}`
    return { problem, fix: fits.length > 0 && nodes > 1 ? `pass --nodes ${min} or more, or a --partition that fits: ${fits.join(', ')}` : `pass --nodes ${min} or more` }
  },
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
