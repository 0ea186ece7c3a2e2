import { describe, expect, it } from 'vitest'
import { MemoryCounter } from '../../../../targets/memory/counter.js'
import { counterWorkload } from '../../../../workloads/counter.js'
import { runOnMemory } from './run-workload.js'

describe('memory counter', () => {
  it('counts every add; lost-increment loses one of two overlapping adds', async () => {
    const c = new MemoryCounter(undefined)
    await Promise.all([c.add(1), c.add(1), c.add(-1)])
    expect(c.read()).toBe(1)
    const lossy = new MemoryCounter('lost-increment')
    await Promise.all([lossy.add(1), lossy.add(1)])
    expect(lossy.read()).toBe(1)
  })

  it('the counter workload is valid on it (with decrements too), and lost-increment is caught', async () => {
    expect((await runOnMemory(counterWorkload, { workloadOptions: { decrements: true } })).results.valid).toBe(true)
    const bad = await runOnMemory(counterWorkload, { bug: 'lost-increment' })
    expect(bad.results.checkers.counter).toMatchObject({ valid: false })
  })
})
