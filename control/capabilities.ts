/**
 * Optional capabilities of a `Cluster`, beyond the `Remote` per node. A
 * nemesis checks for them with the guards below instead of assuming a runtime:
 * the Docker cluster has all of them; an SSH cluster may offer only some.
 */
import type { Cluster, ExecResult } from './remote.js'

/** Runs network tools (iptables, tc) in a node's network namespace. */
export interface NetworkControl {
  /**
   * Runs argv in the node's network namespace with the control node's
   * privileges (works while the node is paused). Resolves with the exit code;
   * never throws for a non-zero exit.
   */
  netExec(node: string, argv: readonly string[], stdin?: string): Promise<ExecResult>
  /** The iptables chain this cluster's rules go in (default DSTEST; a per-run chain on shared hosts). */
  readonly iptablesChain?: string
}

/** Whole-node faults done by the runtime (the engine's kill/start, pause/unpause). */
export interface NodeControl {
  killNode(node: string): Promise<void>
  startNode(node: string): Promise<void>
  pauseNode(node: string): Promise<void>
  resumeNode(node: string): Promise<void>
}

/** Per-node wall-clock offset, seen by processes started with `faketimeEnv()`. */
export interface ClockControl {
  setClockOffset(node: string, offsetMs: number): Promise<void>
}

export const hasNetworkControl = (c: Cluster): c is Cluster & NetworkControl =>
  typeof (c as Partial<NetworkControl>).netExec === 'function'
export const hasNodeControl = (c: Cluster): c is Cluster & NodeControl =>
  typeof (c as Partial<NodeControl>).killNode === 'function'
export const hasClockControl = (c: Cluster): c is Cluster & ClockControl =>
  typeof (c as Partial<ClockControl>).setClockOffset === 'function'
