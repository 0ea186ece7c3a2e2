/**
 * The set workload on the memory target: sets by key, each add atomic.
 * `lost-add`: every 37th add is acknowledged and then dropped, as a system
 * that acknowledges before the write is durable would lose it.
 */
import type { Client } from '../../core/client.js'
import type { Completion } from '../../core/op.js'
import type { Invocation } from '../../core/generator/types.js'
import { nextTurn, unknownOperation, type MemorySystem, type SystemOptions } from './system.js'

export const LOST_ADD_EVERY = 37

export class MemorySet {
  private readonly sets = new Map<string, unknown[]>()
  private adds = 0
  constructor(private readonly bug: 'lost-add' | undefined) {}

  add(key: unknown, element: unknown): void {
    this.adds++
    if (this.bug === 'lost-add' && this.adds % LOST_ADD_EVERY === 0) return
    const id = JSON.stringify(key)
    const set = this.sets.get(id)
    if (!set) this.sets.set(id, [element])
    else if (!set.some((e) => JSON.stringify(e) === JSON.stringify(element))) set.push(element)
  }

  read(key: unknown): unknown[] {
    return [...(this.sets.get(JSON.stringify(key)) ?? [])]
  }
}

class SetClient implements Client {
  constructor(
    private readonly set: MemorySet,
    private readonly node: string,
  ) {}
  async invoke(op: Invocation): Promise<Completion> {
    await nextTurn()
    if (!Array.isArray(op.value) || op.value.length !== 2) {
      return { type: 'fail', value: op.value, node: this.node, error: `set ops take [key, value], got ${JSON.stringify(op.value)}` }
    }
    const [key, v] = op.value as [unknown, unknown]
    if (op.f === 'add') {
      this.set.add(key, v)
      return { type: 'ok', value: op.value, node: this.node }
    }
    if (op.f === 'read') return { type: 'ok', value: [key, this.set.read(key)], node: this.node }
    return unknownOperation(op.f, op.value, this.node)
  }
}

export function setSystem({ bug }: SystemOptions): MemorySystem {
  const set = new MemorySet(bug === 'lost-add' ? 'lost-add' : undefined)
  return { client: (node) => new SetClient(set, node), close() {} }
}
