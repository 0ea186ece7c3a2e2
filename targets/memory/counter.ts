/**
 * The counter workload on the memory target: one number, each add atomic.
 * `lost-increment`: an add reads the value, and 2 ms later writes value + n,
 * so two adds that overlap count once.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Client } from '../../core/client.js'
import type { Completion } from '../../core/op.js'
import type { Invocation } from '../../core/generator/types.js'
import { nextTurn, unknownOperation, type MemorySystem, type SystemOptions } from './system.js'

export class MemoryCounter {
  private value = 0
  constructor(private readonly bug: 'lost-increment' | undefined) {}
  async add(n: number): Promise<void> {
    if (this.bug !== 'lost-increment') {
      this.value += n
      return
    }
    const v = this.value
    await sleep(2)
    this.value = v + n
  }
  read(): number {
    return this.value
  }
}

class CounterClient implements Client {
  constructor(
    private readonly counter: MemoryCounter,
    private readonly node: string,
  ) {}
  async invoke(op: Invocation): Promise<Completion> {
    await nextTurn()
    if (op.f === 'read') return { type: 'ok', value: this.counter.read(), node: this.node }
    if (op.f !== 'add') return unknownOperation(op.f, op.value, this.node)
    if (typeof op.value !== 'number') return { type: 'fail', value: op.value, node: this.node, error: 'add takes a number' }
    await this.counter.add(op.value)
    return { type: 'ok', value: op.value, node: this.node }
  }
}

export function counterSystem({ bug }: SystemOptions): MemorySystem {
  const counter = new MemoryCounter(bug === 'lost-increment' ? 'lost-increment' : undefined)
  return { client: (node) => new CounterClient(counter, node), close() {} }
}
