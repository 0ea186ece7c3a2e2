/**
 * Runs real chain-kv server processes (the COMPILED dist/ server) on 127.0.0.1
 * with ephemeral ports and temporary data folders, for the tests of this folder.
 * Timings are shortened (failure detection under a second) to keep tests quick.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { postJson } from '../../../../targets/raft-kv/server/rpc.js'
import type { KvReply, Status } from '../../../../targets/chain-kv/server/messages.js'

export const SERVER = resolve('dist/targets/chain-kv/server/main.js')

/** Fast timings for tests: lease < fail, as the server requires. */
export const FAST = ['--heartbeat-ms', '50', '--lease-ms', '400', '--fail-ms', '800', '--rejoin-ms', '300', '--election-ms', '150-300', '--request-timeout-ms', '3000']

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

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export class TestCluster {
  private constructor(
    readonly nodes: NodeProc[],
    readonly dir: string,
    private readonly args: string[],
  ) {}

  static async start(size: number, options: { bug?: string; args?: string[] } = {}): Promise<TestCluster> {
    requireBuiltServer()
    const dir = mkdtempSync(join(tmpdir(), 'chain-kv-test-'))
    const ports = await freePorts(size)
    const nodes = ports.map((port, i) => ({
      id: `n${i + 1}`,
      port,
      address: `127.0.0.1:${port}`,
      data: join(dir, `n${i + 1}`),
      log: join(dir, `n${i + 1}.log`),
      proc: undefined,
    }))
    const cluster = new TestCluster(nodes, dir, [...FAST, ...(options.args ?? []), ...(options.bug ? ['--bug', options.bug] : [])])
    for (const n of nodes) cluster.startNode(n.id)
    return cluster
  }

  get ids(): string[] {
    return this.nodes.map((n) => n.id)
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
    n.proc = spawn(process.execPath, [SERVER, '--id', id, '--peers', peers, '--listen', n.address, '--data', n.data, '--log', n.log, ...this.args], {
      stdio: ['ignore', 'ignore', 'inherit'],
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

  async status(id: string): Promise<Status | undefined> {
    try {
      const res = await fetch(`http://${this.node(id).address}/status`, { signal: AbortSignal.timeout(500) })
      return (await res.json()) as Status
    } catch {
      return undefined
    }
  }

  async post(id: string, path: string, body: unknown, timeoutMs = 5000): Promise<KvReply> {
    return (await postJson(this.node(id).address, path, body, timeoutMs)).body as KvReply
  }

  /**
   * Waits until every node of `members` (the live ones) reports the same
   * configuration and `check` holds for it; returns the tail's status.
   */
  async waitForChain(members: readonly string[], check: (s: Status) => boolean = () => true, timeoutMs = 10_000): Promise<Status> {
    const deadline = Date.now() + timeoutMs
    let last: (Status | undefined)[] = []
    while (Date.now() < deadline) {
      last = await Promise.all(members.map((id) => this.status(id)))
      const first = last[0]
      if (first && last.every((s) => s?.epoch === first.epoch && s.role !== 'standby' && (s.role !== 'tail' || s.synced)) && check(first)) {
        return last.find((s) => s!.role === 'tail' || (s!.role === 'head' && s!.chain.length === 1))!
      }
      await sleep(25)
    }
    throw new Error(`no agreed chain among ${members.join(', ')} within ${timeoutMs} ms: ${JSON.stringify(last.map((s) => s && { id: s.id, role: s.role, epoch: s.epoch, chain: s.chain, joining: s.joining }))}`)
  }

  async close(): Promise<void> {
    for (const n of this.nodes) {
      n.proc?.kill('SIGCONT')
      await this.kill(n.id)
    }
    if (process.env.CHAIN_KV_KEEP_TEST_DIR) process.stderr.write(`chain-kv test files kept in ${this.dir}\n`)
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
