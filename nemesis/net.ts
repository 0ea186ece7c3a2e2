/**
 * The network fault state of a cluster, shared by the partition and packet
 * nemeses so they can overlap: per node, the peers it drops (a grudge), the
 * peers it loses packets from (iptables statistic), and its egress shaping
 * (tc). Each change re-renders the affected nodes' whole DSTEST chain in one
 * iptables-restore, so overlapping faults never fight over rules, and a node
 * that restarts (losing every rule) gets its state back with `markUp`.
 */
import { hasNetworkControl, type NetworkControl } from '../control/capabilities.js'
import { CHAIN, checkJumpArgv, insertJumpArgv, restoreArgv, restoreScript, type NodeNetRules } from '../control/iptables.js'
import type { Cluster, ExecResult } from '../control/remote.js'
import { deleteRootArgv, isNothingToDelete } from '../control/tc.js'
import { EnvironmentError } from '../core/errors.js'
import type { Grudge } from './grudge.js'

export interface Loss {
  /** Nodes that lose packets. */
  nodes: string[]
  /** Probability in (0, 1] that a packet from a peer is dropped. */
  probability: number
}

function failed(node: string, what: string, r: ExecResult): EnvironmentError {
  return new EnvironmentError(
    'E_REMOTE',
    `${node}: ${what} failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().split('\n')[0] ?? ''}`,
    'run `dstest doctor` to check iptables and tc on this machine',
  )
}

export class NetState {
  private grudge: Grudge = {}
  private loss: Loss | undefined
  /** node → tc commands that shape it (replayed in order). */
  private shaping = new Map<string, string[][]>()
  /** Nodes whose INPUT already jumps to DSTEST (forgotten when a node restarts). */
  private readonly jumped = new Set<string>()
  /** Nodes that got a qdisc from us since the last heal (heal removes theirs). */
  private readonly shaped = new Set<string>()
  /** Nodes that are stopped: their state is applied when they come back. */
  private readonly down = new Set<string>()
  private readonly addressOf: Map<string, string>
  private readonly chain: string

  constructor(private readonly cluster: Cluster & NetworkControl) {
    this.addressOf = new Map(cluster.nodes.map((n) => [n.name, n.address]))
    this.chain = cluster.iptablesChain ?? CHAIN
  }

  get nodes(): string[] {
    return this.cluster.nodes.map((n) => n.name)
  }

  /** The rules a node should have now, as data. */
  rulesFor(node: string): NodeNetRules {
    const address = (n: string): string => {
      const a = this.addressOf.get(n)
      if (a === undefined) throw new RangeError(`unknown node '${n}'`)
      return a
    }
    const dropFrom = (this.grudge[node] ?? []).map(address)
    const lossFrom =
      this.loss && this.loss.nodes.includes(node)
        ? this.nodes.filter((n) => n !== node).map((n) => ({ address: address(n), probability: this.loss?.probability ?? 0 }))
        : []
    return { dropFrom, lossFrom }
  }

  currentGrudge(): Grudge {
    return this.grudge
  }

  async setGrudge(grudge: Grudge): Promise<void> {
    const touched = new Set([...Object.keys(this.grudge), ...Object.keys(grudge)])
    this.grudge = grudge
    await this.applyRules([...touched])
  }

  async setLoss(loss: Loss | undefined): Promise<void> {
    const touched = new Set([...(this.loss?.nodes ?? []), ...(loss?.nodes ?? [])])
    this.loss = loss
    await this.applyRules([...touched])
  }

  /** Replaces the shaping of some nodes (root qdisc first deleted, then `commands` run in order). */
  async setShaping(nodes: readonly string[], commands: string[][]): Promise<void> {
    for (const n of nodes) this.shaping.set(n, commands)
    await Promise.all(nodes.filter((n) => !this.down.has(n)).map((n) => this.applyShaping(n)))
  }

  async clearShaping(): Promise<void> {
    const nodes = [...this.shaping.keys()]
    this.shaping.clear()
    await Promise.all(nodes.filter((n) => !this.down.has(n)).map((n) => this.deleteRoot(n)))
  }

