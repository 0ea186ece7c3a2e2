/**
 * Runs real raft-kv server processes (the COMPILED dist/ server) on 127.0.0.1
 * with ephemeral ports and temporary data folders, for the tests of this folder.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { postJson } from '../../../../targets/raft-kv/server/rpc.js'
import type { KvReply, Status } from '../../../../targets/raft-kv/server/messages.js'

export const SERVER = resolve('dist/targets/raft-kv/server/main.js')

export function requireBuiltServer(): void {
  if (!existsSync(SERVER)) {
    throw new Error(`${SERVER} is missing: build first with \`npm run build\` (or npx tsc -p tsconfig.build.json)`)
  }
}

export interface NodeProc {
  id: string
  port: number
  address: string
  data: string
  log: string
  proc: ChildProcess | undefined
}

export interface ClusterOptions {
  bug?: string
  args?: string[]
  env?: Record<string, string>
  /** Per-node environment (e.g. libfaketime for one node). */
  envFor?: (id: string) => Record<string, string> | undefined
  /** Start only these nodes (all by default); the others can be started later. */
  only?: string[]
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export class TestCluster {
  readonly nodes: NodeProc[]
  readonly dir: string

  private constructor(
    nodes: NodeProc[],
    dir: string,
    private readonly options: ClusterOptions,
  ) {
    this.nodes = nodes
    this.dir = dir
  }

  static async start(size: number, options: ClusterOptions = {}): Promise<TestCluster> {
    requireBuiltServer()
    const dir = mkdtempSync(join(tmpdir(), 'raft-kv-test-'))
    const ports = await freePorts(size)
    const nodes = ports.map((port, i) => ({
      id: `n${i + 1}`,
      port,
      address: `127.0.0.1:${port}`,
      data: join(dir, `n${i + 1}`),
      log: join(dir, `n${i + 1}.log`),
      proc: undefined,
    }))
    const cluster = new TestCluster(nodes, dir, options)
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
    const args = [SERVER, '--id', id, '--peers', peers, '--listen', n.address, '--data', n.data, '--log', n.log, ...(this.options.args ?? [])]
    if (this.options.bug) args.push('--bug', this.options.bug)
    n.proc = spawn(process.execPath, args, {
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

  async restart(id: string): Promise<void> {
    await this.kill(id)
    this.startNode(id)
  }

  async status(id: string): Promise<Status | undefined> {
    try {
      const res = await fetch(`http://${this.node(id).address}/status`, { signal: AbortSignal.timeout(500) })
      return (await res.json()) as Status
    } catch {
      return undefined
    }
  }

  async post(id: string, path: string, body: unknown, timeoutMs = 8000): Promise<KvReply> {
    return (await postJson(this.node(id).address, path, body, timeoutMs)).body as KvReply
  }

  /** The leader a majority of `among` agree on (all nodes by default). */
  async waitForLeader(among: readonly string[] = this.nodes.map((n) => n.id), timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const statuses = (await Promise.all(among.map((id) => this.status(id)))).filter((s): s is Status => s !== undefined)
      const leaders = statuses.filter((s) => s.role === 'leader')
      const top = leaders.sort((a, b) => b.term - a.term)[0]
      if (top) {
        const agree = statuses.filter((s) => s.term === top.term && s.leader === top.id).length
        if (agree > this.nodes.length / 2) return top.id
      }
      await sleep(50)
    }
    throw new Error(`no leader among ${among.join(', ')} within ${timeoutMs} ms`)
  }

  /** Waits until `check` holds for the status of `id`. */
  async waitForStatus(id: string, check: (s: Status) => boolean, timeoutMs = 10_000): Promise<Status> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const s = await this.status(id)
      if (s && check(s)) return s
      await sleep(25)
    }
    throw new Error(`${id} never reached the awaited status within ${timeoutMs} ms (last: ${JSON.stringify(await this.status(id))})`)
  }

  async close(): Promise<void> {
    for (const n of this.nodes) {
      n.proc?.kill('SIGCONT')
      await this.kill(n.id)
    }
    if (process.env.RAFT_KV_KEEP_TEST_DIR) process.stderr.write(`raft-kv test files kept in ${this.dir}\n`)
    else rmSync(this.dir, { recursive: true, force: true })
  }
}

/** Ports the kernel hands out right now (closed again before the servers bind them). */
async function freePorts(count: number): Promise<number[]> {
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
