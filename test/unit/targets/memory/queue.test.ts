import { describe, expect, it } from 'vitest'
import { MemoryQueue } from '../../../../targets/memory/queue.js'
import { queueWorkload } from '../../../../workloads/queue.js'
import { runOnMemory } from './run-workload.js'

function fill(q: MemoryQueue, n: number): void {
  for (let v = 1; v <= n; v++) q.enqueue(v)
}
function drain(q: MemoryQueue): unknown[] {
  const out: unknown[] = []
  for (let v = q.dequeue(); v !== null; v = q.dequeue()) out.push(v)
  return out
}

describe('memory queue', () => {
  it('first in, first out; null when empty', () => {
    const q = new MemoryQueue(undefined)
    fill(q, 3)
    expect(drain(q)).toEqual([1, 2, 3])
    expect(q.dequeue()).toBeNull()
  })

  it('lost-enqueue drops the 29th; duplicate-dequeue repeats the head on the 31st; unordered-dequeue takes the second on every 7th', () => {
    const lost = new MemoryQueue('lost-enqueue')
    fill(lost, 30)
    expect(drain(lost)).toEqual([...Array.from({ length: 28 }, (_, i) => i + 1), 30])
    const dup = new MemoryQueue('duplicate-dequeue')
    fill(dup, 40)
    expect(drain(dup).filter((v) => v === 31)).toHaveLength(2)
    const unordered = new MemoryQueue('unordered-dequeue')
    fill(unordered, 10)
    expect(drain(unordered)).toEqual([1, 2, 3, 4, 5, 6, 8, 7, 9, 10])
  })

  it('the queue workload is valid on it, FIFO order included', async () => {
    expect((await runOnMemory(queueWorkload, { workloadOptions: { fifo: true } })).results.valid).toBe(true)
  })

  it('lost-enqueue and duplicate-dequeue are caught', async () => {
    expect((await runOnMemory(queueWorkload, { bug: 'lost-enqueue' })).results.checkers.queue).toMatchObject({ valid: false, counts: { lost: expect.any(Number) as number } })
    expect((await runOnMemory(queueWorkload, { bug: 'duplicate-dequeue' })).results.checkers.queue).toMatchObject({ valid: false })
  })

  it('unordered-dequeue is caught only with fifo', async () => {
    expect((await runOnMemory(queueWorkload, { bug: 'unordered-dequeue' })).results.checkers.queue).toMatchObject({ valid: true })
    expect((await runOnMemory(queueWorkload, { bug: 'unordered-dequeue', workloadOptions: { fifo: true } })).results.checkers.queue).toMatchObject({ valid: false, fifo: { valid: false } })
  })
})
