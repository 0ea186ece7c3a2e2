/**
 * Runs real chain-kv server processes (the COMPILED dist/ server) on 127.0.0.1
 * with ephemeral ports and temporary data folders, for the tests of this folder.
 * Timings are shortened (failure detection under a second) to keep tests quick.
 */
import { resolve } from 'node:path'
import type { KvReply, Status } from '../../../../targets/chain-kv/server/messages.js'
import { ProcessCluster, requireBuilt, sleep, type ClusterOptions, type ServerSpec } from '../process-cluster.js'

export { sleep }
export type { NodeProc } from '../process-cluster.js'

export const SERVER = resolve('dist/targets/chain-kv/server/main.js')

/** Fast timings for tests: lease < fail, as the server requires. */
export const FAST = ['--heartbeat-ms', '50', '--lease-ms', '400', '--fail-ms', '800', '--rejoin-ms', '300', '--election-ms', '150-300', '--request-timeout-ms', '3000']

const SPEC: ServerSpec = { server: SERVER, name: 'chain-kv', keepDirEnv: 'CHAIN_KV_KEEP_TEST_DIR', defaultArgs: FAST, postTimeoutMs: 5000 }

export function requireBuiltServer(): void {
  requireBuilt(SERVER)
}

export class TestCluster extends ProcessCluster<Status, KvReply> {
  static async start(size: number, options: ClusterOptions = {}): Promise<TestCluster> {
    return ProcessCluster.launch(SPEC, size, options, (nodes, dir) => new TestCluster(nodes, dir, SPEC, options))
  }

  get ids(): string[] {
    return this.nodes.map((n) => n.id)
  }

  /**
   * post(), asked again while the answer is `unavailable`: refused with no
   * effect because the node holds no lease right now (a master just took
   * over, or a configuration was just adopted), for up to `timeoutMs`.
   */
  async postServed(id: string, path: string, body: unknown, timeoutMs = 5000): Promise<KvReply> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const reply = await this.post(id, path, body)
      if (reply.ok || reply.error !== 'unavailable' || Date.now() > deadline) return reply
      await sleep(20)
    }
  }

  /**
   * Waits until every node of `members` (the live ones) reports the same
   * configuration, its tail is synced, its head and tail hold a lease (they
   * serve now), and `check` holds for it; returns the tail's status.
   */
  async waitForChain(members: readonly string[], check: (s: Status) => boolean = () => true, timeoutMs = 10_000): Promise<Status> {
    const deadline = Date.now() + timeoutMs
    let last: (Status | undefined)[] = []
    while (Date.now() < deadline) {
      last = await Promise.all(members.map((id) => this.status(id)))
      const first = last[0]
      const serving = (s: Status | undefined): boolean =>
        s !== undefined && s.role !== 'standby' && (s.role === 'middle' || (s.lease && (s.role !== 'tail' || s.synced)))
      if (first && last.every((s) => s?.epoch === first.epoch && serving(s)) && check(first)) {
        return last.find((s) => s!.role === 'tail' || (s!.role === 'head' && s!.chain.length === 1))!
      }
      await sleep(25)
    }
    throw new Error(`no agreed chain among ${members.join(', ')} within ${timeoutMs} ms: ${JSON.stringify(last.map((s) => s && { id: s.id, role: s.role, epoch: s.epoch, chain: s.chain, joining: s.joining }))}`)
  }
}
