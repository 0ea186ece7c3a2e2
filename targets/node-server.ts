/**
 * A bundled target's server on the nodes: one node process per node, started
 * under libfaketime (so clock faults reach it), found again through its pid
 * file, asked about its state over HTTP. raft-kv and chain-kv are both this
 * shape; they differ in their arguments' meaning and in what "ready" means.
 */
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join, posix, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CopiedFile, ImageLayer } from '../control/image/layer.js'
import { FAKETIME_FILE, faketimeEnv } from '../control/faketime.js'
import { nodePath, type Cluster } from '../control/remote.js'
import { DstestError, EnvironmentError } from '../core/errors.js'
import type { Killable, LogFiles, Pausable, Target, TargetOptions } from './target.js'

/** Where image layers put dist/targets/ inside a node (its layout kept). */
export const NODE_TARGETS_DIR = '/opt/dstest/targets'
const READY_TIMEOUT_MS = 20_000

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

export class NodeServer<Status> {
  readonly serverDir: string
  readonly dataDir: string
  readonly logFile: string
  readonly pidFile: string
  /** The bug each running cluster was set up with (restarts after a kill use it too). */
  private readonly bugOfRun = new Map<string, string | undefined>()

  constructor(readonly spec: NodeServerSpec) {
    this.serverDir = `${NODE_TARGETS_DIR}/${spec.name}/server`
    this.dataDir = `/var/lib/${spec.name}`
    this.logFile = `/var/log/${spec.name}.log`
    this.pidFile = `/var/run/${spec.name}.pid`
  }

  imageLayer(): ImageLayer & { files: CopiedFile[] } {
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
      ...['--data', at(this.dataDir), '--log', at(this.logFile), '--pid-file', at(this.pidFile)],
      ...(bug ? ['--bug', bug] : []),
    ]
  }

  bugOf(cluster: Cluster): string | undefined {
    return this.bugOfRun.get(cluster.runId)
  }

  /**
   * The members of a target that this server gives as they are: its image
   * layer, set-up (start everywhere, wait until `ready`) and teardown, process
   * kill/start and pause/resume by signal, and its log file.
   */
  controls(ready: Readiness<Status>): Pick<Target, 'setup' | 'teardown'> & Killable & Pausable & LogFiles & { imageLayer(): ImageLayer & { files: CopiedFile[] } } {
    return {
      imageLayer: () => this.imageLayer(),
      setup: (cluster: Cluster, options: TargetOptions) => this.startAll(cluster, options.bug, ready),
      teardown: (cluster: Cluster) => this.stopAll(cluster),
      kill: (cluster: Cluster, node: string) => this.signal(cluster, node, 'KILL'),
      start: (cluster: Cluster, node: string) => this.start(cluster, node),
      pause: (cluster: Cluster, node: string) => this.signal(cluster, node, 'STOP'),
      resume: (cluster: Cluster, node: string) => this.signal(cluster, node, 'CONT'),
      logFiles: () => [this.logFile],
    }
  }

  /** Starts the server on every node with `bug`; resolves when `ready` says so (E_CLUSTER after 20 s). */
  async startAll(cluster: Cluster, bug: string | undefined, ready: Readiness<Status>): Promise<void> {
    if (bug !== undefined && !Object.hasOwn(this.spec.bugs, bug)) {
      throw new DstestError('E_UNKNOWN_NAME', `unknown bug '${bug}' for target ${this.spec.name}`, { fix: `choose one of: ${Object.keys(this.spec.bugs).join(', ')}` })
    }
    this.bugOfRun.set(cluster.runId, bug)
    await Promise.all(cluster.nodes.map((n) => this.startProcess(cluster, n.name)))
    const deadline = Date.now() + READY_TIMEOUT_MS
    let last: (Status | undefined)[] = []
    while (Date.now() < deadline) {
      last = await this.statuses(cluster)
      if (ready.check(last)) return
      await new Promise((r) => setTimeout(r, 100))
    }
    const seen = cluster.nodes.map((n, i) => `${n.name}: ${last[i] ? ready.describe(last[i]!) : 'no answer'}`).join(', ')
    throw new EnvironmentError(
      'E_CLUSTER',
      `${this.spec.name} ${ready.failure} within ${READY_TIMEOUT_MS / 1000} s (${seen})`,
      `read ${this.logFile} of each node (downloaded into the run's nodes/ folder)`,
    )
  }

  private async startProcess(cluster: Cluster, node: string): Promise<void> {
    await cluster.remote(node).exec(this.argv(cluster, node, this.bugOf(cluster)), { detach: true, env: faketimeEnv(nodePath(cluster, FAKETIME_FILE)) })
  }

  /** Starts one node's server again (after a kill) and waits until it answers. */
  async start(cluster: Cluster, node: string): Promise<void> {
    await this.startProcess(cluster, node)
    const address = cluster.nodes.find((n) => n.name === node)?.address
    const deadline = Date.now() + READY_TIMEOUT_MS
    while (address !== undefined && Date.now() < deadline) {
      if (await this.status(address)) return
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new EnvironmentError('E_CLUSTER', `${this.spec.name} on ${node} did not answer within ${READY_TIMEOUT_MS / 1000} s of starting`, `read ${this.logFile} on ${node}`)
  }

  /** Signals the server through its pid file (no user data lives in it, so a shell is fine). */
  async signal(cluster: Cluster, node: string, signal: 'KILL' | 'STOP' | 'CONT' | 'TERM'): Promise<void> {
    const r = await cluster.remote(node).exec(['sh', '-c', `kill -${signal} "$(cat ${nodePath(cluster, this.pidFile)})"`], { timeoutMs: 10_000 })
    if (r.exitCode !== 0) {
      throw new EnvironmentError(
        'E_REMOTE',
        `${this.spec.name} on ${node}: kill -${signal} failed (${r.stderr.trim() || `exit ${r.exitCode}`})`,
        `is the server running? see ${this.logFile} on ${node}`,
      )
    }
  }

  /** Stops every node's server. Idempotent: no server, no error. */
  async stopAll(cluster: Cluster): Promise<void> {
    // CONT first: a paused server would not act on TERM.
    const stop = `pid="$(cat ${nodePath(cluster, this.pidFile)} 2>/dev/null)" && kill -CONT "$pid" && kill -TERM "$pid"; true`
    await Promise.all(cluster.nodes.map((n) => cluster.remote(n.name).exec(['sh', '-c', stop], { timeoutMs: 10_000 }).catch(() => undefined)))
    this.bugOfRun.delete(cluster.runId)
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
  /** e.g. "elected no leader" */
  failure: string
}
