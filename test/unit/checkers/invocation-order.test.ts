import { describe, expect, it } from 'vitest'
import { InvocationOrder } from '../../../checkers/invocation-order.js'

function recorder(): { order: InvocationOrder<string>; out: string[] } {
  const out: string[] = []
  return { order: new InvocationOrder<string>((item, at) => out.push(`${item}@${at}`)), out }
}

describe('InvocationOrder', () => {
  it('hands completions on in the order they were invoked, each as soon as nothing invoked before it is in flight', () => {
    const { order, out } = recorder()
    order.invoked(0, 0)
    order.invoked(1, 1)
    order.invoked(2, 2)
    order.completed(2, 'c')
    order.completed(1, 'b')
    expect(out).toEqual([]) // 0 is still in flight
    order.completed(0, 'a')
    expect(out).toEqual(['a@0', 'b@1', 'c@2'])
    order.invoked(0, 6)
    order.completed(0, 'd')
    expect(out).toEqual(['a@0', 'b@1', 'c@2', 'd@6'])
  })

  it('a completion without an item (a failed read) releases what waited on it and hands on nothing', () => {
    const { order, out } = recorder()
    order.invoked(0, 0)
    order.invoked(1, 1)
    order.completed(1, 'b')
    order.completed(0)
    expect(out).toEqual(['b@1'])
  })

  it('an operation never completed holds nothing back once its process invokes something else, or the history ends', () => {
    const { order, out } = recorder()
    order.invoked(0, 0)
    order.invoked(1, 1)
    order.completed(1, 'b')
    order.abandon(0)
    expect(out).toEqual(['b@1'])
    order.invoked(0, 3) // process 0's read at 3 is never completed: 0 invokes again at 5
    order.invoked(1, 4)
    order.completed(1, 'e')
    order.invoked(0, 5)
    expect(out).toEqual(['b@1', 'e@4'])
    order.invoked(1, 6)
    order.invoked(2, 7)
    order.completed(2, 'g')
    order.finish()
    expect(out).toEqual(['b@1', 'e@4', 'g@7'])
  })

  it('keeps its order over many completions arriving out of order', () => {
    const { order, out } = recorder()
    const expected: string[] = []
    // Four processes; each completes its operation two invocations later than it was invoked.
    for (let i = 0; i < 5000; i++) {
      order.invoked(i % 4, i)
      if (i >= 2) order.completed((i - 2) % 4, String(i - 2))
      expected.push(`${i}@${i}`)
    }
    order.finish()
    expect(out).toEqual(expected.slice(0, 4998))
  })
})
