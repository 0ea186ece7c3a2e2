import { describe, expect, it } from 'vitest'
import { drainQueue, queueOptions, queueWorkload } from '../../../workloads/queue.js'
import { simulate } from '../../../core/generator/index.js'
import type { Completion, Op } from '../../../core/op.js'
import { invokes, options, play } from './helpers.js'

/** A FIFO queue answering the simulated ops. */
function fifo(): (op: Op) => Completion {
  const items: unknown[] = []
  return (op) => {
    if (op.f === 'enqueue') {
      items.push(op.value)
      return { type: 'ok' }
    }
    return { type: 'ok', value: items.length ? items.shift() : null }
  }
}

describe('queue workload', () => {
  it('enqueues each value once, dequeues, then drains one dequeue at a time until the queue is empty', () => {
    const h = play(queueWorkload, options({ dequeueFraction: 0.3 }), 0.3, fifo())
    const values = invokes(h).filter((op) => op.f === 'enqueue').map((op) => op.value)
    expect(new Set(values).size).toBe(values.length)
    // More enqueues than dequeues: the drain has work; it ends with the first empty answer.
    const last = h.filter((op) => op.type === 'ok').at(-1)!
    expect(last).toMatchObject({ f: 'dequeue', value: null })
    const emptyAnswers = h.filter((op) => op.type === 'ok' && op.f === 'dequeue' && op.value === null && op.index > h.findLastIndex((o) => o.f === 'enqueue'))
    expect(emptyAnswers).toHaveLength(1)
    const dequeued = h.filter((op) => op.type === 'ok' && op.f === 'dequeue' && op.value !== null).map((op) => op.value)
    expect(dequeued.sort()).toEqual(values.filter((v) => h.some((op) => op.type === 'ok' && op.f === 'enqueue' && op.value === v)).sort())
  })

  it('the drain waits for each dequeue, and gives up after 20 that did not answer', () => {
    const h = simulate(drainQueue(), { concurrency: 3, seed: 1, completeAfterNs: 1e6, answer: () => ({ type: 'info', error: 'timeout' }) })
    expect(invokes(h)).toHaveLength(20)
    let open = 0
    for (const op of h) {
      open += op.type === 'invoke' ? 1 : -1
      expect(open).toBeLessThanOrEqual(1)
    }
  })

  it('fifo turns on the order check; bad options are refused', () => {
    expect(queueOptions(options({ fifo: true }))).toEqual({ dequeueFraction: 0.5, fifo: true, fifoTimeLimit: 60, atLeastOnce: false })
    expect(() => queueOptions(options({ fifo: 1 }))).toThrow(/queue workload: option fifo must be true or false, got 1/)
  })
})
