import { describe, expect, it } from 'vitest'
import { fillIn, isGenerator, restrictContext, simulate, toGenerator } from '../../../../core/generator/index.js'
import type { GenContext, Thread } from '../../../../core/generator/index.js'
import { DstestError } from '../../../../core/errors.js'
import { Random } from '../../../../core/random.js'
import { fs, invokes, values } from './helpers.js'

function ctx(free: Thread[], all: Thread[] = [0, 1, 2, 'nemesis'], time = 0): GenContext {
  return {
    time,
    freeThreads: free,
    allThreads: all,
    concurrency: 3,
    random: new Random(1),
    processOf: (t) => t,
    threadOf: (p) => (p === 'nemesis' ? 'nemesis' : p % 3),
  }
}

describe('toGenerator', () => {
  it('emits an op template once', () => {
    const h = simulate({ f: 'read' }, { concurrency: 2, seed: 1 })
    expect(fs(h)).toEqual(['read'])
    expect(h.map((op) => op.type)).toEqual(['invoke', 'ok'])
    expect(invokes(h)[0]?.value).toBeNull()
  })

  it('treats null, undefined and [] as empty', () => {
    expect(simulate(null, { concurrency: 1, seed: 1 })).toEqual([])
    expect(simulate(undefined, { concurrency: 1, seed: 1 })).toEqual([])
    expect(simulate([], { concurrency: 1, seed: 1 })).toEqual([])
    expect(toGenerator(null).op(ctx([0]))).toBeNull()
  })

  it('runs array elements in order, nested arrays included', () => {
    const h = simulate([{ f: 'a' }, [{ f: 'b' }, null, { f: 'c' }], { f: 'd' }], { concurrency: 3, seed: 1 })
    expect(fs(h)).toEqual(['a', 'b', 'c', 'd'])
  })

  it('calls a function each time an op is wanted until it returns null', () => {
    let n = 0
    const h = simulate(() => (n < 3 ? { f: 'write', value: n++ } : null), { concurrency: 2, seed: 1 })
    expect(values(h)).toEqual([0, 1, 2])
  })

  it('runs a generator returned by a function to exhaustion, then calls it again', () => {
    let calls = 0
    const h = simulate(() => (++calls <= 2 ? [{ f: 'x', value: calls }, { f: 'y', value: calls }] : null), {
      concurrency: 1,
      seed: 1,
    })
    expect(invokes(h).map((op) => `${op.f}${String(op.value)}`)).toEqual(['x1', 'y1', 'x2', 'y2'])
  })

  it('passes the context to functions, and keeps a template returned while no thread is free', () => {
    const h = simulate((c: GenContext) => (c.time < 3e6 ? { f: 'tick', value: c.time } : null), {
      concurrency: 1,
      seed: 1,
      completeAfterNs: 1e6,
    })
    // Called at 0 (invoked), at 0 again while busy (that template waits and runs at 1e6), ...
    expect(invokes(h).map((op) => [op.time, op.value])).toEqual([
      [0, 0],
      [1e6, 0],
      [2e6, 1e6],
      [3e6, 2e6],
    ])
  })

  it('rejects values that are not generators with a usage error', () => {
    expect(() => toGenerator({ nope: 1 } as never)).toThrow(DstestError)
    expect(() => toGenerator(42 as never)).toThrow(/not a generator: 42/)
  })

  it('reports a function that only ever returns empty generators instead of spinning', () => {
    expect(() => simulate(() => [], { concurrency: 1, seed: 1 })).toThrow(/empty generator/)
  })

  it('recognises Generator objects and passes them through', () => {
    const g = toGenerator({ f: 'read' })
    expect(isGenerator(g)).toBe(true)
    expect(toGenerator(g)).toBe(g)
  })
})

describe('fillIn', () => {
  it('takes a free client thread, never the nemesis, in an unrestricted context', () => {
    const c = ctx([1, 2, 'nemesis'])
    for (let i = 0; i < 50; i++) expect([1, 2]).toContain(fillIn({ f: 'read' }, c)?.process)
    expect(fillIn({ f: 'read' }, ctx(['nemesis']))).toBeNull()
  })

  it('spreads ops over the free threads with the seeded random source', () => {
    const seen = new Set<unknown>()
    const c = ctx([0, 1, 2, 'nemesis'])
    for (let i = 0; i < 100; i++) seen.add(fillIn({ f: 'read' }, c)?.process)
    expect([...seen].sort()).toEqual([0, 1, 2])
  })

  it('uses the nemesis when the context is restricted to it', () => {
    const c = restrictContext(ctx([0, 'nemesis']), (t) => t === 'nemesis')
    expect(fillIn({ f: 'kill' }, c)?.process).toBe('nemesis')
  })

  it('uses the current process of the thread (after an info it changes)', () => {
    const c = { ...ctx([1]), processOf: (t: Thread) => (t === 1 ? 4 : t) }
    expect(fillIn({ f: 'read' }, c)?.process).toBe(4)
  })

  it('keeps a fixed process, and waits while it is busy or retired', () => {
    expect(fillIn({ f: 'read', process: 2 }, ctx([0, 2]))?.process).toBe(2)
    expect(fillIn({ f: 'read', process: 2 }, ctx([0, 1]))).toBeNull()
    expect(fillIn({ f: 'read', process: 5 }, ctx([2]))).toBeNull() // thread 2 runs process 2, not 5
  })

  it('never schedules an op in the past', () => {
    expect(fillIn({ f: 'read', time: 5 }, ctx([0], undefined, 100))?.time).toBe(100)
    expect(fillIn({ f: 'read', time: 500 }, ctx([0], undefined, 100))?.time).toBe(500)
  })

  it('is pending when no thread is free', () => {
    const step = toGenerator({ f: 'read' }).op(ctx([]))
    expect(step).not.toBeNull()
    expect(step && 'pending' in step).toBe(true)
  })
})
