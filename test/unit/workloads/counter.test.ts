import { describe, expect, it } from 'vitest'
import { counterOptions, counterWorkload } from '../../../workloads/counter.js'
import { invokes, options, play } from './helpers.js'

describe('counter workload', () => {
  it('adds 1 and reads; each node read at the end', () => {
    const h = invokes(play(counterWorkload, options()))
    expect(new Set(h.filter((op) => op.f === 'add').map((op) => op.value))).toEqual(new Set([1]))
    expect(h.filter((op) => op.f === 'read').length).toBeGreaterThan(50)
    expect(h.slice(-5).every((op) => op.f === 'read')).toBe(true)
  })

  it('with decrements, about a third of the adds are -1', () => {
    const adds = invokes(play(counterWorkload, options({ decrements: true }))).filter((op) => op.f === 'add')
    const down = adds.filter((op) => op.value === -1).length
    expect(down / adds.length).toBeGreaterThan(0.2)
    expect(down / adds.length).toBeLessThan(0.45)
  })

  it('refuses a bad option', () => {
    expect(() => counterOptions(options({ decrements: 'yes' }))).toThrow(/counter workload: option decrements must be true or false, got "yes"/)
  })
})
