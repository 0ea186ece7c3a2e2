/**
 * Runs real raft-kv server processes (the COMPILED dist/ server) on 127.0.0.1
 * with ephemeral ports and temporary data folders, for the tests of this folder.
 */
import { resolve } from 'node:path'
import type { KvReply, Status } from '../../../../targets/raft-kv/server/messages.js'
import { ProcessCluster, requireBuilt, sleep, type ClusterOptions, type ServerSpec } from '../process-cluster.js'

export { sleep }
export type { ClusterOptions, NodeProc } from '../process-cluster.js'

export const SERVER = resolve('dist/targets/raft-kv/server/main.js')

const SPEC: ServerSpec = { server: SERVER, name: 'raft-kv', keepDirEnv: 'RAFT_KV_KEEP_TEST_DIR', defaultArgs: [], postTimeoutMs: 8000 }

export function requireBuiltServer(): void {
  requireBuilt(SERVER)
}

export class TestCluster extends ProcessCluster<Status, KvReply> {
  static async start(size: number, options: ClusterOptions = {}): Promise<TestCluster> {
    return ProcessCluster.launch(SPEC, size, options, (nodes, dir) => new TestCluster(nodes, dir, SPEC, options))
  }

  async restart(id: string): Promise<void> {
    await this.kill(id)
    this.startNode(id)
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
}