  /**
   * Creates the (empty) DSTEST chain and the INPUT jump on every running node,
   * before the test starts, so the first fault costs what every later one does.
   */
  async prepare(): Promise<void> {
    await Promise.all(
      this.nodes
        .filter((n) => !this.down.has(n))
        .map(async (n) => {
          await this.restore(n, this.rulesFor(n))
          await this.ensureJump(n)
        }),
    )
  }

  /** The node stopped (killed): its rules are gone with it. */
  markDown(node: string): void {
    this.down.add(node)
    this.jumped.delete(node)
  }

  /** The node runs again (a fresh network namespace): put its state back. */
  async markUp(node: string): Promise<void> {
    this.down.delete(node)
    this.jumped.delete(node)
    await this.applyRules([node], true)
    if (this.shaping.has(node)) await this.applyShaping(node)
  }

  /**
   * Flushes DSTEST on every running node and removes the root qdisc wherever
   * we shaped since the last heal (`full`: on every node); forgets every fault.
   */
  async heal(full = false): Promise<void> {
    this.grudge = {}
    this.loss = undefined
    this.shaping.clear()
    const up = this.nodes.filter((n) => !this.down.has(n))
    await Promise.all(
      up.map(async (n) => Promise.all([this.applyRules([n], true), full || this.shaped.has(n) ? this.deleteRoot(n) : undefined])),
    )
    for (const n of up) this.shaped.delete(n)
  }

  private async applyRules(nodes: readonly string[], force = false): Promise<void> {
    await Promise.all(
      nodes
        .filter((n) => !this.down.has(n))
        .map(async (node) => {
          const rules = this.rulesFor(node)
          const empty = rules.dropFrom.length === 0 && (rules.lossFrom?.length ?? 0) === 0
          // An empty chain needs no jump; a missing chain is as healed as an empty one.
          if (!empty || force || this.jumped.has(node)) await this.restore(node, rules)
          if (!empty) await this.ensureJump(node)
        }),
    )
  }

  private async restore(node: string, rules: NodeNetRules): Promise<void> {
    const r = await this.cluster.netExec(node, restoreArgv(), restoreScript(rules, this.chain))
    if (r.exitCode !== 0) throw failed(node, 'iptables-restore', r)
  }

  private async ensureJump(node: string): Promise<void> {
    if (this.jumped.has(node)) return
    const check = await this.cluster.netExec(node, checkJumpArgv(this.chain))
    if (check.exitCode !== 0) {
      const r = await this.cluster.netExec(node, insertJumpArgv(this.chain))
      if (r.exitCode !== 0) throw failed(node, 'iptables -I INPUT', r)
    }
    this.jumped.add(node)
  }

  private async applyShaping(node: string): Promise<void> {
    this.shaped.add(node)
    await this.deleteRoot(node)
    for (const argv of this.shaping.get(node) ?? []) {
      const r = await this.cluster.netExec(node, argv)
      if (r.exitCode !== 0) throw failed(node, argv.slice(0, 3).join(' '), r)
    }
  }

  private async deleteRoot(node: string): Promise<void> {
    const r = await this.cluster.netExec(node, deleteRootArgv())
    if (r.exitCode !== 0 && !isNothingToDelete(r.stderr)) throw failed(node, 'tc qdisc del', r)
  }
}

const shared = new WeakMap<Cluster, NetState>()

/** The one NetState of a cluster, shared by every nemesis acting on its network. */
export function netStateOf(cluster: Cluster): NetState {
  let state = shared.get(cluster)
  if (!state) {
    if (!hasNetworkControl(cluster)) {
      throw new EnvironmentError(
        'E_UNSUPPORTED',
        `the ${cluster.runId} cluster cannot run iptables/tc in its nodes' network namespaces`,
        'use the docker runtime (or an SSH runtime with sudo) for network faults',
      )
    }
    state = new NetState(cluster)
    shared.set(cluster, state)
  }
  return state
}
