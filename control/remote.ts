/**
 * How the control node reaches nodes. A `Runtime` creates a `Cluster`; a
 * `Cluster` hands out one `Remote` per node. Docker (control/docker/) and SSH
 * (control/ssh/) implement these; nothing outside control/ imports dockerode or
 * ssh2.
 *
 *     // Inside a target's setup: start the server on every node, read a file back.
 *     for (const n of cluster.nodes) {
 *       const r = await cluster.remote(n.name).exec(['node', '--version'], { timeoutMs: 5000 })
 *       if (r.exitCode !== 0) throw new Error(`${n.name}: ${r.stderr}`)
 *       await cluster.remote(n.name).exec(['node', '/opt/app/server.js', '--id', n.name], { detach: true })
 *     }
 *     await cluster.remote('n1').download('/var/log/app.log', 'store/run/nodes/n1')
 */

import type { CleanupResult, CleanupScope } from './owner.js'

export type { CleanupResult, CleanupScope } from './owner.js'

export interface ExecOptions {
  /** Kill the command and reject with E_REMOTE after this long. */
  timeoutMs?: number
  stdin?: string | Buffer
  env?: Record<string, string>
  /** Working directory on the node. */
  cwd?: string
  /** Start it and return at once (the result has exitCode -1 and empty output). */
  detach?: boolean
}

export interface ExecResult {
  exitCode: number
  stdout: string
  stderr: string
}

/** One node, as the control node sees it. Commands are argv arrays, never shell strings. */
export interface Remote {
  readonly node: string
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>
  /** Copy a local file or folder to `remotePath` on the node. */
  upload(localPath: string, remotePath: string): Promise<void>
  /** Copy `remotePath` from the node into the local folder `localDir`. */
  download(remotePath: string, localDir: string): Promise<void>
}

export interface NodeInfo {
  /** n1..nN */
  name: string
  /** The address other nodes and clients use. */
  address: string
}

export interface Cluster {
  readonly runId: string
  readonly nodes: readonly NodeInfo[]
  /**
   * The folder on every node under which this run's files live: '/' in a
   * container (the node's filesystem is the run's own), a per-run folder on a
   * shared host (SSH), removed with the cluster. Targets name node paths as if
   * at '/', and place them with `nodePath(cluster, '/var/lib/app')`.
   */
  readonly root: string
  remote(node: string): Remote
  /** Idempotent: removes every resource the cluster created. */
  destroy(): Promise<void>
}

export interface ClusterSpec {
  runId: string
  /** Number of nodes, named n1..nN. */
  nodes: number
  /** Image (docker) or nothing (ssh: hosts are given). */
  image?: string
  /** Local folder bind-mounted into each node (per-node subfolders), e.g. for faketime files. */
  controlDir?: string
}

export interface Runtime {
  readonly name: string
  /** Records the owner (control/owner.ts) on everything it creates. */
  createCluster(spec: ClusterSpec): Promise<Cluster>
  /**
   * Removes what earlier runs left behind: by default only runs whose owning
   * process is gone (`selectForCleanup` in control/owner.ts decides), one run
   * by id, or every run with `all`.
   */
  cleanup(scope?: CleanupScope): Promise<CleanupResult>
}

/** A node path of this run: `path` (absolute, as in a container) under the cluster's root. */
export function nodePath(cluster: Pick<Cluster, 'root'>, path: string): string {
  if (!path.startsWith('/')) throw new RangeError(`node paths are absolute, got ${JSON.stringify(path)}`)
  const root = cluster.root.replace(/\/+$/, '')
  return root === '' ? path : `${root}${path}`
}
