/**
 * What the runner drives: a client performs one invocation at a time against a
 * system and answers ok / fail / info. The nemesis is driven through the same
 * shape (its invocations are faults to start or stop).
 */
import type { Completion } from './op.js'
import type { Invocation } from './generator/types.js'

export interface Client {
  /**
   * Perform `op` and say what happened. Throwing, or not answering before the
   * runner's per-operation timeout (which aborts `signal`), is recorded as `info`:
   * the operation may or may not have taken effect. Answer `fail` only when the
   * operation certainly had no effect.
   */
  invoke(op: Invocation, signal: AbortSignal): Promise<Completion>
  /** Release connections. Called once when the process retires or the test ends. */
  close?(): Promise<void>
}

/**
 * Opens the client for a process. Threads keep a node for the whole test
 * (thread i talks to node i mod N); a process that retired after an `info`
 * is replaced by a new one with a freshly opened client.
 */
export type ClientFactory = (thread: number, process: number) => Client | Promise<Client>
