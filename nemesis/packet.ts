/**
 * The packet nemesis: lossy, slow or shaped links on some nodes.
 *   - loss: iptables `statistic` DROP of packets from peers (works everywhere);
 *   - bandwidth: tc tbf on the node's egress;
 *   - delay / jitter / duplication / reordering: tc netem, only where the
 *     kernel has sch_netem — probed at setup, so a missing netem is an
 *     E_UNSUPPORTED error before the test starts, never a silent no-op.
 */
import type { Completion } from '../core/op.js'
import { EnvironmentError } from '../core/errors.js'
import type { Invocation } from '../core/generator/types.js'
import { hasNetworkControl } from '../control/capabilities.js'
import { deleteRootArgv, netemArgv, netemProbeArgv, parseNetemProbe, tbfArgv, type NetemSupport } from '../control/tc.js'
import type { Cluster } from '../control/remote.js'
import type { FaultKind } from './fault-kind.js'
import type { Nemesis, NemesisContext } from './nemesis.js'
import { netStateOf, type NetState } from './net.js'
import { planNodes, type PlannedNodes } from './selection.js'
import { resolvePrimaries } from './partition.js'

/** What a packet fault does (all optional; at least one). */
export interface PacketOptions {
  /** Probability (0..1] of dropping a packet from a peer. */
  loss?: number
  /** Egress bandwidth limit, kbit/s (tc tbf). */
  rateKbit?: number
  /** netem: added delay, its jitter (ms), duplicated and reordered percentages. */
  delayMs?: number
  jitterMs?: number
  duplicatePct?: number
  reorderPct?: number
}

export const DEFAULT_PACKET: PacketOptions = { loss: 0.2 }

/** The value of a start-packet op. */
export interface PacketValue extends PacketOptions {
  nodes: PlannedNodes
}

export const PACKET_FS = ['start-packet', 'stop-packet'] as const

export const packetFault: FaultKind<'packet'> = {
  name: 'packet',
  description: 'lossy or slow links: packet loss (iptables statistic), bandwidth (tc tbf), delay/jitter/dup/reorder (tc netem, where the kernel has it)',
  drawStart: (o, nodes, random) => ({ f: 'start-packet', value: { nodes: planNodes(o.targets ?? 'one', nodes, random), ...(o.packet ?? DEFAULT_PACKET) } }),
  stop: { f: 'stop-packet' },
  nemesis: (o) => packetNemesis(o.packet),
  healRank: 1,
  network: true,
}

export function needsNetem(o: PacketOptions): boolean {
  return o.delayMs !== undefined || o.jitterMs !== undefined || o.duplicatePct !== undefined || o.reorderPct !== undefined
}

/** Checks the options; throws RangeError with the reason. */
export function validatePacketOptions(o: PacketOptions): void {
  if (o.loss !== undefined && !(o.loss > 0 && o.loss <= 1)) throw new RangeError(`packet loss is a probability in (0, 1], got ${o.loss}`)
  if (o.rateKbit !== undefined && !(o.rateKbit > 0)) throw new RangeError(`packet rate must be > 0 kbit/s, got ${o.rateKbit}`)
  if (o.rateKbit !== undefined && needsNetem(o)) {
    throw new RangeError('a packet fault shapes either bandwidth (rate) or delay/jitter/duplication/reordering (netem), not both')
  }
  if (o.loss === undefined && o.rateKbit === undefined && !needsNetem(o)) {
    throw new RangeError('a packet fault needs at least one of loss, rateKbit, delayMs, jitterMs, duplicatePct, reorderPct')
  }
  if (needsNetem(o)) netemArgv(toNetem(o))
}

function toNetem(o: PacketOptions): Parameters<typeof netemArgv>[0] {
  return { delayMs: o.delayMs ?? (o.reorderPct !== undefined ? 10 : undefined), jitterMs: o.jitterMs, duplicatePct: o.duplicatePct, reorderPct: o.reorderPct }
}

/** The tc commands that shape one node for these options (none for loss alone). */
export function shapingCommands(o: PacketOptions): string[][] {
  if (o.rateKbit !== undefined) return [tbfArgv({ rateKbit: o.rateKbit })]
  if (needsNetem(o)) return [netemArgv(toNetem(o))]
  return []
}

/** Probes netem in a node's network namespace (on its loopback; removed at once). */
export async function probeNetem(cluster: Cluster, node?: string): Promise<NetemSupport> {
  if (!hasNetworkControl(cluster)) return { available: false, reason: 'this cluster cannot run tc in its nodes' }
  const at = node ?? cluster.nodes[0]?.name
  if (!at) return { available: false, reason: 'the cluster has no nodes' }
  const r = await cluster.netExec(at, netemProbeArgv())
  if (r.exitCode === 0) await cluster.netExec(at, deleteRootArgv('lo'))
  return parseNetemProbe(r)
}

export function netemUnsupported(reason: string): EnvironmentError {
  return new EnvironmentError(
    'E_UNSUPPORTED',
    `packet delay/jitter/duplication/reordering need tc netem, which is not available: ${reason}`,
    'drop those packet options (loss and rate work without netem), or run on a kernel with sch_netem (modprobe sch_netem)',
  )
}

/**
 * `defaults` are what the schedule asks for; `setup` refuses netem options
 * when the kernel lacks netem.
 */
export function packetNemesis(defaults: PacketOptions = DEFAULT_PACKET): Nemesis {
  validatePacketOptions(defaults)
  let ctx: NemesisContext | undefined
  let net: NetState | undefined
  return {
    name: 'packet',
    fs: PACKET_FS,
    async setup(context) {
      ctx = context
      net = netStateOf(context.cluster)
      await net.prepare()
      if (needsNetem(defaults)) {
        const support = await probeNetem(context.cluster)
        if (!support.available) throw netemUnsupported(support.reason)
      }
    },
    async invoke(op: Invocation): Promise<Completion> {
      if (!ctx || !net) throw new Error('the packet nemesis was invoked before setup')
      if (op.f === 'stop-packet') {
        await net.setLoss(undefined)
        await net.clearShaping()
        return { type: 'ok', value: 'packets flow normally' }
      }
      if (op.f !== 'start-packet') return { type: 'fail', value: op.value, error: `packet nemesis cannot ${op.f}` }
      const value = { ...defaults, ...((op.value ?? {}) as Partial<PacketValue>) }
      try {
        validatePacketOptions(value)
      } catch (e) {
        return { type: 'fail', value: op.value, error: (e as Error).message }
      }
      const all = ctx.cluster.nodes.map((n) => n.name)
      const planned = value.nodes ?? all
      const nodes = planned === 'primaries' ? (await resolvePrimaries(ctx)).filter((n) => all.includes(n)) : planned.filter((n) => all.includes(n))
      await net.setLoss(value.loss !== undefined ? { nodes, probability: value.loss } : undefined)
      const commands = shapingCommands(value)
      if (commands.length > 0) await net.setShaping(nodes, commands)
      else await net.clearShaping()
      const { nodes: _planned, ...applied } = value
      return { type: 'ok', value: { nodes, ...applied } }
    },
    async heal() {
      if (net) await net.heal()
    },
  }
}
