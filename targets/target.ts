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
 *     import { defineTarget } from 'dstest'
 *     export default defineTarget({
 *       name: 'my-kv',
 *       description: 'my key-value store',
 *       workloads: ['register'],
 *       operations: ['read', 'write', 'cas'],
 *       async setup(cluster) { ... start the server on every node, wait until ready ... },
 *       async teardown(cluster) { ... },
 *       client: ({ node, address }) => new MyKvClient(address),
 *     })
 */
import type { Client } from '../core/client.js'
import type { Cluster } from '../control/remote.js'
import type { ImageLayer } from '../control/image/layer.js'

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
  address: string
  workload: string
  cluster: Cluster
  process: number
}

export interface Target {
  readonly name: string
  readonly description: string
  /** Bug modes: name → what it breaks (listed by `dstest list targets`). */
  readonly bugs?: Readonly<Record<string, string>>
  /** Workloads it has a client for; the first is the default. */
  readonly workloads: readonly string[]
  /** The client operations (f) its client implements; a workload needing others is refused before the run. */
  readonly operations: readonly string[]
  /** Runtimes it can run on ('memory' runs in-process, no cluster). */
  readonly runtimes?: readonly string[]
  /** Install and start on every node; resolve when the system answers. */
  setup(cluster: Cluster, options: TargetOptions): Promise<void>
  /** Stop it on every node (the cluster itself is destroyed by the runtime). */
  teardown(cluster: Cluster): Promise<void>
  client(context: ClientContext): Client | Promise<Client>
}

export interface Killable {
  kill(cluster: Cluster, node: string): Promise<void>
  start(cluster: Cluster, node: string): Promise<void>
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

export function defineTarget<T extends Target>(target: T): T {
  if (!target.name || typeof target.setup !== 'function' || typeof target.client !== 'function' || !Array.isArray(target.operations)) {
    throw new TypeError('defineTarget needs at least { name, operations, setup(), teardown(), client() }')
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
