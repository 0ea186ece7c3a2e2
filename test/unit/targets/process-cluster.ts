/**
 * Runs real server processes of one target (its COMPILED dist/ server) on
 * 127.0.0.1 with ephemeral ports and a temporary data folder, for unit tests.
 * Each target's cluster.ts subclasses ProcessCluster with its own spec and waits.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { postJson } from '../../../targets/server-kit/rpc.js'

/** What sets one target's servers apart. */
export interface ServerSpec {
  /** Absolute path of the compiled server entry point. */
  server: string
  /** Target name: prefixes the temporary folder and names it in messages. */
  name: string
  /** When this environment variable is set, close() keeps the temporary folder. */
  keepDirEnv: string
  /** Arguments every node gets before the test's own. */
  defaultArgs: readonly string[]
  /** Default timeout of post(). */
  postTimeoutMs: number
}

export interface ClusterOptions {
  bug?: string
  args?: string[]
  env?: Record<string, string>
  /** Per-node environment (e.g. libfaketime for one node). */
  envFor?: (id: string) => Record<string, string> | undefined
  /** Start only these nodes (all by default); the others can be started later. */
  only?: string[]
  /** A command that runs the node process (e.g. ['prlimit', '--fsize=65536']): node and its arguments follow. */
  launcher?: readonly string[]
}

export interface NodeProc {
  id: string
  port: number
  address: string
  data: string
  log: string
  proc: ChildProcess | undefined
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export function requireBuilt(server: string): void {
  if (!existsSync(server)) {
    throw new Error(`${server} is missing: build first with \`npm run build\` (or npx tsc -p tsconfig.build.json)`)
  }
}

/** Nodes n1..nN of a target's server; S is its /status body, R its reply to post(). */
export class ProcessCluster<S, R> {
  private readonly args: string[]

  protected constructor(
    readonly nodes: NodeProc[],
    readonly dir: string,
    private readonly spec: ServerSpec,
    private readonly options: ClusterOptions,
  ) {
    this.args = [...spec.defaultArgs, ...(options.args ?? []), ...(options.bug ? ['--bug', options.bug] : [])]
  }

  /** Lays out `size` nodes on free ports in a new temporary folder, builds the cluster with `make` and starts its nodes. */
  protected static async launch<C extends ProcessCluster<unknown, unknown>>(
    spec: ServerSpec,
    size: number,
    options: ClusterOptions,
    make: (nodes: NodeProc[], dir: string) => C,
  ): Promise<C> {
    requireBuilt(spec.server)
    const dir = mkdtempSync(join(tmpdir(), `${spec.name}-test-`))
    const ports = await freePorts(size)
    const nodes = ports.map((port, i) => ({
      id: `n${i + 1}`,
      port,
      address: `127.0.0.1:${port}`,
      data: join(dir, `n${i + 1}`),
      log: join(dir, `n${i + 1}.log`),
      proc: undefined,
    }))
    const cluster = make(nodes, dir)
    for (const n of nodes) if (!options.only || options.only.includes(n.id)) cluster.startNode(n.id)
    return cluster
  }

  node(id: string): NodeProc {
    const n = this.nodes.find((x) => x.id === id)
    if (!n) throw new Error(`no node ${id}`)
    return n
  }

  startNode(id: string): void {
    const n = this.node(id)
    if (n.proc && n.proc.exitCode === null && n.proc.signalCode === null) throw new Error(`${id} is running`)
    const peers = this.nodes.map((x) => `${x.id}=${x.address}`).join(',')
    const argv = [process.execPath, this.spec.server, '--id', id, '--peers', peers, '--listen', n.address, '--data', n.data, '--log', n.log, ...this.args]
    const [command, ...args] = [...(this.options.launcher ?? []), ...argv] as [string, ...string[]]
    n.proc = spawn(command, args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ...this.options.env, ...this.options.envFor?.(id) },
    })
  }

  /** SIGKILL, and wait until the process is gone. */
  async kill(id: string): Promise<void> {
    const proc = this.node(id).proc
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const gone = new Promise((r) => proc.once('exit', r))
    proc.kill('SIGKILL')
    await gone
  }

  pause(id: string): void {
    this.node(id).proc?.kill('SIGSTOP')
  }
  resume(id: string): void {
    this.node(id).proc?.kill('SIGCONT')
  }

  async status(id: string): Promise<S | undefined> {
    try {
      const res = await fetch(`http://${this.node(id).address}/status`, { signal: AbortSignal.timeout(500) })
      return (await res.json()) as S
    } catch {
      return undefined
    }
  }

  async post(id: string, path: string, body: unknown, timeoutMs = this.spec.postTimeoutMs): Promise<R> {
    return (await postJson(this.node(id).address, path, body, timeoutMs)).body as R
  }

  async close(): Promise<void> {
    for (const n of this.nodes) {
      n.proc?.kill('SIGCONT')
      await this.kill(n.id)
    }
    if (process.env[this.spec.keepDirEnv]) process.stderr.write(`${this.spec.name} test files kept in ${this.dir}\n`)
    else rmSync(this.dir, { recursive: true, force: true })
  }
}

/** Ports the kernel hands out right now (closed again before the servers bind them). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((r) => {
      const s = createServer()
      s.listen(0, '127.0.0.1', () => r(s))
    })),
  )
  const ports = servers.map((s) => {
    const a = s.address()
    if (a === null || typeof a === 'string') throw new Error('no port')
    return a.port
  })
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
  return ports
}
