/**
 * A target: a system under test. It says how to get onto the nodes (an image
 * layer for the Docker runtime, or an install step over SSH), how to start and
 * stop it, and gives a client for each workload it supports.
 *
 * Optional capabilities are separate interfaces, each checked with its
 * `has*` guard, rather than no-op methods:
 *   Killable (hasKill), Pausable (hasPause), LogFiles (hasLogFiles),
 *   Primaries (hasPrimaries), HasImage (hasImage).
 *
 *     import { defineTarget, NodeProcess } from 'dstest'
 *     const server = new NodeProcess({ name: 'my-kv', command: ({ node, at }) => ['/opt/my-kv/server', '--id', node.name, '--data', at('/var/lib/my-kv')] })
 *     export default defineTarget({
 *       name: 'my-kv',
 *       description: 'my key-value store',
 *       workloads: ['register'],
 *       operations: ['read', 'write', 'cas'],
 *       clock: 'faketime',
 *       async setup(cluster, options) { await server.startAll(cluster, options); ... wait until it answers ... },
 *       teardown: (cluster) => server.stopAll(cluster),
 *       client: ({ node, address, bug }) => new MyKvClient(address),
 *     })
 *
 * docs/writing-a-target.md is the guide.
 */
import type { Client } from '../core/client.js'
import type { Cluster } from '../control/remote.js'
import type { ImageLayer } from '../control/image/layer.js'
import type { Workload } from '../workloads/workload.js'

export interface TargetOptions {
  /** `--bug NAME`: a deliberate bug mode, or undefined for the correct system. */
  bug?: string
  /** Free-form options from the spec. */
  options: Readonly<Record<string, unknown>>
  /** The workload the run drives and its options (as Jepsen's client setup sees the test), e.g. a bank's accounts. */
  workload?: { name: string; options: Readonly<Record<string, unknown>> }
}

export interface ClientContext {
  /** The node this client talks to (thread i → node i mod N). */
  node: string
  /** That node's address (what other nodes and clients use). */
  address: string
  /** The run's workload, by name. */
  workload: string
  cluster: Cluster
  process: number
  /** `--bug NAME` of the run, or undefined for the correct system. */
  bug: string | undefined
  /** The run's `targetOptions` (config file). */
  targetOptions: Readonly<Record<string, unknown>>
  /**
   * The run's `--op-timeout` in ms: the runner records an operation still
   * unanswered after this long as info. A client that gives up a little
   * sooner can still say what it knows (fail when nothing was applied).
   */
  opTimeoutMs: number
}

/**
 * How clock faults (`--nemesis clock`, `skewed-leader`) reach a target:
 *   'faketime'    its processes run under libfaketime (NodeProcess starts them
 *                 so unless told otherwise), which moves their wall clock;
 *   'real-clock'  only a step of the host's real clock reaches it (a Go
 *                 program, a static binary): the SSH runtime with --ssh-real-clock;
 *   'none'        not at all (the default): those faults are refused before the run.
 */
export type ClockSupport = 'faketime' | 'real-clock' | 'none'

/**
 * A workload a target serves: a bundled workload's name (`'register'`), a
 * Workload object, or a module that default-exports one: a file URL
 * (`new URL('./workload.ts', import.meta.url)`) or a path (relative to the
 * target's own module file when dstest loaded it from one).
 */
export type WorkloadRef = string | URL | Workload

export interface Target {
  readonly name: string
  readonly description: string
  /** Bug modes: name → what it breaks (listed by `dstest list targets`). */
  readonly bugs?: Readonly<Record<string, string>>
  /** Workloads it has a client for; the first is the default. `--workload NAME` finds them by name. */
  readonly workloads: readonly WorkloadRef[]
  /** The client operations (f) its client implements; a workload needing others is refused before the run. */
  readonly operations: readonly string[]
  /** Runtimes it can run on ('memory' runs in-process, no cluster). */
  readonly runtimes?: readonly string[]
  /** How clock faults reach it (default 'none': `--nemesis clock` is refused before the run). */
  readonly clock?: ClockSupport
  /** Install and start on every node; resolve when the system answers. */
  setup(cluster: Cluster, options: TargetOptions): Promise<void>
  /** Stop it on every node (the cluster itself is destroyed by the runtime). */
  teardown(cluster: Cluster): Promise<void>
  client(context: ClientContext): Client | Promise<Client>
}

export interface Killable {
  kill(cluster: Cluster, node: string): Promise<void>
  /** Start it again after a kill, with the run's options, and resolve when it answers. */
  start(cluster: Cluster, node: string, options: TargetOptions): Promise<void>
}
export interface Pausable {
  pause(cluster: Cluster, node: string): Promise<void>
  resume(cluster: Cluster, node: string): Promise<void>
}
export interface LogFiles {
  /** Paths on the node to download into store/.../nodes/<node>/ (as at '/'; the run places them under the cluster's root). */
  logFiles(node: string): readonly string[]
}
export interface Primaries {
  /** Nodes that currently lead (for 'primaries' partitions and the report). */
  primaries(cluster: Cluster): Promise<string[]>
}

export const hasKill = (t: Target): t is Target & Killable => typeof (t as Partial<Killable>).kill === 'function'
export const hasPause = (t: Target): t is Target & Pausable => typeof (t as Partial<Pausable>).pause === 'function'
export const hasLogFiles = (t: Target): t is Target & LogFiles => typeof (t as Partial<LogFiles>).logFiles === 'function'
export const hasPrimaries = (t: Target): t is Target & Primaries =>
  typeof (t as Partial<Primaries>).primaries === 'function'

export const CLOCK_SUPPORT: readonly ClockSupport[] = ['faketime', 'real-clock', 'none']

/** What `defineTarget` takes: a Target, and any of the optional capabilities (their parameters are typed from here). */
export type TargetDefinition = Target & Partial<Killable & Pausable & LogFiles & Primaries & HasImage>

/** Checks the required members (a TypeError names what is missing) and returns the target as given. */
export function defineTarget<T extends TargetDefinition>(target: T): T {
  const t = target as Partial<Target>
  const missing = [
    ...(typeof t.name === 'string' && t.name ? [] : ['name']),
    ...(Array.isArray(t.operations) ? [] : ['operations']),
    ...(Array.isArray(t.workloads) ? [] : ['workloads']),
    ...(['setup', 'teardown', 'client'] as const).filter((m) => typeof t[m] !== 'function').map((m) => `${m}()`),
  ]
  if (missing.length > 0) {
    throw new TypeError(`defineTarget needs { name, workloads, operations, setup(), teardown(), client() }; missing: ${missing.join(', ')}`)
  }
  if (t.clock !== undefined && !CLOCK_SUPPORT.includes(t.clock)) {
    throw new TypeError(`defineTarget: clock must be one of ${CLOCK_SUPPORT.map((c) => `'${c}'`).join(', ')}, got ${JSON.stringify(t.clock)}`)
  }
  return target
}

/**
 * A target that puts its own files (and Debian packages) into the nodes: see
 * `ImageLayer`. `imageLayer()` may be async (to build or locate a binary first).
 *
 *     imageLayer: async () => ({ name: 'my-kv', files: [{ binary: await buildServer(), to: '/opt/my-kv/server' }] })
 */
export interface HasImage {
  imageLayer(): ImageLayer | Promise<ImageLayer>
}
export const hasImage = (t: Target): t is Target & HasImage => typeof (t as Partial<HasImage>).imageLayer === 'function'
