/**
 * One in-process system of the memory target: the state every client of a run
 * shares, and a client for a node. Each workload has its own (register, set,
 * bank, ...), built by `setup` with the run's bug mode and workload options.
 */
import type { Client } from '../../core/client.js'
import type { Completion } from '../../core/op.js'

export interface MemorySystem {
  client(node: string): Client
  /** Stops timers; the run is over. */
  close(): void
}

export interface SystemOptions {
  /** The bug mode, when it is one of this system's. */
  bug: string | undefined
  workloadOptions: Readonly<Record<string, unknown>>
}

/**
 * Answers on a later turn of the event loop, as a network client would, so
 * operations of different threads really overlap.
 */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve))
}

export function unknownOperation(f: string, value: unknown, node: string): Completion {
  return { type: 'fail', value, node, error: `memory target has no operation '${f}' for this workload` }
}

/** Node n<i>'s number i. */
export function nodeNumber(node: string): number {
  return Number(node.replace(/^\D+/, '')) || 0
}
