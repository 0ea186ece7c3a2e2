/** The register workload on the memory target: read / write / cas on the in-memory KV store. */
import type { Client } from '../../core/client.js'
import type { Completion } from '../../core/op.js'
import type { Invocation } from '../../core/generator/types.js'
import { MemoryKvStore } from './kv-store.js'
import { nextTurn, nodeNumber, unknownOperation, type MemorySystem, type SystemOptions } from './system.js'

class MemoryKvClient implements Client {
  constructor(
    private readonly store: MemoryKvStore,
    private readonly node: string,
    private readonly fromReplica: boolean,
  ) {}

  async invoke(op: Invocation): Promise<Completion> {
    await nextTurn()
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
        return unknownOperation(op.f, op.value, this.node)
    }
  }
}

function asKeyed(value: unknown, f: string): [unknown, unknown] {
  if (Array.isArray(value) && value.length === 2) return [value[0], value[1]]
  // A bare value addresses the single register 'r'.
  if (f === 'cas' && !Array.isArray(value)) throw new Error(`cas needs [from, to], got ${JSON.stringify(value)}`)
  return ['r', value]
}

export function registerSystem({ bug }: SystemOptions): MemorySystem {
  const store = new MemoryKvStore(bug === 'stale-read' ? { bug: 'stale-read' } : {})
  return {
    // Clients on even-numbered nodes read the lagging replica (in stale-read mode).
    client: (node) => new MemoryKvClient(store, node, nodeNumber(node) % 2 === 0),
    close: () => store.close(),
  }
}
