/**
 * `--target memory`: an in-process linearizable register/KV (and a deliberately
 * broken variant) for a ten-second demo and for testing the runner, generators,
 * store and CLI end to end without Docker.
 */
import type { Client } from '../../core/client.js'
import { DstestError } from '../../core/errors.js'
import type { Completion } from '../../core/op.js'
import type { Invocation } from '../../core/generator/types.js'
import { defineTarget } from '../target.js'
import { MemoryKvStore } from './kv-store.js'

export const memoryBugs = {
  'stale-read': 'clients on even-numbered nodes read a replica that lags writes by 20 ms (not linearizable)',
} as const

class MemoryKvClient implements Client {
  constructor(
    private readonly store: MemoryKvStore,
    private readonly node: string,
    private readonly fromReplica: boolean,
  ) {}

  async invoke(op: Invocation): Promise<Completion> {
    // Answer on a later turn of the event loop, as a network client would, so
    // operations of different threads really overlap.
    await new Promise<void>((r) => setImmediate(r))
    const [key, arg] = asKeyed(op.value, op.f)
    const k = String(key)
    switch (op.f) {
      case 'read':
        return { type: 'ok', value: [key, this.store.read(k, this.fromReplica)], node: this.node }
      case 'write':
        this.store.write(k, arg)
        return { type: 'ok', value: op.value, node: this.node }
      case 'cas': {
        const [from, to] = arg as [unknown, unknown]
        return this.store.cas(k, from, to)
          ? { type: 'ok', value: op.value, node: this.node }
          : { type: 'fail', value: op.value, node: this.node, error: 'cas-mismatch' }
      }
      default:
        return { type: 'fail', value: op.value, node: this.node, error: `memory target has no operation '${op.f}'` }
    }
  }
}

function asKeyed(value: unknown, f: string): [unknown, unknown] {
  if (Array.isArray(value) && value.length === 2) return [value[0], value[1]]
  // A bare value addresses the single register 'r'.
  if (f === 'cas' && !Array.isArray(value)) throw new Error(`cas needs [from, to], got ${JSON.stringify(value)}`)
  return ['r', value]
}

/** One store per run (a library user may run several tests in one process). */
const stores = new Map<string, MemoryKvStore>()

export const memoryTarget = defineTarget({
  name: 'memory',
  description: 'in-process linearizable key-value register, for demos and tests (no Docker needed)',
  bugs: memoryBugs,
  workloads: ['register'],
  operations: ['read', 'write', 'cas'],
  runtimes: ['memory'],
  async setup(cluster, options) {
    if (options.bug !== undefined && !(options.bug in memoryBugs)) {
      throw new DstestError('E_UNKNOWN_NAME', `unknown bug '${options.bug}' for target memory`, {
        fix: `choose one of: ${Object.keys(memoryBugs).join(', ')}`,
      })
    }
    stores.get(cluster.runId)?.close()
    stores.set(cluster.runId, new MemoryKvStore(options.bug === 'stale-read' ? { bug: 'stale-read' } : {}))
  },
  async teardown(cluster) {
    stores.get(cluster.runId)?.close()
    stores.delete(cluster.runId)
  },
  client({ node, cluster }) {
    const store = stores.get(cluster.runId)
    if (!store) throw new Error(`memory target is not set up for run ${cluster.runId}`)
    const n = Number(node.slice(1))
    return new MemoryKvClient(store, node, n % 2 === 0)
  },
})
