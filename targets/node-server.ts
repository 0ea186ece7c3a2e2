/**
 * A bundled target's server on the nodes: one node process per node, built
 * on the public process helper (NodeProcess: started under libfaketime, found
 * again through its pid file, signalled as a group), asked about its state
 * over HTTP. raft-kv and chain-kv are both this shape; they differ in their
 * arguments' meaning and in what "ready" means. Nothing here is out of a
 * user's reach: it imports dstest's public API only.
 */
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join, posix, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DstestError, EnvironmentError, NodeProcess, nodePath, type Cluster, type CopiedFile, type ImageLayer, type Killable, type LogFiles, type Pausable, type Target, type TargetOptions } from '../index.js'

/** Where image layers put dist/targets/ inside a node (its layout kept). */
export const NODE_TARGETS_DIR = '/opt/dstest/targets'

/** The layer of a bundled server: copied files only (the tests read each one). */
export type FilesLayer = ImageLayer & { files: CopiedFile[] }

export interface NodeServerSpec {
  /** The target's name, also its folder under targets/. */
  name: string
  port: number
  bugs: Readonly<Record<string, string>>
}

/** dist/targets/ (the compiled targets), also when this module runs from source. */
export function compiledTargetsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  return here.split(sep).includes('dist') ? here : join(here, '..', 'dist', 'targets')
}

/** The folder every bundled server shares (flags, HTTP, process life, the Raft library), under targets/. */
export const SERVER_KIT = 'server-kit'

/**
 * The compiled files a server needs, relative to dist/targets/: its own
 * folder (<name>/server/) and the shared server-kit folder, every .js file in
 * them. A server imports nothing else (no target imports another), and its
 * target test checks that every import resolves inside this list.
 */
export function serverFiles(name: string, targetsDir: string = compiledTargetsDir()): string[] {
  return [SERVER_KIT, `${name}/server`].flatMap((folder) => jsFilesUnder(targetsDir, folder)).sort()
}

function jsFilesUnder(root: string, folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((e) => {
    const rel = posix.join(folder, e.name)
    if (e.isDirectory()) return jsFilesUnder(root, rel)
    return e.isFile() && e.name.endsWith('.js') ? [rel] : []
  })
}

/** How long set-up waits for the cluster to be ready. */
export const SETUP_WAIT_MS = 60_000

export class NodeServer<Status> {
  readonly serverDir: string
  readonly dataDir: string
  readonly process: NodeProcess

  constructor(readonly spec: NodeServerSpec) {
    this.serverDir = `${NODE_TARGETS_DIR}/${spec.name}/server`
    this.dataDir = `/var/lib/${spec.name}`
    this.process = new NodeProcess({
      name: spec.name,
      command: ({ cluster, node, options }) => this.argv(cluster, node.name, options.bug),
      dirs: [this.dataDir],
    })
  }

  get logFile(): string {
    return this.process.logFile
  }

  get pidFile(): string {
    return this.process.pidFile
  }

  imageLayer(): FilesLayer {
    const dir = compiledTargetsDir()
    const main = join(dir, this.spec.name, 'server', 'main.js')
    if (!existsSync(main)) {
      throw new EnvironmentError('E_CLUSTER', `the ${this.spec.name} server is not built (${main} is missing)`, 'run `npm run build` first')
    }
    return { name: this.spec.name, files: serverFiles(this.spec.name, dir).map((rel) => ({ from: join(dir, rel), to: `${NODE_TARGETS_DIR}/${rel}` })) }
  }

  /** The node's argv: every node listens on the port and knows all peers by address, in node order. */
  argv(cluster: Cluster, node: string, bug: string | undefined): string[] {
    const peers = cluster.nodes.map((n) => `${n.name}=${n.address}:${this.spec.port}`).join(',')
    const at = (path: string): string => nodePath(cluster, path)
    return [
      'node',
      at(`${this.serverDir}/main.js`),
      ...['--id', node, '--peers', peers, '--listen', `0.0.0.0:${this.spec.port}`],
      ...['--data', at(this.dataDir), '--log', at(this.logFile)],
      ...(bug ? ['--bug', bug] : []),
    ]
  }

  /**
   * The members of a target that this server gives as they are: its image
   * layer, set-up (start everywhere, wait until `ready`) and teardown, process
   * kill/start and pause/resume by signal, and its log file.
   */
  controls(ready: Readiness<Status>): Pick<Target, 'setup' | 'teardown'> & Killable & Pausable & LogFiles & { imageLayer(): FilesLayer } {
    const p = this.process
    return {
      imageLayer: () => this.imageLayer(),
      setup: (cluster: Cluster, options: TargetOptions) => this.startAll(cluster, options, ready),
      teardown: (cluster: Cluster) => p.stopAll(cluster),
      kill: (cluster: Cluster, node: string) => p.kill(cluster, node),
      start: (cluster: Cluster, node: string, options: TargetOptions) => this.start(cluster, node, options),
      pause: (cluster: Cluster, node: string) => p.pause(cluster, node),
      resume: (cluster: Cluster, node: string) => p.resume(cluster, node),
      logFiles: () => [p.logFile],
    }
  }

  /**
   * Starts the server on every node with the run's bug; resolves when `ready`
   * says so (E_CLUSTER after 60 s: on a loaded machine late heartbeats make
   * elections and chain leases repeat for longer than the usual 20 s).
   */
  async startAll(cluster: Cluster, options: TargetOptions, ready: Readiness<Status>): Promise<void> {
    const { bug } = options
    if (bug !== undefined && !Object.hasOwn(this.spec.bugs, bug)) {
      throw new DstestError('E_UNKNOWN_NAME', `unknown bug '${bug}' for target ${this.spec.name}`, { fix: `choose one of: ${Object.keys(this.spec.bugs).join(', ')}` })
    }
    await this.process.startAll(cluster, options)
    let last: (Status | undefined)[] = []
    await this.process.waitUntil(cluster, async () => ready.check((last = await this.statuses(cluster))), {
      timeoutMs: SETUP_WAIT_MS,
      waitingFor: ready.awaited,
      state: () => cluster.nodes.map((n, i) => `${n.name}: ${last[i] ? ready.describe(last[i]!) : 'no answer'}`).join(', '),
    })
  }

  /** Starts one node's server again (after a kill) and waits until it answers. */
  async start(cluster: Cluster, node: string, options: TargetOptions): Promise<void> {
    await this.process.start(cluster, node, options)
    const address = cluster.nodes.find((n) => n.name === node)?.address
    await this.process.waitUntil(cluster, async () => address !== undefined && (await this.status(address)) !== undefined, {
      waitingFor: `an answer from ${node} on port ${this.spec.port}`,
      nodes: [node],
    })
  }

  async status(address: string): Promise<Status | undefined> {
    try {
      const res = await fetch(`http://${address}:${this.spec.port}/status`, { signal: AbortSignal.timeout(1000) })
      return (await res.json()) as Status
    } catch {
      return undefined
    }
  }

  statuses(cluster: Cluster): Promise<(Status | undefined)[]> {
    return Promise.all(cluster.nodes.map((n) => this.status(n.address)))
  }
}

/** What "the cluster is ready" means for a target, and how to say why it is not. */
export interface Readiness<Status> {
  check(statuses: readonly (Status | undefined)[]): boolean
  describe(status: Status): string
  /** What set-up waits for, e.g. "a leader followed by a majority". */
  awaited: string
}
