/**
 * `--nemesis` names → a nemesis package for the run (nemesis/ does the work),
 * and the dry-run plan. The nemesis draws from its own random stream derived
 * from the seed, so `--dry-run` prints exactly the schedule the run will use.
 */
import type { Cluster } from '../control/remote.js'
import { EnvironmentError, UsageError } from '../core/errors.js'
import { Random } from '../core/random.js'
import type { TestSpec } from '../core/spec.js'
import {
  buildNemesis,
  faultKind,
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
import { hasKill, hasPause, hasPrimaries, type Target, type TargetOptions } from '../targets/target.js'

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

/** Checks names, that the runtime can fault at all and that each fault fits the cluster; throws exit-3 errors before anything starts. */
export function validateNemesis(spec: TestSpec, runtime: string): void {
  const kinds = parseNemesisKinds(spec.nemesis)
  const options = scheduleOptions(spec)
  for (const kind of kinds) {
    const need = faultKind(kind).needs?.(options, spec.nodes)
    if (need) throw new UsageError(need.problem, need.fix)
  }
  if (kinds.length > 0 && runtime === 'memory') {
    throw new UsageError(
      'the memory runtime runs the target in-process, so it has no network, clocks or processes to fault',
      'use --nemesis none, or a Docker target such as --target raft-kv',
    )
  }
}

/** The fault kinds that move node clocks. */
const CLOCK_KINDS: readonly string[] = ['clock', 'skewed-leader']

/**
 * Clock faults reach a target only in the way it declares (`Target.clock`):
 * through libfaketime in its processes, or through the host's real clock,
 * which only the SSH runtime with --ssh-real-clock steps. Asked for anyway,
 * they would report `bump-clock ok` while the system saw nothing: refused
 * here, before anything starts (exit 4), with the reason and the fix.
 */
export function checkClockSupport(spec: Pick<TestSpec, 'nemesis' | 'sshRealClock'>, target: Pick<Target, 'name' | 'clock'>, runtime: string): void {
  const kinds = parseNemesisKinds(spec.nemesis).filter((k) => CLOCK_KINDS.includes(k))
  if (kinds.length === 0) return
  const asked = `--nemesis ${kinds.join(',')}`
  const clock = target.clock ?? 'none'
  if (clock === 'none') {
    throw new EnvironmentError(
      'E_UNSUPPORTED',
      `${asked} cannot reach target ${target.name}: it does not declare how clock faults reach it, so they would change nothing it sees`,
      `start its processes under libfaketime (NodeProcess does unless told faketime: false) and add clock: 'faketime' to the target, or run without ${kinds.join(' and ')}`,
    )
  }
  if (clock === 'real-clock' && !(runtime === 'ssh' && spec.sshRealClock)) {
    throw new EnvironmentError(
      'E_UNSUPPORTED',
      `${asked} cannot reach target ${target.name} on the ${runtime} runtime: libfaketime cannot move its clock (clock: 'real-clock'), and only --runtime ssh with --ssh-real-clock steps the hosts' real clocks`,
      runtime === 'ssh' ? 'pass --ssh-real-clock' : 'use --runtime ssh --ssh-real-clock, or run without clock faults',
    )
  }
}

/** The nemesis's view of a run: its cluster, the schedule's random stream, and who leads (if the target can say). */
export function nemesisContext(cluster: Cluster, seed: number, target: Target): NemesisContext {
  return { cluster, random: nemesisRandom(seed), ...(hasPrimaries(target) ? { primaries: () => target.primaries(cluster) } : {}) }
}

/** The run's nemesis and schedule; the schedule draws from `context.random`. Set the nemesis up with the same context. */
export function buildNemesisPackage(
  spec: TestSpec,
  target: Target,
  context: NemesisContext,
  // A restarted process gets the options its set-up had (its bug mode, for one).
  targetOptions: TargetOptions = { bug: spec.bug, options: spec.targetOptions },
): NemesisPackage {
  const kinds = parseNemesisKinds(spec.nemesis)
  if (kinds.length === 0) return { nemesis: noopNemesis(), generator: null, finalGenerator: null, description: NO_FAULTS }
  const options = scheduleOptions(spec)
  if (hasKill(target) || hasPause(target)) {
    options.target = {
      ...(hasKill(target) ? { kill: (c: Cluster, n: string) => target.kill(c, n), start: (c: Cluster, n: string) => target.start(c, n, targetOptions) } : {}),
      ...(hasPause(target) ? { pause: (c: Cluster, n: string) => target.pause(c, n), resume: (c: Cluster, n: string) => target.resume(c, n) } : {}),
    }
  }
  return buildNemesis(kinds, options, context)
}

export function planFor(spec: TestSpec, seed: number): string {
  const kinds = parseNemesisKinds(spec.nemesis)
  const nodes = Array.from({ length: spec.nodes }, (_, i) => `n${i + 1}`)
  // Times are seconds since the workload starts: the history's time base, as the run prints them.
  const header = `seed ${seed}: nemesis ${kinds.length ? kinds.join(',') : 'none'} on ${nodes.join(' ')}, every ~${spec.nemesisInterval}s for ${spec.timeLimit}s (times: seconds since the workload starts)`
  if (kinds.length === 0) return `${header}\nno faults planned\n`
  const plan = planSchedule(kinds, scheduleOptions(spec), { random: nemesisRandom(seed), timeLimitSeconds: spec.timeLimit, nodes })
  return [header, ...plan.map(formatPlannedOp), `then heal: ${kinds.map((k) => `stop ${k}`).join(', ')}`].join('\n') + '\n'
}

export function listNemeses(): { name: string; description: string }[] {
  return listNemesisKinds()
}
