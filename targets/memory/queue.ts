/**
 * The queue workload on the memory target: one FIFO array. Bugs:
 * `lost-enqueue`: every 29th enqueue is acknowledged and dropped;
 * `duplicate-dequeue`: every 31st dequeue returns the head without removing it;
 * `unordered-dequeue`: every 7th dequeue takes the second value, not the head
 * (no value is lost or repeated: only the FIFO check sees it).
 */
import type { Client } from '../../core/client.js'
import type { Completion } from '../../core/op.js'
import type { Invocation } from '../../core/generator/types.js'
import { nextTurn, unknownOperation, type MemorySystem, type SystemOptions } from './system.js'

export const QUEUE_BUGS = ['lost-enqueue', 'duplicate-dequeue', 'unordered-dequeue'] as const
export type QueueBug = (typeof QUEUE_BUGS)[number]

export class MemoryQueue {
  private readonly items: unknown[] = []
  private enqueues = 0
  private dequeues = 0
  constructor(private readonly bug: QueueBug | undefined) {}

  enqueue(v: unknown): void {
    this.enqueues++
    if (this.bug === 'lost-enqueue' && this.enqueues % 29 === 0) return
    this.items.push(v)
  }

  /** The head, or null when empty. */
  dequeue(): unknown {
    this.dequeues++
    if (this.items.length === 0) return null
    if (this.bug === 'duplicate-dequeue' && this.dequeues % 31 === 0) return this.items[0]
    if (this.bug === 'unordered-dequeue' && this.dequeues % 7 === 0 && this.items.length >= 2) return this.items.splice(1, 1)[0]
    return this.items.shift()
  }
}

class QueueClient implements Client {
  constructor(
    private readonly queue: MemoryQueue,
    private readonly node: string,
  ) {}
  async invoke(op: Invocation): Promise<Completion> {
    await nextTurn()
    if (op.f === 'enqueue') {
      this.queue.enqueue(op.value)
      return { type: 'ok', value: op.value, node: this.node }
    }
    if (op.f === 'dequeue') return { type: 'ok', value: this.queue.dequeue(), node: this.node }
    return unknownOperation(op.f, op.value, this.node)
  }
}

export function queueSystem({ bug }: SystemOptions): MemorySystem {
  const queue = new MemoryQueue((QUEUE_BUGS as readonly string[]).includes(bug ?? '') ? (bug as QueueBug) : undefined)
  return { client: (node) => new QueueClient(queue, node), close() {} }
}
