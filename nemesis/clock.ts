/**
 * The clock nemesis: per-node wall-clock offsets through libfaketime (the
 * target runs under `faketimeEnv()`; the offset file is rewritten on the
 * host). Jepsen's clock faults:
 *   - bump-clock: add a delta (±ms) to some nodes' clocks;
 *   - strobe-clock: flip some nodes' clocks between +delta and their current
 *     offset every period, for a duration (the op returns when it is over);
 *   - reset-clock: back to the real time.
 * Monotonic clocks are not faked, so timeouts in the target keep working.
 */
import type { Completion } from '../core/op.js'
import { EnvironmentError } from '../core/errors.js'
import type { Invocation } from '../core/generator/types.js'
import { hasClockControl, type ClockControl } from '../control/capabilities.js'
import type { FaultKind } from './fault-kind.js'
import type { Nemesis, NemesisContext } from './nemesis.js'
import { planNodes, type PlannedNodes } from './selection.js'
import { resolvePrimaries } from './partition.js'

export interface BumpValue {
  /** node → delta in ms added to its clock; or one delta for the planned nodes. */
  deltas?: Record<string, number>
  nodes?: PlannedNodes
  deltaMs?: number
}

export interface StrobeValue {
  nodes: PlannedNodes
  deltaMs: number
  periodMs: number
  durationMs: number
}

export interface ResetValue {
  /** Nodes to reset; all when absent. */
  nodes?: string[]
}

export const CLOCK_FS = ['bump-clock', 'strobe-clock', 'reset-clock'] as const

export const clockFault: FaultKind<'clock'> = {
  name: 'clock',
  description: 'clock skew through libfaketime: bump ±ms, strobe, reset',
  drawStart(o, nodes, random) {
    const max = o.clock?.maxOffsetMs ?? 60_000
    const picked = planNodes(o.targets ?? 'one', nodes, random)
    // Whole milliseconds, either sign, never zero.
    const delta = (random.bool() ? 1 : -1) * random.between(1, Math.max(1, Math.round(max)))
    if (random.bool(0.25)) {
      return {
        f: 'strobe-clock',
        value: { nodes: picked, deltaMs: delta, periodMs: o.clock?.strobePeriodMs ?? 100, durationMs: o.clock?.strobeDurationMs ?? 2000 },
      }
    }
    return { f: 'bump-clock', value: { nodes: picked, deltaMs: delta } }
  },
  stop: { f: 'reset-clock' },
  nemesis: () => clockNemesis(),
  healRank: 1,
  network: false,
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export function clockNemesis(): Nemesis {
  let ctx: NemesisContext | undefined
  let clock: ClockControl | undefined
  /** Current offset of each node we touched, ms. */
  const offsets = new Map<string, number>()

  const set = async (node: string, ms: number): Promise<void> => {
    if (!clock) throw new Error('the clock nemesis was invoked before setup')
    await clock.setClockOffset(node, ms)
    offsets.set(node, ms)
  }
  const resolve = async (nodes: PlannedNodes | undefined): Promise<string[]> => {
    if (!ctx) return []
    const all = ctx.cluster.nodes.map((n) => n.name)
    if (nodes === undefined) return all
    if (nodes === 'primaries') return (await resolvePrimaries(ctx)).filter((n) => all.includes(n))
    return nodes.filter((n) => all.includes(n))
  }

  return {
    name: 'clock',
    fs: CLOCK_FS,
    async setup(context) {
      if (!hasClockControl(context.cluster)) {
        throw new EnvironmentError('E_UNSUPPORTED', `the ${context.cluster.runId} cluster cannot set node clocks`, 'use the docker runtime for clock faults')
      }
      ctx = context
      clock = context.cluster
    },
    async invoke(op: Invocation): Promise<Completion> {
      switch (op.f) {
        case 'bump-clock': {
          const v = (op.value ?? {}) as BumpValue
          const deltas: Record<string, number> = { ...(v.deltas ?? {}) }
          if (v.deltaMs !== undefined) for (const n of await resolve(v.nodes)) deltas[n] = v.deltaMs
          const applied: Record<string, number> = {}
          for (const [node, delta] of Object.entries(deltas)) {
            const next = (offsets.get(node) ?? 0) + delta
            await set(node, next)
            applied[node] = next
          }
          return { type: 'ok', value: { offsets: applied } }
        }
        case 'strobe-clock': {
          const v = op.value as StrobeValue
          const nodes = await resolve(v.nodes)
          const base = new Map(nodes.map((n) => [n, offsets.get(n) ?? 0]))
          const period = Math.max(1, v.periodMs)
          const until = Date.now() + v.durationMs
          let flips = 0
          for (let up = true; Date.now() < until; up = !up, flips++) {
            await Promise.all(nodes.map((n) => set(n, (base.get(n) ?? 0) + (up ? v.deltaMs : 0))))
            await sleep(Math.min(period, Math.max(0, until - Date.now())))
          }
          await Promise.all(nodes.map((n) => set(n, base.get(n) ?? 0)))
          return { type: 'ok', value: { nodes, deltaMs: v.deltaMs, periodMs: v.periodMs, durationMs: v.durationMs, flips } }
        }
        case 'reset-clock': {
          const nodes = ((op.value ?? {}) as ResetValue).nodes ?? (await resolve(undefined))
          await Promise.all(nodes.map((n) => set(n, 0)))
          return { type: 'ok', value: { reset: nodes } }
        }
        default:
          return { type: 'fail', value: op.value, error: `clock nemesis cannot ${op.f}` }
      }
    },
    async heal() {
      if (!ctx || !clock) return
      await Promise.all(ctx.cluster.nodes.map((n) => set(n.name, 0)))
    },
  }
}
