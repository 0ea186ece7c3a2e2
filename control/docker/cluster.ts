/**
 * A running Docker cluster: containers n1..nN on one bridge network of the
 * run, each with a fixed address and a host folder bind-mounted at
 * /dstest/control. Besides `Remote`s it offers the optional capabilities of
 * control/capabilities.ts: network tools in a node's namespace (nsenter from
 * the host, else `docker exec`), engine kill/start/pause/resume, and the
 * libfaketime clock offset.
 */
import { spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { EnvironmentError } from '../../core/errors.js'
import type { ClockControl, NetworkControl, NodeControl } from '../capabilities.js'
import { writeFaketimeOffset } from '../faketime.js'
import type { Cluster, ExecResult, NodeInfo, Remote } from '../remote.js'
import type { Engine } from './engine.js'
import { DockerRemote } from './remote.js'

export interface DockerNode extends NodeInfo {
  containerId: string
  /** The host folder mounted at /dstest/control in the node. */
  controlDir: string
}

export interface DockerClusterParts {
  runId: string
  engine: Engine
  nodes: DockerNode[]
  networkId: string
  /** Removed on destroy when dstest created it (not when the user gave it). */
  ownedControlRoot?: string
  /** How netExec reaches a node's namespace: nsenter from the host (default, falls back to exec) or docker exec only. */
  netVia?: 'nsenter' | 'exec'
}

/** Runs a host command with optional stdin; resolves with its exit code and output. */
export function runHost(argv: readonly string[], stdin?: string, timeoutMs = 10_000): Promise<ExecResult & { spawnError?: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    const [cmd, ...args] = argv
    if (!cmd) throw new RangeError('runHost needs a non-empty argv')
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => err.push(c))
    child.on('error', (e: NodeJS.ErrnoException) => resolve({ exitCode: -1, stdout: '', stderr: e.message, spawnError: e }))
    child.on('close', (code, signal) =>
      resolve({
        exitCode: code ?? (signal ? 128 : -1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + (signal ? `\nkilled by ${signal}` : ''),
      }),
    )
    child.stdin.on('error', () => undefined)
    child.stdin.end(stdin ?? '')
  })
}

export class DockerCluster implements Cluster, NetworkControl, NodeControl, ClockControl {
  readonly runId: string
  readonly nodes: readonly DockerNode[]
  /** Each container's filesystem is the run's own. */
  readonly root = '/'
  private readonly engine: Engine
  private readonly networkId: string
  private readonly ownedControlRoot: string | undefined
  private readonly remotes = new Map<string, DockerRemote>()
  private readonly pids = new Map<string, number>()
  /** Whether `nsenter` from this process works; decided by the first attempt. */
  private nsenter: boolean | undefined
  private destroyed: Promise<void> | undefined

  constructor(parts: DockerClusterParts) {
    this.runId = parts.runId
    this.engine = parts.engine
    this.nodes = parts.nodes
    this.networkId = parts.networkId
    this.ownedControlRoot = parts.ownedControlRoot
    if (parts.netVia === 'exec') this.nsenter = false
    for (const n of parts.nodes) this.remotes.set(n.name, new DockerRemote(n.name, parts.engine, n.containerId))
  }

  node(name: string): DockerNode {
    const n = this.nodes.find((x) => x.name === name)
    if (!n) throw new RangeError(`no node '${name}' in cluster ${this.runId} (nodes: ${this.nodes.map((x) => x.name).join(', ')})`)
    return n
  }

  remote(node: string): Remote {
    const r = this.remotes.get(node)
    if (!r) throw new RangeError(`no node '${node}' in cluster ${this.runId}`)
    return r
  }

  /** Whether netExec goes through nsenter (true) or docker exec (false); undefined until first use. */
  get viaNsenter(): boolean | undefined {
    return this.nsenter
  }

  // ---- NetworkControl ----

  async netExec(node: string, argv: readonly string[], stdin?: string): Promise<ExecResult> {
    if (this.nsenter !== false) {
      const result = await this.nsenterExec(node, argv, stdin)
      if (result !== undefined) return result
    }
    // Fallback: the image's own tools, run by the engine (the node has NET_ADMIN).
    return this.remote(node).exec(argv, { stdin, timeoutMs: 15_000 })
  }

  /** Undefined when nsenter cannot be used from here (then we fall back for good). */
  private async nsenterExec(node: string, argv: readonly string[], stdin?: string): Promise<ExecResult | undefined> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const pid = await this.pidOf(node)
      const result = await runHost(['nsenter', '-t', String(pid), '-n', ...argv], stdin)
      const nsenterFailed = result.spawnError !== undefined || /^nsenter: /m.test(result.stderr)
      if (!nsenterFailed) {
        this.nsenter = true
        return result
      }
      // The container may have restarted under a new PID: look again once.
      this.pids.delete(node)
      if (attempt === 0 && /No such (process|file)/i.test(result.stderr) && result.spawnError === undefined) continue
      if (this.nsenter === true) {
        return result // it worked before: this is a real failure, not a missing tool
      }
      this.nsenter = false
      return undefined
    }
    return undefined
  }

  private async pidOf(node: string): Promise<number> {
    const known = this.pids.get(node)
    if (known) return known
    const state = await this.engine.inspectContainer(this.node(node).containerId)
    if (!state.running || state.pid <= 0) {
      throw new EnvironmentError('E_REMOTE', `${node} is not running`, 'start it again (the nemesis restarts killed nodes on heal)')
    }
    this.pids.set(node, state.pid)
    return state.pid
  }

  // ---- NodeControl ----

  async killNode(node: string): Promise<void> {
    this.pids.delete(node)
    await this.engine.killContainer(this.node(node).containerId, 'KILL')
  }

  async startNode(node: string): Promise<void> {
    this.pids.delete(node)
    await this.engine.startContainer(this.node(node).containerId)
  }

  async pauseNode(node: string): Promise<void> {
    await this.engine.pauseContainer(this.node(node).containerId)
  }

  async resumeNode(node: string): Promise<void> {
    await this.engine.unpauseContainer(this.node(node).containerId)
  }

  /** running / paused / stopped, as the engine sees the node now. */
  async nodeState(node: string): Promise<'running' | 'paused' | 'stopped'> {
    const s = await this.engine.inspectContainer(this.node(node).containerId)
    return s.paused ? 'paused' : s.running ? 'running' : 'stopped'
  }

  // ---- ClockControl ----

  async setClockOffset(node: string, offsetMs: number): Promise<void> {
    await writeFaketimeOffset(this.node(node).controlDir, offsetMs)
  }

  // ---- lifecycle ----

  /** Idempotent; a second call waits for the first. */
  destroy(): Promise<void> {
    this.destroyed ??= this.removeAll()
    return this.destroyed
  }

  private async removeAll(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.engine.removeContainer(n.containerId)))
    await this.engine.removeNetwork(this.networkId)
    if (this.ownedControlRoot) await rm(this.ownedControlRoot, { recursive: true, force: true })
  }
}

export function controlDirOf(root: string, node: string): string {
  return join(root, node)
}
