/**
 * `--nemesis` names → a nemesis package for the run (nemesis/ does the work),
 * and the dry-run plan. The nemesis draws from its own random stream derived
 * from the seed, so `--dry-run` prints exactly the schedule the run will use.
 */
import type { Cluster } from '../control/remote.js'
import { UsageError } from '../core/errors.js'
import { Random } from '../core/random.js'
import type { TestSpec } from '../core/spec.js'
import {
  buildNemesis,
  formatPlannedOp,
  listNemesisKinds,
  NO_FAULTS,
  parseNemesisKinds,
  planSchedule,
  TOPOLOGIES,
  type BuildOptions,
  type Topology,
} from '../nemesis/index.js'
import { noopNemesis, type NemesisContext, type NemesisPackage } from '../nemesis/nemesis.js'
import { hasKill, hasPause, hasPrimaries, type Target } from '../targets/target.js'

/** The nemesis's random stream for a seed: independent of the clients' stream. */
export { TOPOLOGIES }

export function nemesisRandom(seed: number): Random {
  return new Random((seed ^ 0x6e656d69) >>> 0)
}

function scheduleOptions(spec: TestSpec): BuildOptions {
  const options: BuildOptions = { interval: spec.nemesisInterval }
  if (spec.nemesisTargets) options.targets = spec.nemesisTargets
  if (spec.partition) {
    if (!(TOPOLOGIES as readonly string[]).includes(spec.partition)) {
      throw new UsageError(`unknown partition topology '${spec.partition}'`, `choose one of: ${TOPOLOGIES.join(', ')}`)
    }
    options.partition = spec.partition as Topology
  }
  return options
}

/** Checks names and that the runtime can fault at all; throws exit-3 errors before anything starts. */
export function validateNemesis(spec: TestSpec, runtime: string): void {
  const kinds = parseNemesisKinds(spec.nemesis)
  scheduleOptions(spec)
  if (kinds.length > 0 && runtime === 'memory') {
    throw new UsageError(
      'the memory runtime runs the target in-process, so it has no network, clocks or processes to fault',
      'use --nemesis none, or a Docker target such as --target raft-kv',
    )
  }
}

/** The nemesis's view of a run: its cluster, the schedule's random stream, and who leads (if the target can say). */
export function nemesisContext(cluster: Cluster, seed: number, target: Target): NemesisContext {
  return { cluster, random: nemesisRandom(seed), ...(hasPrimaries(target) ? { primaries: () => target.primaries(cluster) } : {}) }
}

/** The run's nemesis and schedule; the schedule draws from `context.random`. Set the nemesis up with the same context. */
export function buildNemesisPackage(spec: TestSpec, target: Target, context: NemesisContext): NemesisPackage {
  const kinds = parseNemesisKinds(spec.nemesis)
  if (kinds.length === 0) return { nemesis: noopNemesis(), generator: null, finalGenerator: null, description: NO_FAULTS }
  const options = scheduleOptions(spec)
  if (hasKill(target) || hasPause(target)) {
    options.target = {
      ...(hasKill(target) ? { kill: (c: Cluster, n: string) => target.kill(c, n), start: (c: Cluster, n: string) => target.start(c, n) } : {}),
      ...(hasPause(target) ? { pause: (c: Cluster, n: string) => target.pause(c, n), resume: (c: Cluster, n: string) => target.resume(c, n) } : {}),
    }
  }
  return buildNemesis(kinds, options, context)
}

export function planFor(spec: TestSpec, seed: number): string {
  const kinds = parseNemesisKinds(spec.nemesis)
  const nodes = Array.from({ length: spec.nodes }, (_, i) => `n${i + 1}`)
  const header = `seed ${seed}: nemesis ${kinds.length ? kinds.join(',') : 'none'} on ${nodes.join(' ')}, every ~${spec.nemesisInterval}s for ${spec.timeLimit}s`
  if (kinds.length === 0) return `${header}\nno faults planned\n`
  const plan = planSchedule(kinds, scheduleOptions(spec), { random: nemesisRandom(seed), timeLimitSeconds: spec.timeLimit, nodes })
  return [header, ...plan.map(formatPlannedOp), `then heal: ${kinds.map((k) => `stop ${k}`).join(', ')}`].join('\n') + '\n'
}

export function listNemeses(): { name: string; description: string }[] {
  return listNemesisKinds()
}
