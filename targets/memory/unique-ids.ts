/**
 * The unique-ids workload on the memory target: ids from one counter.
 * `duplicate-id`: the counter is read, and bumped 2 ms later, so requests that
 * overlap get the same id.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Client } from '../../core/client.js'
import type { Completion } from '../../core/op.js'
import type { Invocation } from '../../core/generator/types.js'
import { nextTurn, unknownOperation, type MemorySystem, type SystemOptions } from './system.js'

export class MemoryIds {
  private next = 0
  constructor(private readonly bug: 'duplicate-id' | undefined) {}
  async generate(): Promise<number> {
    if (this.bug !== 'duplicate-id') return this.next++
    const id = this.next
    await sleep(2)
    this.next = id + 1
    return id
  }
}

class IdClient implements Client {
  constructor(
    private readonly ids: MemoryIds,
    private readonly node: string,
  ) {}
  async invoke(op: Invocation): Promise<Completion> {
    await nextTurn()
    if (op.f !== 'generate') return unknownOperation(op.f, op.value, this.node)
    return { type: 'ok', value: await this.ids.generate(), node: this.node }
  }
}

export function uniqueIdsSystem({ bug }: SystemOptions): MemorySystem {
  const ids = new MemoryIds(bug === 'duplicate-id' ? 'duplicate-id' : undefined)
  return { client: (node) => new IdClient(ids, node), close() {} }
}
