/**
 * The process nemesis: kill/start and pause/resume. It uses the target's
 * own Killable / Pausable capabilities when it has them (signals to the
 * target's process, restarted by the target), else the engine's (kill the
 * container / start it again; pause / unpause). A container that restarts
 * comes back with an empty network namespace, so the network state is put
 * back on it (nemesis/net.ts).
 */
import type { Completion } from '../core/op.js'
import { EnvironmentError } from '../core/errors.js'
import type { Invocation } from '../core/generator/types.js'
import { hasNetworkControl, hasNodeControl } from '../control/capabilities.js'
import type { Cluster } from '../control/remote.js'
import type { FaultKind } from './fault-kind.js'
import type { Nemesis, NemesisContext } from './nemesis.js'
import { netStateOf } from './net.js'
import { planNodes, type PlannedNodes } from './selection.js'
import { resolvePrimaries } from './partition.js'

/**
 * What a target can do to its own process (structurally the Killable and
 * Pausable capabilities of targets/target.ts).
 */
export interface TargetProcessControl {
  kill?(cluster: Cluster, node: string): Promise<void>
  start?(cluster: Cluster, node: string): Promise<void>
  pause?(cluster: Cluster, node: string): Promise<void>
  resume?(cluster: Cluster, node: string): Promise<void>
}

export interface ProcessValue {
  nodes?: PlannedNodes
}

export const KILL_FS = ['kill', 'start'] as const
export const PAUSE_FS = ['pause', 'resume'] as const

interface Ops {
  down(node: string): Promise<void>
  up(node: string): Promise<void>
  how: 'target' | 'engine'
}

function opsFor(kind: 'kill' | 'pause', cluster: Cluster, target: TargetProcessControl | undefined): Ops {
  const down = kind === 'kill' ? target?.kill : target?.pause
  const up = kind === 'kill' ? target?.start : target?.resume
  if (down && up) {
    return { how: 'target', down: (n) => down.call(target, cluster, n), up: (n) => up.call(target, cluster, n) }
  }
  if (!hasNodeControl(cluster)) {
    throw new EnvironmentError(
      'E_UNSUPPORTED',
      `the target cannot ${kind} its process and the ${cluster.runId} cluster cannot ${kind} nodes`,
      `give the target ${kind === 'kill' ? 'kill()/start()' : 'pause()/resume()'}, or use the docker runtime`,
    )
  }
  if (kind === 'pause') return { how: 'engine', down: (n) => cluster.pauseNode(n), up: (n) => cluster.resumeNode(n) }
  const net = hasNetworkControl(cluster) ? netStateOf(cluster) : undefined
  return {
    how: 'engine',
    down: async (n) => {
      net?.markDown(n)
      await cluster.killNode(n)
    },
    up: async (n) => {
      await cluster.startNode(n)
      await net?.markUp(n)
    },
  }
}

function processNemesis(kind: 'kill' | 'pause', target?: TargetProcessControl): Nemesis {
  const [downF, upF] = kind === 'kill' ? KILL_FS : PAUSE_FS
  let ctx: NemesisContext | undefined
  let ops: Ops | undefined
  /** Nodes we took down and have not brought back. */
  const affected = new Set<string>()

  const bringUp = async (nodes: string[]): Promise<string[]> => {
    if (!ops) return []
    const done: string[] = []
    for (const n of nodes) {
      await ops.up(n)
      affected.delete(n)
      done.push(n)
    }
    return done
  }

  return {
    name: kind,
    fs: kind === 'kill' ? KILL_FS : PAUSE_FS,
    async setup(context) {
      ctx = context
      ops = opsFor(kind, context.cluster, target)
    },
    async invoke(op: Invocation): Promise<Completion> {
      if (!ctx || !ops) throw new Error(`the ${kind} nemesis was invoked before setup`)
      const all = ctx.cluster.nodes.map((n) => n.name)
      const planned = ((op.value ?? {}) as ProcessValue).nodes
      const nodes =
        planned === undefined ? undefined : planned === 'primaries' ? await resolvePrimaries(ctx) : planned.filter((n) => all.includes(n))
      if (op.f === downF) {
        const targets = nodes ?? []
        for (const n of targets) {
          await ops.down(n)
          affected.add(n)
        }
        return { type: 'ok', value: { [kind === 'kill' ? 'killed' : 'paused']: targets, via: ops.how } }
      }
      if (op.f === upF) {
        const done = await bringUp(nodes ?? [...affected].sort())
        return { type: 'ok', value: { [kind === 'kill' ? 'started' : 'resumed']: done, via: ops.how } }
      }
      return { type: 'fail', value: op.value, error: `${kind} nemesis cannot ${op.f}` }
    },
    async heal() {
      await bringUp([...affected].sort())
    },
  }
}

export function killNemesis(target?: TargetProcessControl): Nemesis {
  return processNemesis('kill', target)
}

export function pauseNemesis(target?: TargetProcessControl): Nemesis {
  return processNemesis('pause', target)
}

// Processes heal first (rank 0): a restarted node gets its network state back
// before the network heals.
export const killFault: FaultKind<'kill'> = {
  name: 'kill',
  description: "kill the target's process (or the node) and start it again",
  drawStart: (o, nodes, random) => ({ f: 'kill', value: { nodes: planNodes(o.targets ?? 'one', nodes, random) } }),
  stop: { f: 'start' },
  nemesis: (o) => killNemesis(o.target),
  healRank: 0,
  network: false,
}

export const pauseFault: FaultKind<'pause'> = {
  name: 'pause',
  description: "pause the target's process (or the node) and resume it",
  drawStart: (o, nodes, random) => ({ f: 'pause', value: { nodes: planNodes(o.targets ?? 'one', nodes, random) } }),
  stop: { f: 'resume' },
  nemesis: (o) => pauseNemesis(o.target),
  healRank: 0,
  network: false,
}
