/**
 * The configuration service (the paper's "master"), replicated so that it is
 * no single point of failure: every chain node also runs a replica of a Raft
 * group (../../server-kit/raft/), whose state machine is one register holding
 * the chain configuration (ConfigRegister). Only the Raft leader acts as
 * master: it probes every node, and changes the configuration with a
 * compare-and-set from the value it read to the next one (epoch + 1), so two
 * masters in a row can never both install a change from the same epoch.
 *
 * A replica that becomes leader gives every node a fresh grace period (it has
 * not heard from anyone yet): a lease granted by an earlier leader runs out
 * before the new one can remove a node (see ../README.md, "Fencing").
 */
import { performance } from 'node:perf_hooks'
import { Agent } from 'node:http'
import type { Logger } from '../../server-kit/logger.js'
import type { StateMachine } from '../../server-kit/raft/messages.js'
import type { RaftNode } from '../../server-kit/raft/raft.js'
import { postJson } from '../../server-kit/rpc.js'
import type { ChainConfig, HeartbeatArgs, HeartbeatReply } from './messages.js'
import { initialConfig, isNamed, nextConfig, type NodeView } from './reconfig.js'

/** A change of configuration: made only if the register still holds `from`. */
export interface ConfigChange {
  from: ChainConfig | null
  to: ChainConfig
}

/** The master's replicated state: the configuration (null before the first one), changed by compare-and-set. */
export class ConfigRegister implements StateMachine<ConfigChange, boolean> {
  config: ChainConfig | null = null

  /** True when the register held `from` and now holds `to`. */
  apply(change: ConfigChange): boolean {
    if (JSON.stringify(this.config) !== JSON.stringify(change.from)) return false
    this.config = change.to
    return true
  }
  snapshot(): unknown {
    return this.config
  }
  restore(state: unknown): void {
    this.config = (state ?? null) as ChainConfig | null
  }
}

export type MasterRaft = RaftNode<ConfigChange, boolean>

export interface MasterOptions {
  id: string
  /** Every node, in the initial chain order: id → host:port. */
  addresses: ReadonlyMap<string, string>
  heartbeatMs: number
  failMs: number
  rejoinMs: number
}

const probeAgent = new Agent({ keepAlive: true, maxSockets: 2 })

export class Master {
  private timer: NodeJS.Timeout | undefined
  private busy = false
  private leading = false
  private views = new Map<string, NodeView>()
  private readonly nodes: string[]

  constructor(
    private readonly options: MasterOptions,
    private readonly raft: MasterRaft,
    private readonly register: ConfigRegister,
    private readonly logger: Logger,
  ) {
    this.nodes = [...options.addresses.keys()]
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.heartbeatMs)
  }

  stop(): void {
    clearInterval(this.timer)
  }

  private async tick(): Promise<void> {
    if (this.busy) return
    this.busy = true
    try {
      await this.round()
    } catch (err) {
      this.logger.info(`master round failed: ${(err as Error).message}`)
    } finally {
      this.busy = false
    }
  }

  private async round(): Promise<void> {
    if (!this.raft.isLeader) {
      this.leading = false
      return
    }
    const now = performance.now()
    if (!this.leading) {
      this.leading = true
      this.views = new Map(this.nodes.map((id) => [id, { lastSeen: now, aliveSince: null, reply: null }]))
      this.logger.info('master: this replica leads; every node gets a grace period')
    }
    // Linearizable (ReadIndex): the configuration as of now, not as of our last apply.
    const read = await this.raft.read(() => this.register.config)
    if (!read.ok) return
    const config = read.value
    if (config === null) {
      await this.change(null, initialConfig(this.nodes))
      return
    }
    await this.probeAll(config)
    const next = nextConfig(config, {
      now: performance.now(),
      failMs: this.options.failMs,
      rejoinMs: this.options.rejoinMs,
      nodes: this.nodes,
      views: this.views,
    })
    if (next) await this.change(config, next)
  }

  /**
   * Probes every node. A node whose stamp this master did not hold yet (this
   * replica just became master, or the node restarted) got no lease from that
   * probe; it is probed again at once, echoing the stamp of its reply, so it
   * serves one round trip later instead of one period later.
   */
  private async probeAll(config: ChainConfig): Promise<void> {
    const bootOf = (id: string): string | undefined => this.views.get(id)!.reply?.lease?.boot
    const before = new Map(this.nodes.map((id) => [id, bootOf(id)]))
    await Promise.all(this.nodes.map((id) => this.probe(id, config)))
    const fresh = this.nodes.filter((id) => bootOf(id) !== undefined && bootOf(id) !== before.get(id))
    await Promise.all(fresh.map((id) => this.probe(id, config)))
  }

  private async probe(id: string, config: ChainConfig): Promise<void> {
    const view = this.views.get(id)!
    // Echo the node's stamp from its last reply we received (see HeartbeatArgs.lease): its lease
    // starts no later than our view.lastSeen, so it ends before we may remove it (failMs > leaseMs).
    const args: HeartbeatArgs = { epoch: config.epoch, config: isNamed(config, id) ? config : null, master: this.options.id, lease: view.reply?.lease ?? null }
    try {
      const res = await postJson(this.options.addresses.get(id)!, '/chain/heartbeat', args, Math.max(200, this.options.heartbeatMs * 2), { agent: probeAgent })
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`)
      const now = performance.now()
      view.lastSeen = now
      view.aliveSince ??= now
      view.reply = res.body as HeartbeatReply
    } catch {
      view.aliveSince = null
    }
  }

  private async change(from: ChainConfig | null, to: ChainConfig): Promise<void> {
    const reply = await this.raft.propose({ from, to })
    if (reply.ok && reply.value) {
      this.logger.info(`master: epoch ${to.epoch} chain=${to.chain.join(',')} joining=${to.joining ?? '-'}`)
      // Tell the nodes now rather than at the next period; a second probe echoes the stamps of the
      // first, so nodes (a first configuration, a restarted node) hold a lease without waiting a period.
      await Promise.all(this.nodes.map((id) => this.probe(id, to)))
      await Promise.all(this.nodes.map((id) => this.probe(id, to)))
    } else {
      this.logger.info(`master: change to epoch ${to.epoch} not made (${reply.ok ? 'the configuration changed meanwhile' : reply.error})`)
    }
  }
}
